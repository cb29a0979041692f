"""`moot audit`: the audit trail's tools (docs/audit.md).

moot audit keygen                    make the Ed25519 signing key (refuses to overwrite one)
moot audit public-key                print the public key, for whoever checks checkpoints
moot audit checkpoint                sign the chain's head; write it to the checkpoint directory
moot audit verify [--checkpoint FILE] [--public-key FILE] [--anchor SEQ:HASH ...]
                  [--require-checkpoint]
                                     check the chain, and its head against the latest checkpoint
moot audit where                     print where the key and the checkpoints are kept
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from moot.audit import checkpoint as cp
from moot.audit.queries import ChainProblem, check_anchor, check_checkpoint, head, verify_chain

_ANCHOR = re.compile(r"^#?([1-9][0-9]*):([0-9a-f]{64})$")


def where_lines() -> list[str]:
    """Where the signing key and the checkpoints are, for `moot serve` and the demo's banner."""
    key = cp.key_path()
    directory = cp.checkpoint_dir()
    state = "present" if key.exists() else "missing: run `moot audit keygen`"
    count = len(list(directory.glob("*.json"))) if directory.is_dir() else 0
    return [
        f"Audit signing key: {key} ({state})",
        f"Audit checkpoints: {directory} ({count} so far; `moot audit checkpoint` adds one)",
    ]


class Command(BaseCommand):
    help = (
        "Audit trail tools: keygen, public-key, checkpoint (sign the chain's head), verify "
        "(check the chain and its head against the latest checkpoint), where."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["verify", "checkpoint", "keygen", "public-key", "where"],
            help="what to do (see docs/audit.md)",
        )
        parser.add_argument(
            "--checkpoint",
            type=Path,
            help="verify: check against this checkpoint file instead of the latest one found "
            "in the checkpoint directory",
        )
        parser.add_argument(
            "--public-key",
            type=Path,
            help="verify: the public key checkpoints must be signed with (default: "
            "MOOT_AUDIT_PUBLIC_KEY, else the public half of MOOT_AUDIT_KEY)",
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="verify: a head printed on a result or in minutes; may be repeated",
        )
        parser.add_argument(
            "--require-checkpoint",
            action="store_true",
            help="verify: fail when no checkpoint is found (for scheduled checks: an emptied "
            "checkpoint directory must not pass with a warning)",
        )
        parser.add_argument(
            "--key", type=Path, help="keygen, checkpoint, public-key: the private key file"
        )
        parser.add_argument("--dir", type=Path, help="checkpoint, verify: the checkpoint directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except cp.CheckpointError as exc:
            raise CommandError(str(exc)) from exc

    def _keygen(self, options: dict[str, Any]) -> None:
        path = options["key"] or cp.key_path()
        public = cp.generate_key(path)
        self.stdout.write(f"wrote a new Ed25519 signing key to {path} (mode 0600)")
        self.stdout.write(
            "Keep it off the database server's backups; give this public key to whoever checks "
            "the checkpoints:"
        )
        self.stdout.write(cp.public_key_text(public))

    def _public_key(self, options: dict[str, Any]) -> None:
        self.stdout.write(cp.public_key_text(cp.load_private_key(options["key"]).public_key()))

    def _where(self, options: dict[str, Any]) -> None:
        for line in where_lines():
            self.stdout.write(line)

    def _checkpoint(self, options: dict[str, Any]) -> None:
        key = cp.load_private_key(options["key"])
        # The head first: the walk that follows covers it (and whatever is appended meanwhile).
        seq, head_hash, events = head()
        _, problems = verify_chain()
        if problems:
            self._report(problems)
            raise CommandError(
                f"no checkpoint written: the chain is not intact ({len(problems)} problem(s)); "
                "a signature would vouch for a damaged chain"
            )
        signed = cp.sign_head(key, seq=seq, head_hash=head_hash, events=events, at=timezone.now())
        path = cp.write_checkpoint(signed, options["dir"])
        self.stdout.write(f"checkpoint of event #{seq} ({events} events) written to {path}")
        self.stdout.write(signed.to_json().rstrip())

    def _verify(self, options: dict[str, Any]) -> None:
        checked, problems = verify_chain()
        notes: list[str] = []
        anchors = []
        for text in options["anchor"]:
            match = _ANCHOR.match(text.strip().lower())
            if not match:
                raise CommandError(
                    f"--anchor {text!r}: write SEQ:HASH, the event number and its 64 hex digits "
                    "as printed on the result, e.g. 42:3f2a…"
                )
            anchors.append((int(match[1]), match[2]))
        for seq, expected in anchors:
            problem = check_anchor(seq, expected)
            if problem:
                problems.append(problem)
            else:
                notes.append(f"printed head #{seq} matches")
        checkpoint: cp.Checkpoint | None
        if options["checkpoint"] is not None:
            checkpoint = cp.read_checkpoint(options["checkpoint"])
        else:
            directory = options["dir"] or cp.checkpoint_dir()
            checkpoint = cp.latest_checkpoint(directory)
            if checkpoint is None and options["require_checkpoint"]:
                problems.append(
                    ChainProblem(
                        0,
                        "no-checkpoint",
                        f"no checkpoint in {directory}, and --require-checkpoint: a cut at the "
                        "end of the chain, its deletion or re-sealing cannot be ruled out",
                    )
                )
            elif checkpoint is None:
                self.stderr.write(
                    f"WARNING no checkpoint in {directory}: without one, deleting the newest "
                    "events, every event, or re-sealing the chain cannot be detected; run "
                    "`moot audit checkpoint` (docs/audit.md)"
                )
        if checkpoint is not None:
            key, key_source = cp.trusted_public_key(options["public_key"])
            found, following = check_checkpoint(checkpoint, key)
            problems += found
            if not found:
                notes.append(
                    f"{checkpoint.describe()} ({checkpoint.source}) matches, signature checked "
                    f"with {key_source}; {following} event{'s' if following != 1 else ''} "
                    "follow it (not yet covered by a checkpoint)"
                )
        if problems:
            self._report(problems)
            raise CommandError(
                f"audit trail is NOT intact: {len(problems)} problem(s) in {checked} events"
            )
        self.stdout.write(f"audit trail intact: {checked} events, hash chain verified")
        for note in notes:
            self.stdout.write(note)

    def _report(self, problems: list[ChainProblem]) -> None:
        for problem in problems:
            self.stderr.write(f"FAIL {problem.kind}: {problem.message}")
