"""``moot verify UUID.bel`` on a synthetic Belenios 2.0 archive (tests/verify/belenios_maker.py)
for what the archives of ../shared lack: blank votes, weighted credentials, a re-vote, and a 2-of-3
Pedersen trustee group beside a Single trustee. The maker follows the same specification as the
verifier, so these tests guard the code paths; interoperability is the other file's job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.verify.belenios_maker import make_archive
from tests.verify.belenios_tamper import (
    Entries,
    bump,
    data_digest,
    edit_json,
    read_entries,
    rehash,
    resign_hash,
    tar_bytes,
)

from moot.verify.belenios.errors import VerifyError
from moot.verify.belenios.verify import verify

pytestmark = [pytest.mark.pure, pytest.mark.slow]

NAME = "SynthUuid12345ab.bel"


_MADE: dict[str, tuple[bytes, list[list[int]]]] = {}


def made(tmp_path: Path, **options: Any) -> tuple[Path, list[list[int]]]:
    """The synthetic archive for these options (made once per session, copied per test)."""
    path = tmp_path / NAME
    key = repr(sorted(options.items()))
    if key not in _MADE:
        result = make_archive(path, **options)
        _MADE[key] = (path.read_bytes(), result)
    blob, result = _MADE[key]
    path.write_bytes(blob)
    return path, result


def fails(path: Path) -> VerifyError:
    with pytest.raises(VerifyError) as caught:
        verify(path)
    return caught.value


def rewritten(tmp_path: Path, entries: Entries) -> Path:
    path = tmp_path / "changed" / NAME
    path.parent.mkdir()
    path.write_bytes(tar_bytes(rehash(entries)))
    return path


def test_blank_votes_weights_a_revote_and_a_threshold_group_verify(tmp_path: Path) -> None:
    path, result = made(tmp_path)
    report = verify(path)
    assert report.result == result == [[1, 6, 1, 2], [6, 0]]
    lines = "\n".join(report.lines)
    assert "4 trustees (1 single, 2-of-3 threshold), 4 proofs of knowledge" in lines
    assert "4 public credentials, distinct, in the group (weighted)" in lines
    assert "5 ballots, 5 signatures by listed credentials, 1 superseded by a later ballot" in lines
    assert "30 individual, 10 overall, 5 blank" in lines
    assert "4 ballots counted (total weight 7)" in lines
    assert "3 partial decryptions (trustees 1, 2, 4), 18 factors, 18 proofs" in lines


def test_every_threshold_trustee_decrypting_verifies_too(tmp_path: Path) -> None:
    path, result = made(tmp_path, decrypting=(4, 3, 1, 2))
    assert verify(path).result == result


def test_too_few_threshold_trustees_fail(tmp_path: Path) -> None:
    path, _ = made(tmp_path, decrypting=(1, 3))
    error = fails(path)
    assert error.group == "decryptions"
    assert error.what == "1 of trustees 2-4 decrypted, 2 needed (no partial decryption from [2, 4])"


def test_a_missing_single_trustee_fails(tmp_path: Path) -> None:
    path, _ = made(tmp_path, decrypting=(2, 3, 4))
    error = fails(path)
    assert error.group == "decryptions"
    assert "no partial decryption from [1]" in error.what


def test_the_superseded_ballot_counted_instead_of_the_last_fails_the_tally(
    tmp_path: Path,
) -> None:
    path, _ = made(tmp_path, count_first_of_revote=True)
    error = fails(path)
    assert error.group == "tally"
    assert error.what == "encrypted tally is not the product of the ballots"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (["answers", 0, "blank_proof", 1, "response"], "answers[0].blank_proof"),
        (["answers", 0, "overall_proof", 2, "challenge"], "answers[0].overall_proof"),
        (["answers", 0, "individual_proofs", 0, 1, "response"], "answers[0].individual_proofs[0]"),
    ],
)
def test_a_changed_blank_or_overall_proof_fails(
    tmp_path: Path, path: list[Any], field: str
) -> None:
    archive, _ = made(tmp_path)
    entries = read_entries(archive)

    def change(obj: Any) -> None:
        target = obj
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = bump(target[path[-1]])
        resign_hash(obj)

    ballot = data_digest(entries, "Ballot", 2)
    error = fails(rewritten(tmp_path, edit_json(entries, ballot, change)))
    assert error.group == "ballots"
    assert error.field == field
    assert error.height == 3


def pedersen_change(tmp_path: Path, change: Any) -> VerifyError:
    archive, _ = made(tmp_path)
    entries = read_entries(archive)
    trustees = data_digest(entries, "Setup", 0, "trustees")
    return fails(rewritten(tmp_path, edit_json(entries, trustees, lambda obj: change(obj[1][1]))))


def test_a_changed_certificate_signature_fails(tmp_path: Path) -> None:
    def change(params: Any) -> None:
        signature = params["certs"][2]["signature"]
        signature["response"] = bump(signature["response"])

    error = pedersen_change(tmp_path, change)
    assert error.group == "trustees"
    assert error.field == "[1][1].certs[2].signature"


def test_changed_coefficient_commitments_fail_their_signature(tmp_path: Path) -> None:
    def change(params: Any) -> None:
        message = json.loads(params["coefexps"][1]["message"])
        message["coefexps"][1] = bump(message["coefexps"][1])
        params["coefexps"][1]["message"] = json.dumps(message, separators=(",", ":"))

    error = pedersen_change(tmp_path, change)
    assert error.group == "trustees"
    assert error.field in ("[1][1].coefexps[1].signature", "[1][1].coefexps[1].message.coefexps[1]")


def test_verification_keys_swapped_fail(tmp_path: Path) -> None:
    def change(params: Any) -> None:
        keys = params["verification_keys"]
        keys[0], keys[1] = keys[1], keys[0]

    error = pedersen_change(tmp_path, change)
    assert error.group == "trustees"
    assert error.field == "[1][1].verification_keys[0].public_key"
    assert error.what == "not the key the coefficient commitments give this trustee"


def test_a_threshold_above_the_coefficients_fails(tmp_path: Path) -> None:
    error = pedersen_change(tmp_path, lambda params: params.__setitem__("threshold", 3))
    assert error.group == "trustees"
    assert error.field == "[1][1].coefexps[0].message"


def test_a_changed_weight_fails_the_tally(tmp_path: Path) -> None:
    archive, _ = made(tmp_path)
    entries = read_entries(archive)
    credentials = data_digest(entries, "Setup", 0, "credentials")

    def change(obj: Any) -> None:
        obj[1] = obj[1].replace(",2", ",5")

    error = fails(rewritten(tmp_path, edit_json(entries, credentials, change)))
    assert error.group == "tally"
    assert error.field == "total_weight"
