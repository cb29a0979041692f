"""``moot verify UUID.bel``: the Belenios 2.0 archives of ../shared verify, and every change to
them is caught — even when every content hash and chain link has been recomputed after the
change, so that only the cryptography can tell.

The archives were made by Debian's belenios-tool 2.0 (../shared/e2e-data/README.md): someone
else's implementation, the test that our reading of the specification is right.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from tests.conftest import shared_path
from tests.verify.belenios_tamper import (
    BLOCK,
    Entries,
    at,
    body_of,
    bump,
    bumped,
    data_digest,
    digest_of,
    edit_json,
    read_entries,
    rehash,
    resign_hash,
    tar_bytes,
)

from moot import cli as moot_cli
from moot.verify.belenios import groups
from moot.verify.belenios.cli import main
from moot.verify.belenios.errors import ProofError, VerifyError
from moot.verify.belenios.verify import Report, verify

pytestmark = [pytest.mark.pure, pytest.mark.slow]

DATA = ("e2e-data", "belenios-2.0-generated")
HOMOMORPHIC = "homomorphic"
STV = "stv"
UUIDS = {HOMOMORPHIC: "3U6iqDoV2ibpAU", STV: "Dvg7T6HyAFGsCG"}


def archive_path(kind: str) -> Path:
    return shared_path(*DATA, kind, f"{UUIDS[kind]}.bel")


_REPORTS: dict[str, Report] = {}


def report_of(kind: str) -> Report:
    if kind not in _REPORTS:
        _REPORTS[kind] = verify(archive_path(kind))
    return _REPORTS[kind]


def write(tmp_path: Path, kind: str, entries: Entries) -> Path:
    path = tmp_path / f"{UUIDS[kind]}.bel"
    path.write_bytes(tar_bytes(entries))
    return path


def fails(path: Path) -> VerifyError:
    with pytest.raises(VerifyError) as caught:
        verify(path)
    return caught.value


# --- the archives verify, and say what they checked --------------------------------------------


def test_the_homomorphic_archive_verifies_with_the_published_result() -> None:
    report = report_of(HOMOMORPHIC)
    groups_seen = [line.split(":", 1)[0] for line in report.lines]
    assert groups_seen == [
        "ok  archive",
        "ok  setup",
        "ok  trustees",
        "ok  credentials",
        "ok  ballots",
        "ok  tally",
        "ok  shuffles",
        "ok  decryptions",
        "ok  result",
    ]
    folder = archive_path(HOMOMORPHIC).parent
    assert report.result == json.loads((folder / "result-payload.json").read_text())["result"]
    votes = [json.loads(line) for line in (folder / "votes.txt").read_text().split()]
    sums = [[sum(v[q][a] for v in votes) for a in range(len(votes[0][q]))] for q in range(2)]
    assert report.result == sums
    assert "5 ballots, 5 signatures" in report.lines[4]
    assert "35 individual, 10 overall" in report.lines[4]
    assert "21 factors, 21 proofs" in report.lines[7]


def preferences(ranks: list[int]) -> list[int] | None:
    """A rank vector (rank per candidate, 0 = unranked) as candidates in preference order; None
    unless the ranks are 1..k, each once."""
    order = sorted((rank, i) for i, rank in enumerate(ranks) if rank)
    if [rank for rank, _ in order] != list(range(1, len(order) + 1)):
        return None
    return [i for _, i in order]


def test_the_stv_archive_verifies_two_shuffles_and_decrypts_the_cast_rankings() -> None:
    report = report_of(STV)
    folder = archive_path(STV).parent
    assert report.result == json.loads((folder / "result-payload.json").read_text())["result"]
    cast = [json.loads(line)[0] for line in (folder / "votes.txt").read_text().split()]
    (decrypted,) = report.result
    assert sorted(decrypted) == sorted(cast)
    assert decrypted != cast  # shuffled
    assert (
        "2 shuffles (by trustees 1, 2), 2 proofs of shuffle over 10 ciphertexts" in report.lines[6]
    )
    assert "10 raw-ElGamal" in report.lines[4]
    # belenios-tool method stv processes the same rankings into these preference lists; its count
    # (floating-point Droop-quota transfers, ties broken by candidate order, one winner a round)
    # is none of moot.counting's methods, so the winners are not recounted here.
    method = json.loads((folder / "stv-method-2seats.json").read_text())
    mine = [preferences(ranks) for ranks in decrypted]
    assert sorted(p for p in mine if p is not None) == method["ballots"]
    assert method["invalid"] == [r for r, p in zip(decrypted, mine, strict=True) if p is None]


def test_the_cli_prints_one_line_per_check_group_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert moot_cli.main(["verify", str(archive_path(HOMOMORPHIC))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ok  archive: 31 files (18 data, 12 events)")
    assert (
        out[-2]
        == "ok  result: the published result is the decryption of the tally: [[3,1,1],[2,2,2,1]]"
    )
    assert out[-1].startswith("verified 3U6iqDoV2ibpAU.bel (election 3U6iqDoV2ibpAU) in ")


def test_the_cli_names_the_first_failure_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = read_entries(archive_path(HOMOMORPHIC))
    target = data_digest(entries, "Ballot", 2)
    changed = rehash(edit_json(entries, target, bumped(["signature", "proof", "response"])))
    path = write(tmp_path, HOMOMORPHIC, changed)
    assert main([str(path)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    new_name = [digest_of(n) for n, _ in changed if n.endswith(".data.json")][6]
    assert line == (
        f"FAIL ballots: ballot signature fails (file {new_name}, event height 3, "
        "field signature.proof)"
    )


def test_a_verifier_crash_is_a_failure_not_a_pass(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(path: Path) -> Report:
        raise KeyError("boom")

    monkeypatch.setattr("moot.verify.belenios.cli.verify", broken)
    assert main(["x.bel"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "FAIL verifier: stopped on an unexpected KeyError\n"
    assert "boom" in captured.err


def test_the_cli_refuses_a_missing_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: moot verify" in capsys.readouterr().err


# --- a changed digit, every hash and link recomputed: the cryptography catches it --------------


class Tamper(NamedTuple):
    kind: str  # which archive
    event_type: str  # the event whose data file is changed
    inner: str  # a hash field followed from that payload ("" for the payload itself)
    nth: int  # which event of that type (0 = the first)
    path: list[Any]  # the JSON path of the value changed
    group: str  # the check group expected to fail
    field: str  # how the failing field's name starts


TAMPERS = [
    Tamper(
        HOMOMORPHIC,
        "Ballot",
        "",
        1,
        ["answers", 0, "individual_proofs", 1, 0, "response"],
        "ballots",
        "answers[0].individual_proofs[1]",
    ),
    Tamper(
        HOMOMORPHIC,
        "Ballot",
        "",
        3,
        ["answers", 1, "overall_proof", 2, "challenge"],
        "ballots",
        "answers[1].overall_proof",
    ),
    Tamper(
        HOMOMORPHIC, "Ballot", "", 0, ["answers", 1, "choices", 2, "alpha"], "ballots", "answers[1]"
    ),
    Tamper(STV, "Ballot", "", 4, ["answers", 0, "choices", "beta"], "ballots", "answers[0]"),
    Tamper(
        STV, "Ballot", "", 6, ["answers", 0, "proof", "response"], "ballots", "answers[0].proof"
    ),
    Tamper(
        HOMOMORPHIC,
        "Ballot",
        "",
        4,
        ["signature", "proof", "challenge"],
        "ballots",
        "signature.proof",
    ),
    Tamper(
        HOMOMORPHIC, "Setup", "trustees", 0, [1, 1, "pok", "response"], "trustees", "[1][1].pok"
    ),
    Tamper(STV, "Setup", "trustees", 0, [2, 1, "public_key"], "trustees", "[2][1].p"),
    Tamper(
        HOMOMORPHIC,
        "PartialDecryption",
        "payload",
        1,
        ["decryption_factors", 1, 3],
        "decryptions",
        "decryption_",
    ),
    Tamper(
        HOMOMORPHIC,
        "PartialDecryption",
        "payload",
        2,
        ["decryption_proofs", 0, 0, "response"],
        "decryptions",
        "decryption_proofs[0][0]",
    ),
    Tamper(
        STV,
        "PartialDecryption",
        "payload",
        0,
        ["decryption_factors", 0, 7],
        "decryptions",
        "decryption_",
    ),
    Tamper(STV, "Shuffle", "payload", 0, ["proofs", 0, 1, 0], "shuffles", "proofs[0][0][0]"),
    Tamper(STV, "Shuffle", "payload", 1, ["proofs", 0, 1, 5, 4], "shuffles", "proofs[0]"),
    Tamper(STV, "Shuffle", "payload", 1, ["proofs", 0, 2, 3], "shuffles", "proofs[0]"),
    Tamper(STV, "Shuffle", "payload", 1, ["ciphertexts", 0, 3, "beta"], "shuffles", ""),
    Tamper(STV, "Shuffle", "payload", 0, ["ciphertexts", 0, 9, "alpha"], "shuffles", ""),
    Tamper(HOMOMORPHIC, "EncryptedTally", "encrypted_tally", 0, [0, 1, "beta"], "tally", ""),
    Tamper(HOMOMORPHIC, "Result", "", 0, ["result", 1, 3], "result", "result[1][3]"),
    Tamper(STV, "Result", "", 0, ["result", 0, 5, 2], "result", "result[0][5]"),
]


@pytest.mark.parametrize(
    "case",
    TAMPERS,
    ids=[f"{t.kind}-{t.event_type}-{'.'.join(map(str, t.path))}" for t in TAMPERS],
)
def test_a_changed_digit_fails_even_with_every_hash_recomputed(
    tmp_path: Path, case: Tamper
) -> None:
    kind, event_type, inner, index, path, group, field = case
    entries = read_entries(archive_path(kind))
    target = data_digest(entries, event_type, index, inner)

    def change(obj: Any) -> None:
        parent, key = at(obj, path)
        if isinstance(parent[key], int):
            parent[key] += 1
        else:
            parent[key] = bump(parent[key])
        if event_type == "Ballot":
            resign_hash(obj)

    changed = rehash(edit_json(entries, target, change))
    assert changed != entries
    error = fails(write(tmp_path, kind, changed))
    assert error.group == group, error.line()
    assert (error.field or "").startswith(field), error.line()
    assert error.file in {digest_of(name) for name, _ in changed}
    assert error.height is not None


# The same, with an element multiplied by g: still in the group, so no membership check can
# catch it — only the proof equations (or the recomputed tally) do.
IN_GROUP = [
    Tamper(
        HOMOMORPHIC,
        "Ballot",
        "",
        2,
        ["answers", 0, "choices", 1, "alpha"],
        "ballots",
        "answers[0].individual_proofs[1]",
    ),
    Tamper(STV, "Ballot", "", 8, ["answers", 0, "choices", "beta"], "ballots", "answers[0].proof"),
    Tamper(HOMOMORPHIC, "Setup", "trustees", 0, [0, 1, "public_key"], "trustees", "[0][1].pok"),
    Tamper(HOMOMORPHIC, "EncryptedTally", "encrypted_tally", 0, [1, 2, "beta"], "tally", "[1][2]"),
    Tamper(
        STV, "Shuffle", "payload", 0, ["ciphertexts", 0, 4, "alpha"], "shuffles", "proofs[0][0]"
    ),
    Tamper(STV, "Shuffle", "payload", 1, ["ciphertexts", 0, 3, "beta"], "shuffles", "proofs[0][0]"),
    Tamper(STV, "Shuffle", "payload", 1, ["proofs", 0, 2, 3], "shuffles", "proofs[0][0]"),
    Tamper(STV, "Shuffle", "payload", 0, ["proofs", 0, 3, 6], "shuffles", "proofs[0][0]"),
    Tamper(
        HOMOMORPHIC,
        "PartialDecryption",
        "payload",
        0,
        ["decryption_factors", 1, 2],
        "decryptions",
        "decryption_proofs[1][2]",
    ),
    Tamper(
        STV,
        "PartialDecryption",
        "payload",
        2,
        ["decryption_factors", 0, 4],
        "decryptions",
        "decryption_proofs[0][4]",
    ),
]
GROUP_OF = {HOMOMORPHIC: "BELENIOS-2048", STV: "RFC-3526-2048"}


@pytest.mark.parametrize(
    "case",
    IN_GROUP,
    ids=[f"{t.kind}-{t.event_type}-{'.'.join(map(str, t.path))}" for t in IN_GROUP],
)
def test_an_element_moved_inside_the_group_fails_its_proof(tmp_path: Path, case: Tamper) -> None:
    kind, event_type, inner, index, path, group, field = case
    entries = read_entries(archive_path(kind))
    target = data_digest(entries, event_type, index, inner)
    g = groups.GROUPS[GROUP_OF[kind]]

    def change(obj: Any) -> None:
        parent, key = at(obj, path)
        parent[key] = str(int(parent[key]) * g.g % g.p)
        assert g.is_member(int(parent[key]))
        if event_type == "Ballot":
            resign_hash(obj)

    error = fails(write(tmp_path, kind, rehash(edit_json(entries, target, change))))
    assert error.group == group, error.line()
    assert (error.field or "").startswith(field), error.line()
    assert "not an element" not in error.what


def test_the_rehash_helper_alone_changes_nothing_that_verifies(tmp_path: Path) -> None:
    """Guards the tampering tests: rewriting without a change gives a verifying archive."""
    entries = read_entries(archive_path(HOMOMORPHIC))
    assert rehash(entries) == entries
    assert verify(write(tmp_path, HOMOMORPHIC, rehash(entries))).result == [[3, 1, 1], [2, 2, 2, 1]]


# --- structure: dropped, missing, truncated, reordered ------------------------------------------


def test_a_ballot_dropped_and_the_chain_relinked_fails_the_tally(tmp_path: Path) -> None:
    entries = read_entries(archive_path(HOMOMORPHIC))
    ballot = data_digest(entries, "Ballot", 2)
    event = next(n for n, b in entries if n.endswith("event.json") and ballot in b.decode())
    kept = [(n, b) for n, b in entries if digest_of(n) not in (ballot, digest_of(event))]
    error = fails(write(tmp_path, HOMOMORPHIC, rehash(kept)))
    assert error.group == "tally"
    assert error.field == "num_tallied"


def test_a_missing_data_file_is_named(tmp_path: Path) -> None:
    entries = read_entries(archive_path(HOMOMORPHIC))
    ballot = data_digest(entries, "Ballot", 1)
    kept = [(n, b) for n, b in entries if digest_of(n) != ballot]
    error = fails(write(tmp_path, HOMOMORPHIC, kept))
    assert error.group == "archive"
    assert error.height == 2
    assert error.field == "payload"
    assert ballot in error.what


def test_a_missing_setup_file_is_named(tmp_path: Path) -> None:
    entries = read_entries(archive_path(STV))
    credentials = data_digest(entries, "Setup", 0, "credentials")
    kept = [(n, b) for n, b in entries if digest_of(n) != credentials]
    error = fails(write(tmp_path, STV, kept))
    assert error.group == "setup"
    assert error.field == "credentials"


def test_an_archive_cut_inside_a_file_is_truncated(tmp_path: Path) -> None:
    blob = archive_path(STV).read_bytes()
    path = tmp_path / "cut.bel"
    path.write_bytes(blob[: len(blob) // 2 + 100])
    error = fails(path)
    assert error.group == "archive"
    assert "truncated" in error.what


def test_an_archive_cut_between_files_has_no_result(tmp_path: Path) -> None:
    entries = read_entries(archive_path(STV))
    path = write(tmp_path, STV, entries[:-5])
    error = fails(path)
    assert error.group == "archive"
    assert "no Result" in error.what


def test_two_events_swapped_break_the_chain(tmp_path: Path) -> None:
    entries = read_entries(archive_path(HOMOMORPHIC))
    positions = [i for i, (n, _) in enumerate(entries) if n.endswith(".event.json")]
    i, j = positions[3], positions[4]
    swapped = list(entries)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    error = fails(write(tmp_path, HOMOMORPHIC, swapped))
    assert error.group == "archive"
    assert error.field in ("height", "payload")


def test_an_event_moved_and_the_chain_relinked_is_out_of_sequence(tmp_path: Path) -> None:
    entries = read_entries(archive_path(STV))
    end = next(i for i, (n, b) in enumerate(entries) if b'"EndBallots"' in b)
    moved = entries[:end] + entries[end + 1 :]
    tally = next(i for i, (n, b) in enumerate(moved) if b'"EncryptedTally"' in b)
    moved.insert(tally + 1, entries[end])
    error = fails(write(tmp_path, STV, rehash(moved)))
    assert error.group == "archive"
    assert error.what == "EncryptedTally event not allowed after Ballot"
    assert error.height == 11


def test_a_file_whose_name_is_not_its_hash_is_refused(tmp_path: Path) -> None:
    entries = read_entries(archive_path(HOMOMORPHIC))
    target = data_digest(entries, "Result")
    changed = edit_json(entries, target, lambda obj: obj["result"][0].__setitem__(0, 4))
    error = fails(write(tmp_path, HOMOMORPHIC, changed))
    assert error.group == "archive"
    assert error.file == target
    assert "SHA-256" in error.what


def test_a_corrupt_tar_header_is_refused(tmp_path: Path) -> None:
    blob = bytearray(archive_path(HOMOMORPHIC).read_bytes())
    blob[BLOCK * 2 + 5] ^= 1  # inside the second file's name, in its tar header
    path = tmp_path / "corrupt.bel"
    path.write_bytes(bytes(blob))
    error = fails(path)
    assert error.group == "archive"
    assert "checksum" in error.what


def test_a_non_canonical_ballot_is_refused(tmp_path: Path) -> None:
    entries = read_entries(archive_path(HOMOMORPHIC))
    target = data_digest(entries, "Ballot", 0)
    spaced = [
        (
            n,
            json.dumps(json.loads(b), separators=(", ", ": ")).encode()
            if digest_of(n) == target
            else b,
        )
        for n, b in entries
    ]
    error = fails(write(tmp_path, HOMOMORPHIC, rehash(spaced)))
    assert error.group == "ballots"
    assert "canonical" in error.what


def test_a_ballot_under_an_unlisted_credential_is_refused(tmp_path: Path) -> None:
    entries = read_entries(archive_path(HOMOMORPHIC))
    credentials = data_digest(entries, "Setup", 0, "credentials")
    ballot = json.loads(body_of(entries, data_digest(entries, "Ballot", 0)))

    def drop(obj: Any) -> None:
        obj.remove(ballot["credential"])

    error = fails(write(tmp_path, HOMOMORPHIC, rehash(edit_json(entries, credentials, drop))))
    assert error.group == "ballots"
    assert error.field == "credential"
    assert error.height == 1


def test_a_count_off_by_the_group_order_is_refused(tmp_path: Path) -> None:
    """g^count fixes the count only modulo q: count + q decrypts the same."""
    entries = read_entries(archive_path(HOMOMORPHIC))
    q = groups.GROUPS["BELENIOS-2048"].q
    target = data_digest(entries, "Result")
    changed = edit_json(entries, target, lambda obj: obj["result"][0].__setitem__(0, 3 + q))
    error = fails(write(tmp_path, HOMOMORPHIC, rehash(changed)))
    assert error.group == "result"
    assert error.field == "result[0][0]"
    assert "more than the total weight 5" in error.what


def test_random_corruptions_are_failures_never_crashes(tmp_path: Path) -> None:
    """A character changed anywhere in a data file (every hash recomputed) gives a FAIL line
    naming the file, never a Python exception of another kind."""
    entries = read_entries(archive_path(HOMOMORPHIC))
    rng = random.Random(2026)
    data = [i for i, (name, _) in enumerate(entries) if name.endswith(".data.json")]
    for trial in range(12):
        i = rng.choice(data)
        name, body = entries[i]
        pos = rng.randrange(len(body))
        new = rng.choice([c for c in b'0123456789",:{}[]-aZ ' if c != body[pos]])
        changed = list(entries)
        changed[i] = (name, body[:pos] + bytes([new]) + body[pos + 1 :])
        path = tmp_path / str(trial) / f"{UUIDS[HOMOMORPHIC]}.bel"
        path.parent.mkdir()
        path.write_bytes(tar_bytes(rehash(changed)))
        error = fails(path)
        assert error.line().startswith("FAIL "), error.line()


# --- the groups ---------------------------------------------------------------------------------


def test_subgroup_membership_by_jacobi_symbol_agrees_with_the_order() -> None:
    group = groups.GROUPS["RFC-3526-2048"]
    rng = random.Random(12)
    for _ in range(50):
        x = rng.randrange(1, group.p)
        assert group.is_member(x) == (pow(x, group.q, group.p) == 1)
    assert not group.is_member(0)
    assert not group.is_member(group.p)
    assert group.is_member(4)
    assert not group.is_member(group.p - 1)  # -1 is not a square mod a safe prime p = 3 mod 4


def test_the_known_groups_pass_their_sanity_checks_and_others_are_refused() -> None:
    assert "p re-derived from RFC 3526" in groups.sanity_check(groups.GROUPS["RFC-3526-2048"])
    assert groups.sanity_check(groups.GROUPS["BELENIOS-2048"])
    with pytest.raises(ProofError, match="unknown group"):
        groups.group_named("Ed25519")
    weak = groups.Group("weak", 23, 11, 4, None)
    weak_g = groups.Group("weak", 23, 11, 5, None)  # 5 has order 22
    assert groups.sanity_check(weak)
    with pytest.raises(ProofError, match="order q"):
        groups.sanity_check(weak_g)


def test_integer_embedding_round_trips() -> None:
    group = groups.GROUPS["RFC-3526-2048"]
    for ranks in ([4, 1, 2, 5, 3], [0, 0, 0, 0, 1], [255, 0, 17, 3, 9]):
        encoded = group.encode_ints(ranks)
        assert group.is_member(encoded)
        assert group.decode_ints(len(ranks), encoded) == ranks
