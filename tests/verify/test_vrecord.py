"""``moot verify RECORD``: a simulated verifiable ballot's record holds, and each tampering is
caught with the file, the board entry and the field — even after every hash, chain link and
the manifest's signature has been recomputed (the test holds the site's key)."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from moot.verify import group
from moot.verify.record_keys import fingerprint
from moot.verify.vballot import new_credential, tracker
from moot.verify.vboard import GENESIS, entry_hash
from moot.verify.vproofs import sign_answers
from moot.verify.vrecord import Report, verify_files, verify_record
from moot.verify.vrecord_write import record_files, result_file_names, write_record
from moot.verify.vsim import Simulation, Vote, cast, simulate

pytestmark = pytest.mark.pure

CANDIDATES = ["Ann", "Bob", "Cy", "Dee", "Eve", "Fay"]
QUESTIONS = [
    {"type": "ranked", "text": "The executive", "candidates": CANDIDATES, "seats": 2, "pack": 4},
    {
        "type": "homomorphic",
        "text": "Adopt the standing orders?",
        "answers": ["Yes", "No"],
        "min": 1,
        "max": 1,
    },
]
KEY = Ed25519PrivateKey.generate()
RAW = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
VOTERS = 30


def _votes() -> list[Vote]:
    rand = random.Random(12)
    votes = []
    for v in range(VOTERS - 2):
        k = rand.randint(1, 6)
        ranks = [0] * 6
        for rank, i in enumerate(rand.sample(range(6), k), start=1):
            ranks[i] = rank
        yes = rand.random() < 0.6
        votes.append(Vote(v, [ranks, [1, 0] if yes else [0, 1]]))
    # Two invalid rankings from a faulty booth: rank 1 twice; a chunk past (n+1)^pack.
    votes.append(Vote(VOTERS - 2, [[1, 0, 0, 0, 0, 0], [1, 0]], {0: [1 + 1 * 7, 0]}))
    votes.append(Vote(VOTERS - 1, [[1, 0, 0, 0, 0, 0], [0, 1]], {0: [7**4 + 3, 0]}))
    # Voter 5 votes again: the later ballot counts.
    votes.append(Vote(5, [[0, 0, 1, 2, 0, 0], [0, 1]]))
    return votes


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(
        title="Executive election",
        questions=QUESTIONS,
        counting={"0": {"method": "meek"}},
        votes=_votes(),
        voters=VOTERS,
        revote=True,
        decryptors=[1, 3],  # trustee 2 is absent at the decryption
        signing_key=KEY,
    )


def _check(files: dict[str, bytes], key: bytes | None = RAW) -> Report:
    return verify_files(files, Report("record.zip", trusted_key=key))


def _rechain(entries: list[dict[str, Any]]) -> None:
    """What a forger does after a change: every height, parent and the close's head again."""
    parent = GENESIS
    for k, entry in enumerate(entries):
        entry["height"] = k
        entry["parent"] = parent
        if entry["type"] == "close":
            entry["payload"]["head"] = parent
        parent = entry_hash(entry)


def _forge(
    sim: Simulation,
    change: Callable[[list[dict[str, Any]]], None],
    result_files: dict[str, bytes] | None = None,
) -> Report:
    entries = copy.deepcopy(sim.entries)
    change(entries)
    _rechain(entries)
    made = result_files or {name: sim.files[name] for name in result_file_names(sim.election)}
    return _check(record_files(sim.election, entries, made, signing_key=KEY))


def _ballots(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["type"] == "ballot"]


def _of(entries: list[dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    return [e for e in entries if e["type"] == type_]


def _failure(report: Report) -> str:
    assert report.failure is not None, "\n".join(report.lines())
    assert report.exit_code == 1
    return str(report.failure)


def test_the_simulated_record_holds(sim: Simulation, tmp_path: Path) -> None:
    path = tmp_path / "record.zip"
    write_record(path, sim.files)
    report = verify_record(path, public_key=RAW)
    assert report.holds, "\n".join(report.lines())
    assert report.exit_code == 0
    text = "\n".join(report.lines())
    for group_line in (
        "manifest.json: 6 files present",
        "trustees: 3 commitments",
        "credentials: 30 public credentials",
        "ballots: 31 ballots",
        "close: 31 ballot entries, 30 counted, 1 superseded",
        "shuffles: question 0: 3 shuffle(s) of 30 rows",
        "decryptions: trustees [1, 3] (threshold 2)",
        "2 invalid ranking(s)",
        "re-derived with moot.counting byte for byte",
    ):
        assert group_line in text
    result = sim.result["questions"]
    assert sorted(row["reason"][:6] for row in result[0]["invalid"]) == ["chunk ", "rank 1"]
    assert sum(result[1]["totals"]) == 30
    assert result[0]["valid"] == 28
    assert report.elected == {"0": result[0]["elected"]}
    assert len(result[0]["elected"]) == 2


def test_checked_in_two_processes(sim: Simulation, tmp_path: Path) -> None:
    path = tmp_path / "record.zip"
    write_record(path, sim.files)
    assert verify_record(path, public_key=RAW, workers=2).holds
    entries = copy.deepcopy(sim.entries)
    share = _of(entries, "decryption")[0]["payload"]["ranked"][0]["shares"][20][1]
    share["proof"]["response"] = group.scalar_hex(3)
    _ballots(entries)[20]["payload"]["signature"]["response"] = group.scalar_hex(4)
    _rechain(entries)
    made = {name: sim.files[name] for name in result_file_names(sim.election)}
    write_record(path, record_files(sim.election, entries, made, signing_key=KEY))
    report = verify_record(path, public_key=RAW, workers=2)
    assert "entry 22, signature: does not verify" in _failure(report)
    entries[22]["payload"] = sim.entries[22]["payload"]
    _rechain(entries)
    write_record(path, record_files(sim.election, entries, made, signing_key=KEY))
    report = verify_record(path, public_key=RAW, workers=2)
    assert "entry 38, payload.ranked[0].shares[20][1]: trustee 1's decryption" in _failure(report)


def test_without_a_trusted_key_it_is_unauthenticated(sim: Simulation) -> None:
    report = _check(sim.files, key=None)
    assert report.ok
    assert not report.authenticated
    assert report.exit_code == 3
    assert "UNAUTHENTICATED" in report.lines()[-1]


def test_the_key_is_pinned_by_its_fingerprint(sim: Simulation) -> None:
    report = verify_files(sim.files, Report("r", fingerprint=fingerprint(RAW)))
    assert report.holds
    other = Ed25519PrivateKey.generate().public_key()
    wrong = other.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert "not signed by the trusted key" in _failure(_check(sim.files, key=wrong))
    assert "fingerprint given" in _failure(
        verify_files(sim.files, Report("r", fingerprint=fingerprint(wrong)))
    )


def test_a_byte_changed_without_the_key_breaks_the_signature(sim: Simulation) -> None:
    entries = copy.deepcopy(sim.entries)
    _ballots(entries)[0]["payload"]["credential"] = _ballots(entries)[1]["payload"]["credential"]
    _rechain(entries)
    made = {name: sim.files[name] for name in result_file_names(sim.election)}
    forged = record_files(sim.election, entries, made, signing_key=Ed25519PrivateKey.generate())
    assert "manifest.json, signature: is not signed by the trusted key" in _failure(_check(forged))


def test_a_file_missing_or_changed(sim: Simulation) -> None:
    files = dict(sim.files)
    del files["q0-count.txt"]
    assert _failure(_check(files)) == "q0-count.txt: missing from the record"
    files = dict(sim.files)
    files["board.jsonl"] = files["board.jsonl"].replace(b'"height":3,', b'"height":4,', 1)
    assert "board.jsonl: its SHA-256 is" in _failure(_check(files))


def test_a_dropped_ballot(sim: Simulation) -> None:
    def drop(entries: list[dict[str, Any]]) -> None:
        entries.remove(_ballots(entries)[7])

    message = _failure(_forge(sim, drop))
    assert "entry 32, payload.ballots" in message  # the close

    def drop_and_fix_the_close(entries: list[dict[str, Any]]) -> None:
        drop(entries)
        close = _of(entries, "close")[0]["payload"]
        close["ballots"] -= 1
        close["counted"] -= 1
        close["voters_online"] -= 1  # the returns too (else the close fails on them)

    message = _failure(_forge(sim, drop_and_fix_the_close))
    assert "entry 33, payload.sums[0].choices" in message
    assert "not the sum of the counted ballots" in message


def test_a_duplicated_ballot(sim: Simulation) -> None:
    def duplicate(entries: list[dict[str, Any]]) -> None:
        ballots = _ballots(entries)
        entries.insert(entries.index(ballots[3]) + 1, copy.deepcopy(ballots[3]))

    assert "entry 6, payload: the same ballot as entry 5 (a replay)" in _failure(
        _forge(sim, duplicate)
    )


def test_an_altered_ciphertext_proof_or_signature(sim: Simulation) -> None:
    def ciphertext(entries: list[dict[str, Any]]) -> None:
        choice = _ballots(entries)[2]["payload"]["answers"][1]["choices"][0]
        choice["alpha"] = group.Point.base_times(12345).hex()

    assert "entry 4, signature: does not verify" in _failure(_forge(sim, ciphertext))

    def signature(entries: list[dict[str, Any]]) -> None:
        _ballots(entries)[2]["payload"]["signature"]["response"] = group.scalar_hex(99)

    assert "entry 4, signature: does not verify" in _failure(_forge(sim, signature))

    # The voter themself (holding the credential) re-signs a ballot whose proof was changed:
    # the proof is caught by its own check.
    ballot = sim.entries[4]["payload"]
    voter = next(
        n
        for n, c in enumerate(sim.credentials)
        if group.Point.base_times(_secret(sim, c)).hex() == ballot["credential"]
    )

    def proof(entries: list[dict[str, Any]]) -> None:
        payload = entries[4]["payload"]
        payload["answers"][1]["overall_proof"][0]["response"] = group.scalar_hex(7)
        payload["signature"] = sign_answers(
            _secret(sim, sim.credentials[voter]), payload["answers"], ctx=sim.parsed.ctx
        ).to_json()

    assert "entry 4, answers[1].overall_proof" in _failure(_forge(sim, proof))


def _secret(sim: Simulation, credential: str) -> int:
    from moot.verify.vballot import credential_secret

    return credential_secret(sim.parsed.uuid, credential)


def test_a_ballot_whose_credential_is_not_on_the_list(sim: Simulation) -> None:
    stranger = cast(sim.parsed, new_credential(), Vote(0, [[1, 2, 0, 0, 0, 0], [1, 0]]))

    def stuff(entries: list[dict[str, Any]]) -> None:
        entries.insert(
            entries.index(_ballots(entries)[-1]) + 1, {"type": "ballot", "payload": stranger}
        )

    assert "entry 33, credential: not in the published list" in _failure(_forge(sim, stuff))


def test_a_changed_superseded_list(sim: Simulation) -> None:
    def forget(entries: list[dict[str, Any]]) -> None:
        _of(entries, "close")[0]["payload"]["superseded"] = []

    assert "payload.superseded: lists 0 tracker(s)" in _failure(_forge(sim, forget))
    superseded = _of(sim.entries, "close")[0]["payload"]["superseded"]
    assert superseded == [tracker(_ballots(sim.entries)[5]["payload"])]


def test_a_ballot_dropped_before_the_close_with_its_counts_fails_at_the_voters(
    sim: Simulation,
) -> None:
    """The operator drops a ballot and re-chains, and the close's own counts agree with the
    board left: the close's number of voters who voted online (issue 11's returns) does not."""

    def drop(entries: list[dict[str, Any]]) -> None:
        entries.remove(_ballots(entries)[0])
        close = _of(entries, "close")[0]["payload"]
        close["ballots"] -= 1
        close["counted"] -= 1

    failure = _failure(_forge(sim, drop))
    assert "payload.voters_online: says 30 voter(s) voted online" in failure
    assert "the board counts 29 ballot(s)" in failure
    assert _of(sim.entries, "close")[0]["payload"]["voters_online"] == 30


def test_an_altered_shuffle(sim: Simulation) -> None:
    def output(entries: list[dict[str, Any]]) -> None:
        shuffle = _of(entries, "shuffle")[1]["payload"]
        row = shuffle["outputs"][4]
        row[0], row[1] = row[1], row[0]

    message = _failure(_forge(sim, output))
    assert "entry 36, payload" in message

    def proof(entries: list[dict[str, Any]]) -> None:
        responses = _of(entries, "shuffle")[0]["payload"]["proof"]["responses"]
        responses["s1"] = group.scalar_hex(5)

    assert "entry 35, payload" in _failure(_forge(sim, proof))


def test_an_altered_decryption_share(sim: Simulation) -> None:
    def factor(entries: list[dict[str, Any]]) -> None:
        share = _of(entries, "decryption")[1]["payload"]["ranked"][0]["shares"][9][0]
        share["factor"] = group.Point.base_times(77).hex()

    message = _failure(_forge(sim, factor))
    assert "entry 39, payload.ranked[0].shares[9][0]" in message
    assert "trustee 3's decryption proof fails" in message


def test_swapped_entries(sim: Simulation) -> None:
    entries = copy.deepcopy(sim.entries)
    entries[5], entries[6] = entries[6], entries[5]
    made = {name: sim.files[name] for name in result_file_names(sim.election)}
    message = _failure(_check(record_files(sim.election, entries, made, signing_key=KEY)))
    assert "board.jsonl, entry 5, height" in message

    def swap(entries: list[dict[str, Any]]) -> None:
        entries[5], entries[6] = entries[6], entries[5]

    # Chained again: the first mixer's inputs are no longer the board's ballots in order.
    assert "entry 35, payload.inputs_digest" in _failure(_forge(sim, swap))


def test_a_truncated_board(sim: Simulation) -> None:
    def truncate(entries: list[dict[str, Any]]) -> None:
        del entries[-1]

    assert "ends with a decryption entry at height 39" in _failure(_forge(sim, truncate))
    files = dict(sim.files)
    lines = files["board.jsonl"].splitlines(keepends=True)
    files["board.jsonl"] = b"".join(lines[:-1])
    assert "board.jsonl: its SHA-256 is" in _failure(_check(files))


def test_a_wrong_total_or_invalid_list(sim: Simulation) -> None:
    def total(entries: list[dict[str, Any]]) -> None:
        totals = entries[-1]["payload"]["questions"][1]["totals"]
        totals[0] += 1
        totals[1] -= 1

    assert "entry 40, payload.questions[1].totals[0]: is" in _failure(_forge(sim, total))

    def invalid(entries: list[dict[str, Any]]) -> None:
        entries[-1]["payload"]["questions"][0]["invalid"].pop()

    assert "entry 40, payload.questions[0].invalid" in _failure(_forge(sim, invalid))

    def reason(entries: list[dict[str, Any]]) -> None:
        entries[-1]["payload"]["questions"][0]["invalid"][0]["reason"] = "spoilt"

    assert "payload.questions[0].invalid[0].reason: is 'spoilt'" in _failure(_forge(sim, reason))


def test_a_changed_count_report(sim: Simulation) -> None:
    made = {name: sim.files[name] for name in result_file_names(sim.election)}
    made["q0-count.txt"] = made["q0-count.txt"].replace(b"Elected", b"Chosen", 1)

    def keep(entries: list[dict[str, Any]]) -> None:
        row = entries[-1]["payload"]["questions"][0]
        import hashlib

        row["files"]["q0-count.txt"] = hashlib.sha256(made["q0-count.txt"]).hexdigest()

    message = _failure(_forge(sim, keep, made))
    assert "entry 40, payload.questions[0].files.q0-count.txt" in message


def test_a_disqualified_dealer_leaves_the_others() -> None:
    small = simulate(
        title="Small",
        questions=[QUESTIONS[1]],
        counting={},
        votes=[Vote(0, [[1, 0]]), Vote(1, [[0, 1]]), Vote(2, [[1, 0]])],
        voters=3,
        bad_dealer=2,
        signing_key=KEY,
    )
    report = _check(small.files)
    assert report.holds, "\n".join(report.lines())
    assert "1 complaint(s) judged, qualified [1, 3]" in "\n".join(report.lines())
    assert small.result["questions"][0]["totals"] == [2, 1]

    def unfounded(entries: list[dict[str, Any]]) -> None:
        entries[0]["payload"]["dkg"]["trustees"][0]["coefficients"][1] = group.Point.base_times(
            3
        ).hex()

    entries = copy.deepcopy(small.entries)
    unfounded(entries)
    _rechain(entries)
    message = _failure(_check(record_files(small.election, entries, {}, signing_key=KEY)))
    assert "entry 0, payload.dkg.trustees[0].commitment_hash" in message


def test_a_complaint_answered_by_the_dealer() -> None:
    from moot.verify.vcommon import ProofError
    from moot.verify.vdkg import commitments, evaluate
    from moot.verify.vrecord_checks_setup import _check_complaints

    dealt = {1: commitments([5, 7]), 2: commitments([11, 13])}
    right = evaluate([11, 13], 1)
    wrong = group.scalar_hex(right + 1)
    complaint = {"by": 1, "against": 2, "share": wrong}
    assert _check_complaints([complaint], dealt) == {2}
    assert _check_complaints([{**complaint, "answer": group.scalar_hex(right)}], dealt) == set()
    assert _check_complaints([{**complaint, "answer": wrong}], dealt) == {2}
    with pytest.raises(ProofError, match="complaint is unfounded"):
        _check_complaints([{**complaint, "share": group.scalar_hex(right)}], dealt)


def test_a_bad_ballot_before_an_unreadable_line_is_named_first(sim: Simulation) -> None:
    import base64
    import hashlib
    import json

    from moot.verify.vrecord_write import dump_json, manifest_signed_bytes

    def bad_signature(entries: list[dict[str, Any]]) -> None:
        _ballots(entries)[1]["payload"]["signature"]["response"] = group.scalar_hex(8)

    entries = copy.deepcopy(sim.entries)
    bad_signature(entries)
    _rechain(entries)
    made = {name: sim.files[name] for name in result_file_names(sim.election)}
    files = record_files(sim.election, entries, made, signing_key=KEY)
    lines = files["board.jsonl"].splitlines(keepends=True)
    lines[20] = lines[20].replace(b'{"height":20,', b'{"height": 20,')
    files["board.jsonl"] = b"".join(lines)
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["board.jsonl"] = hashlib.sha256(files["board.jsonl"]).hexdigest()
    signature = KEY.sign(manifest_signed_bytes(manifest))
    manifest["signature"]["signature"] = base64.b64encode(signature).decode()
    files["manifest.json"] = dump_json(manifest)
    assert "board.jsonl, entry 3, signature: does not verify" in _failure(_check(files))
