"""``moot verify``: the independent verifier of verifiable ballots, without Django.

* ``moot verify RECORD.zip [--public-key KEY | --key-fingerprint SHA256]``: a moot record
  (:mod:`moot.verify.vrecord`): one line per check group, the first failure with its file,
  board entry and field. Exit 0: holds and signed by the trusted key; 1: does not hold;
  3: consistent but UNAUTHENTICATED (no trusted key given; ``--unauthenticated`` exits 0).
* ``moot verify --audit AUDIT.json --election election.json``: a Benaloh audit (a ballot the
  booth opened instead of casting) re-encrypted from its revealed randomness.
* ``moot verify board.jsonl --election election.json [--head HEX]``: a board being written
  (the board page's download): the chain, setup, credentials and every ballot so far (and the
  later entries if present); with ``--head``, that the board extends a head seen before.
* ``moot verify UUID.bel``: a Belenios 2.0 archive (:mod:`moot.verify.belenios`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

USAGE_EXIT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moot verify",
        description="Verify a verifiable ballot's published record (a zip), a Benaloh audit, "
        "or a Belenios 2.0 archive (.bel), from the files alone: no database, no server.",
    )
    parser.add_argument("record", nargs="?", type=Path, help="the record's zip (or UUID.bel)")
    parser.add_argument(
        "--public-key",
        metavar="KEY",
        help="the site's audit public key (a file, the ed25519:<base64> line, or 64 hex "
        "digits), as the record page and `moot audit public-key` show it",
    )
    parser.add_argument(
        "--key-fingerprint",
        metavar="SHA256",
        help="instead of the key: its fingerprint; the key carried in the manifest is then "
        "used only if it has this fingerprint",
    )
    parser.add_argument(
        "--unauthenticated",
        action="store_true",
        help="without a key: exit 0 when the record is consistent (otherwise such a check "
        "exits 3: nothing showed the record is the site's)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes the proofs are checked in (default: one per CPU)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the last line")
    parser.add_argument("--audit", type=Path, metavar="AUDIT.json", help="a Benaloh audit")
    parser.add_argument(
        "--election",
        type=Path,
        metavar="election.json",
        help="the election of --audit or of a board.jsonl (/ballots/<id>/verifiable/election.json)",
    )
    parser.add_argument(
        "--head",
        metavar="HEX",
        help="with a board.jsonl: a head the board page showed earlier; the board must extend "
        "it (the entry with that hash is in its chain)",
    )
    return parser


def main(argv: list[str]) -> int:
    if any(arg.endswith(".bel") and not arg.startswith("-") for arg in argv):
        from moot.verify.belenios.cli import main as belenios_main

        others = [arg for arg in argv if arg.startswith("-") and arg != "--quiet"]
        if others:
            option = others[0].split("=", 1)[0]
            sys.stderr.write(
                f"moot verify: {option} is not an option of a Belenios archive (.bel): "
                "`moot verify UUID.bel` takes the archive alone (the options are for a moot "
                "record, a board.jsonl or an audit)\n"
            )
            return USAGE_EXIT
        return belenios_main([arg for arg in argv if arg != "--quiet"])
    parser = _parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if options.record is not None and options.record.suffix == ".jsonl":
        if options.election is None or options.audit is not None:
            sys.stderr.write(
                "moot verify BOARD.jsonl --election election.json [--head HEX]: the board needs "
                "its election.json (/ballots/<id>/verifiable/election.json)\n"
            )
            return USAGE_EXIT
        return _live(options)
    if options.head is not None:
        sys.stderr.write(
            "moot verify: --head goes with a board.jsonl (BOARD.jsonl --election "
            "election.json --head HEX)\n"
        )
        return USAGE_EXIT
    if options.audit is not None or options.election is not None:
        if options.audit is None or options.election is None or options.record is not None:
            sys.stderr.write(
                "moot verify --audit AUDIT.json --election election.json: the election.json "
                "is the ballot's, at /ballots/<id>/verifiable/election.json (the board page "
                "links it)\n"
            )
            return USAGE_EXIT
        return _audit(options.audit, options.election)
    if options.record is None:
        parser.print_usage(sys.stderr)
        return USAGE_EXIT
    return _record(options)


def _read_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def _audit(audit_path: Path, election_path: Path) -> int:
    from moot.verify.vballot import check_audit, format_tracker, parse_election
    from moot.verify.vcommon import ProofError

    try:
        election_data = _read_json(election_path)
        audit = _read_json(audit_path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        sys.stderr.write(f"FAIL cannot read the files: {exc}\n")
        return 1
    try:
        election = parse_election(election_data)
    except ProofError as exc:
        sys.stderr.write(f"FAIL {election_path.name}, {exc}\n")
        return 1
    try:
        audited = check_audit(election, audit)
    except ProofError as exc:
        sys.stderr.write(f"FAIL {audit_path.name}, {exc}\n")
        return 1
    sys.stdout.write(
        f"ok   {audit_path.name}: the ballot's proofs hold, it is unsigned (never castable), and "
        "every ciphertext is the encryption of the plaintext shown with the randomness "
        "revealed\n"
    )
    sys.stdout.write(
        f"     tracker {format_tracker(audited.tracker)}: compare it with the tracker your "
        "booth showed before you chose to check\n"
    )
    for q, (question, values) in enumerate(
        zip(election.questions, audited.plaintexts, strict=True)
    ):
        sys.stdout.write(f"     question {q + 1} ({question.text}): {values}\n")
    sys.stdout.write(
        f"{audit_path.name}: the booth encrypted what it showed (election {election.uuid}). "
        "This ballot was audited, so it was never cast.\n"
    )
    return 0


def _live(options: argparse.Namespace) -> int:
    from moot.verify.vrecord import verify_live_board

    report, head, count = verify_live_board(
        options.record,
        options.election,
        earlier_head=options.head,
        workers=max(1, options.workers),
    )
    for line in report.lines()[: len(report.passed)]:
        if not options.quiet:
            sys.stdout.write(line + "\n")
    if report.failure is not None:
        sys.stderr.write(f"FAIL {report.failure}\n")
        sys.stderr.write(f"{report.source}: the board does NOT hold\n")
        return 1
    since = f"; it extends the earlier head {options.head}" if options.head else ""
    sys.stdout.write(
        f"{report.source}: the board holds so far: {count} entries, head {head}{since}. Note "
        "the head: check later with --head HEAD that the board still extends it.\n"
    )
    return 0


def _record(options: argparse.Namespace) -> int:
    from moot.verify.record_keys import KeyFileError, parse_fingerprint, parse_public_key
    from moot.verify.vrecord import UNAUTHENTICATED_EXIT, verify_record

    try:
        key = parse_public_key(options.public_key) if options.public_key else None
        fingerprint = (
            parse_fingerprint(options.key_fingerprint) if options.key_fingerprint else None
        )
    except KeyFileError as exc:
        sys.stderr.write(f"moot verify: --public-key / --key-fingerprint: {exc}\n")
        return USAGE_EXIT
    from moot.verify.record_verifiable import is_ballot_bundle, run_ballot_bundle

    if is_ballot_bundle(options.record):  # issue 11's bundle, with its verifiable/ part
        return run_ballot_bundle(options, key, fingerprint)
    started = time.perf_counter()
    report = verify_record(
        options.record,
        public_key=key,
        fingerprint=fingerprint,
        workers=max(1, options.workers),
    )
    lines = report.lines()
    for line in lines[:-1]:
        if not options.quiet or line.startswith("FAIL"):
            (sys.stderr if line.startswith("FAIL") else sys.stdout).write(line + "\n")
    elapsed = time.perf_counter() - started
    last = f"{lines[-1]} [{elapsed:.1f} s]\n"
    (sys.stdout if report.holds else sys.stderr).write(last)
    code = report.exit_code
    if code == UNAUTHENTICATED_EXIT and options.unauthenticated:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
