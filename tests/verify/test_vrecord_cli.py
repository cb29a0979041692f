"""``moot verify`` from the command line: a record (exit 0 signed, 3 unauthenticated, 1
tampered), a Benaloh audit, and no Django loaded."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from moot.cli import main
from moot.verify.record_keys import fingerprint
from moot.verify.vballot import audit_object, encrypt_ballot, format_tracker, tracker
from moot.verify.vboard import GENESIS
from moot.verify.vrecord_write import write_record
from moot.verify.vsim import Simulation, Vote, simulate

pytestmark = pytest.mark.pure

KEY = Ed25519PrivateKey.generate()
RAW = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
QUESTIONS = [
    {"type": "ranked", "text": "Chair", "candidates": ["Ann", "Bob", "Cy"], "seats": 1, "pack": 2},
    {"type": "homomorphic", "text": "Approve", "answers": ["Yes", "No"], "min": 1, "max": 1},
]


@pytest.fixture(scope="module")
def sim() -> Simulation:
    votes = [
        Vote(0, [[1, 2, 0], [1, 0]]),
        Vote(1, [[0, 1, 2], [0, 1]]),
        Vote(2, [[2, 0, 1], [1, 0]]),
    ]
    return simulate(
        title="Chair",
        questions=QUESTIONS,
        counting={"0": {"method": "irv"}},
        votes=votes,
        voters=4,
        signing_key=KEY,
    )


@pytest.fixture
def record(sim: Simulation, tmp_path: Path) -> Path:
    path = tmp_path / "record.zip"
    write_record(path, sim.files)
    return path


def test_a_signed_record_exits_0(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(record), "--public-key", RAW.hex()]) == 0
    out = capsys.readouterr().out
    assert "ok   ballots: 3 ballots" in out
    assert "the record holds and is signed by the site's key" in out
    assert main(["verify", str(record), "--key-fingerprint", fingerprint(RAW)]) == 0


def test_without_a_key_it_exits_3(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(record), "--workers", "1"]) == 3
    assert "UNAUTHENTICATED" in capsys.readouterr().err
    assert main(["verify", str(record), "--unauthenticated", "--quiet", "--workers", "1"]) == 0
    assert main(["verify", str(record), "--public-key", "nonsense"]) == 2


def test_a_tampered_record_exits_1(
    sim: Simulation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(sim.files)
    del files["q0-count.json"]
    path = tmp_path / "bad.zip"
    write_record(path, files)
    assert main(["verify", str(path), "--public-key", RAW.hex()]) == 1
    assert "FAIL q0-count.json: missing from the record" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "none.zip")]) == 1
    capsys.readouterr()
    files = dict(sim.files)
    files["board.jsonl"] = files["board.jsonl"].replace(b'"mixer":1', b'"mixer":2', 1)
    write_record(path, files)
    assert main(["verify", str(path), "--public-key", RAW.hex(), "--workers", "1"]) == 1
    assert "FAIL board.jsonl: its SHA-256 is" in capsys.readouterr().err


def test_a_benaloh_audit(
    sim: Simulation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    selections = [[2, 1, 0], [0, 1]]
    ballot, randomness = encrypt_ballot(sim.parsed, sim.credentials[3], selections)
    audit = audit_object(sim.parsed, ballot, randomness, selections)
    (tmp_path / "election.json").write_text(json.dumps(sim.election))
    (tmp_path / "audit.json").write_text(json.dumps(audit))
    args = ["verify", "--audit", str(tmp_path / "audit.json"), "--election"]
    assert main([*args, str(tmp_path / "election.json")]) == 0
    out = capsys.readouterr().out
    assert "the booth encrypted what it showed" in out
    assert f"tracker {format_tracker(tracker(ballot))}: compare it with the tracker your " in out
    assert "booth showed before you chose to check" in out
    audit["plaintexts"][1] = [1, 0]
    (tmp_path / "audit.json").write_text(json.dumps(audit))
    assert main([*args, str(tmp_path / "election.json")]) == 1
    assert "is not the encryption of 1 with the revealed randomness" in capsys.readouterr().err
    assert main(["verify", "--audit", str(tmp_path / "audit.json")]) == 2


def test_moot_verify_loads_no_django(record: Path) -> None:
    code = (
        "import sys; from moot.cli import main; "
        f"rc = main(['verify', {str(record)!r}, '--public-key', {RAW.hex()!r}, '--quiet']); "
        "assert 'django' not in sys.modules, 'django loaded'; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "the record holds" in done.stdout


def test_a_second_ballot_without_re_voting(sim: Simulation) -> None:
    from moot.verify.vboard import entry_hash
    from moot.verify.vrecord import Report, verify_files
    from moot.verify.vrecord_write import record_files, result_file_names
    from moot.verify.vsim import cast

    entries = copy.deepcopy(sim.entries)
    again = cast(sim.parsed, sim.credentials[0], Vote(0, [[0, 1, 2], [0, 1]]))
    entries.insert(5, {"type": "ballot", "payload": again})
    parent = GENESIS
    for k, entry in enumerate(entries):
        entry["height"], entry["parent"] = k, parent
        if entry["type"] == "close":
            entry["payload"]["head"] = parent
        parent = entry_hash(entry)
    made = {name: sim.files[name] for name in result_file_names(sim.election)}
    files = record_files(sim.election, entries, made, signing_key=KEY)
    report = verify_files(files, Report("r", trusted_key=RAW))
    assert "entry 5, payload.credential: already cast a ballot (entry" in str(report.failure)
    assert "does not allow re-voting" in str(report.failure)


def test_fewer_mixers_than_the_threshold() -> None:
    from moot.verify.vrecord import Report, verify_files

    few = simulate(
        title="Chair",
        questions=QUESTIONS,
        counting={"0": {"method": "irv"}},
        votes=[Vote(0, [[1, 2, 0], [1, 0]]), Vote(1, [[0, 1, 2], [0, 1]])],
        voters=2,
        mixers=[2],
        signing_key=KEY,
    )
    report = verify_files(few.files, Report("r", trusted_key=RAW))
    assert "question 0: mixed by 1 trustee(s) [2]; at least the threshold, 2, must mix" in str(
        report.failure
    )


def test_a_withdrawal_after_the_issue_is_counted_and_bound() -> None:
    from moot.verify.vrecord import Report, verify_files
    from moot.verify.vrecord_write import record_files, result_file_names

    withdrawn = simulate(
        title="Chair",
        questions=QUESTIONS,
        counting={"0": {"method": "irv"}},
        votes=[
            Vote(0, [[1, 2, 0], [1, 0]]),
            Vote(1, [[1, 0, 2], [0, 1]]),
            Vote(2, [[0, 1, 2], [1, 0]]),
        ],
        voters=3,
        signing_key=KEY,
        events={0: [{"kind": "candidate_withdrawn", "candidate": 1, "occurred_at": "2026-05-02"}]},
    )
    report = verify_files(withdrawn.files, Report("r", trusted_key=RAW))
    assert report.holds, "\n".join(report.lines())
    assert report.elected == {"0": ["Bob"]}  # Ann's two papers went to Bob and Cy
    assert b"Ann was withdrawn after the issue" in withdrawn.files["q0-count.txt"]
    entries = copy.deepcopy(withdrawn.entries)
    entries[-1]["payload"]["questions"][0]["events"] = []
    made = {name: withdrawn.files[name] for name in result_file_names(withdrawn.election)}
    forged = record_files(withdrawn.election, entries, made, signing_key=KEY)
    message = str(verify_files(forged, Report("r", trusted_key=RAW)).failure)
    # Without the withdrawal Ann wins: the declared result is not the count of its events.
    assert (
        "payload.questions[0].elected[0]: is 'Bob'; the decryption and count give 'Ann'" in message
    )


def _live_files(tmp_path: Path, sim: Simulation, entries: list[dict[str, Any]]) -> list[str]:
    from moot.verify.vboard import board_jsonl

    (tmp_path / "election.json").write_bytes(sim.files["election.json"])
    (tmp_path / "board-1.jsonl").write_bytes(board_jsonl(entries))
    return [
        "verify",
        str(tmp_path / "board-1.jsonl"),
        "--election",
        str(tmp_path / "election.json"),
    ]


def test_a_live_board_is_checked_and_must_extend_an_earlier_head(
    sim: Simulation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from moot.verify.vboard import BALLOT, append, entry_hash

    upto = [e["type"] for e in sim.entries].index("close")
    live = sim.entries[:upto]  # open: setup, credentials, the ballots so far
    ballots = [e for e in live if e["type"] == BALLOT]
    assert len(ballots) == 3
    args = _live_files(tmp_path, sim, live)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "3 ballot(s) so far, each on the list, signed and proved, none twice" in out
    assert f"{len(live)} entries, head {entry_hash(live[-1])}" in out
    # An observer noted the head after the second ballot; the board went on: it extends it.
    noted = entry_hash(ballots[1])
    assert main([*args, "--head", noted]) == 0
    assert "extends the earlier head" in capsys.readouterr().out
    # The operator drops the second ballot and re-chains the rest before the close: every
    # entry is consistent on its own, but the noted head is no longer in the chain.
    rechained: list[dict[str, Any]] = []
    for e in live:
        if e is ballots[1]:
            continue
        append(rechained, e["type"], e["payload"])
    args = _live_files(tmp_path, sim, rechained)
    assert main(args) == 0
    capsys.readouterr()
    assert main([*args, "--head", noted]) == 1
    err = capsys.readouterr().err
    assert f"does not extend the earlier head {noted}" in err
    # A complete board is checked to its end too (the count is the record's zip).
    args = _live_files(tmp_path, sim, sim.entries)
    assert main(args) == 0
    assert "the result entry is chained" in capsys.readouterr().out
    # A tampered ballot fails by entry and field.
    forged = copy.deepcopy(live)
    forged[ballots[0]["height"]]["payload"]["signature"]["response"] = "00" * 32
    assert main(_live_files(tmp_path, sim, forged)) == 1
    assert "board.jsonl" in capsys.readouterr().err


def test_the_cli_says_what_each_option_goes_with(
    sim: Simulation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "audit.json").write_text("{}")
    assert main(["verify", "--audit", str(tmp_path / "audit.json")]) == 2
    assert "/ballots/<id>/verifiable/election.json" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "board.jsonl")]) == 2
    assert "needs its election.json" in capsys.readouterr().err
    assert main(["verify", "x.zip", "--head", "00" * 32]) == 2
    assert "--head goes with a board.jsonl" in capsys.readouterr().err
    for option in (["--public-key", "ab" * 32], ["--workers=2"], ["--head", "00" * 32]):
        assert main(["verify", str(tmp_path / "e.bel"), *option]) == 2
        err = capsys.readouterr().err
        assert f"{option[0].split('=')[0]} is not an option of a Belenios archive (.bel)" in err
