"""`moot audit`: the audit trail's tools (docs/audit.md).

moot audit keygen                    make the Ed25519 signing key (refuses to overwrite one)
moot audit ensure-key                make the signing key unless it exists (`make run`)
moot audit public-key                print the public key, for whoever checks checkpoints
moot audit checkpoint [--if-new]     sign the chain's head; write it to the checkpoint directory
moot audit verify [--checkpoint FILE] [--public-key FILE] [--anchor SEQ:HASH ...]
                  [--require-checkpoint]
                                     check the chain, and its head against the latest checkpoint
moot audit where                     print where the key and the checkpoints are kept, and warn
                                     when a key directory is inside the database's directory
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from moot.audit import checkpoint as cp
from moot.audit.queries import ChainProblem, check_anchor, check_checkpoint, head, verify_chain

_ANCHOR = re.compile(r"^#?([1-9][0-9]*):([0-9a-f]{64})$")


def poll_key_dir() -> Path:
    """The poll keys' directory as moot.polls.sealing.key_dir() finds it (audit sits below polls
    and may not import it; tests/security/test_audit_chain.py checks that both agree)."""
    configured = getattr(settings, "MOOT_POLL_KEY_DIR", None) or os.environ.get("MOOT_POLL_KEY_DIR")
    return Path(configured) if configured else Path(settings.MOOT_KEYS_DIR) / "poll-keys"


def database_dirs() -> list[Path]:
    """The directories that hold the database: MOOT_VAR_DIR, and the SQLite file's directory."""
    dirs = [Path(settings.VAR_DIR).resolve()]
    database = settings.DATABASES["default"]
    if "sqlite" in str(database["ENGINE"]) and str(database["NAME"]) != ":memory:":
        dirs.append(Path(str(database["NAME"])).resolve().parent)
    return list(dict.fromkeys(dirs))


def keys_beside_the_database() -> list[str]:
    """A loud warning for each key directory inside a directory that holds the database: one
    copy of it (a backup, a disk image) would then carry the ballot keys and the audit signing
    key along with the data they protect (docs/security.md §2 and §5)."""
    warnings = []
    keys = {
        "the audit signing key": cp.key_path().resolve().parent,
        "the poll keys": poll_key_dir().resolve(),
    }
    for what, directory in keys.items():
        for data in database_dirs():
            if directory == data or directory.is_relative_to(data):
                warnings.append(
                    f"WARNING {what} ({directory}): inside the database's directory {data}; a "
                    "copy of it carries the keys with the data; set MOOT_KEYS_DIR to a directory "
                    "outside it and move the keys there (docs/security.md §2)"
                )
                break
    for legacy in (Path(settings.VAR_DIR) / "audit-key.pem", Path(settings.VAR_DIR) / "poll-keys"):
        if legacy.exists() and legacy.resolve() not in {*keys.values(), cp.key_path().resolve()}:
            warnings.append(
                f"WARNING {legacy} is where an earlier moot kept keys, beside the database; moot "
                "no longer reads it there: `moot audit ensure-key` moves it to "
                f"{Path(settings.MOOT_KEYS_DIR)} (docs/security.md §2)"
            )
    return warnings


def _move_legacy(old: Path, new: Path) -> bool:
    """Move a key file or directory from its old default beside the database (an earlier moot
    kept the signing key and the poll keys in MOOT_VAR_DIR) to its place in the keys directory;
    False when there is nothing to move or the new place is taken."""
    if not old.exists() or new.exists():
        return False
    new.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.move(str(old), str(new))
    new.chmod(0o700 if new.is_dir() else 0o600)
    return True


def where_lines() -> list[str]:
    """Where the signing key and the checkpoints are, for `moot serve` and the demo's banner."""
    key = cp.key_path()
    directory = cp.checkpoint_dir()
    state = "present" if key.exists() else "missing: run `moot audit ensure-key`"
    count = len(list(directory.glob("*.json"))) if directory.is_dir() else 0
    return [
        *keys_beside_the_database(),
        f"Audit signing key: {key} ({state})",
        f"Poll keys: {poll_key_dir()}",
        (
            f"Audit checkpoints: {directory} ({count} so far; `moot audit checkpoint` adds one; "
            "copy them elsewhere too)"
        ),
    ]


class Command(BaseCommand):
    help = (
        "Audit trail tools: keygen, public-key, checkpoint (sign the chain's head), verify "
        "(check the chain and its head against the latest checkpoint), where."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["verify", "checkpoint", "keygen", "ensure-key", "public-key", "where"],
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
            "--if-new",
            action="store_true",
            help="checkpoint: write none when the latest checkpoint already signs this head",
        )
        parser.add_argument(
            "--key",
            type=Path,
            help="keygen, ensure-key, checkpoint, public-key: the private key file",
        )
        parser.add_argument("--dir", type=Path, help="checkpoint, verify: the checkpoint directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except cp.CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            # A dropped or unreadable audit table: one line, not a traceback.
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self.stderr.write(f"FAIL no-table: the audit trail cannot be read: {first_line}")
            raise CommandError(
                "audit trail is NOT intact: its table cannot be read (dropped or damaged)"
            ) from None

    def _keygen(self, options: dict[str, Any]) -> None:
        path = options["key"] or cp.key_path()
        public = cp.generate_key(path)
        self.stdout.write(f"wrote a new Ed25519 signing key to {path} (mode 0600)")
        self.stdout.write(
            "Keep it off the database server's backups; give this public key to whoever checks "
            "the checkpoints:"
        )
        self.stdout.write(cp.public_key_text(public))

    def _ensure_key(self, options: dict[str, Any]) -> None:
        path = options["key"] or cp.key_path()
        keys = Path(settings.MOOT_KEYS_DIR)
        if not keys.exists():
            keys.mkdir(parents=True, mode=0o700)
            keys.chmod(0o700)
        var = Path(settings.VAR_DIR)
        # An installation made before the keys left var/: move them, so that they keep working
        # (checkpoints signed with the key, open polls' ballots) and stop travelling with it.
        for old, new in ((var / "audit-key.pem", path), (var / "poll-keys", poll_key_dir())):
            if _move_legacy(old, new):
                self.stdout.write(f"moved {old} to {new}: keys are kept apart from the database")
        if path.exists():
            cp.load_private_key(path)  # readable, 0600, an Ed25519 key: or a clear error
            self.stdout.write(f"audit signing key: {path} (present)")
        else:
            if not path.parent.exists():
                path.parent.mkdir(parents=True, mode=0o700)
                path.parent.chmod(0o700)
            public = cp.generate_key(path)
            self.stdout.write(
                f"wrote a new Ed25519 signing key to {path} (mode 0600); its public key:"
            )
            self.stdout.write(cp.public_key_text(public))
        for line in keys_beside_the_database():
            self.stderr.write(line)

    def _public_key(self, options: dict[str, Any]) -> None:
        self.stdout.write(cp.public_key_text(cp.load_private_key(options["key"]).public_key()))

    def _where(self, options: dict[str, Any]) -> None:
        for line in where_lines():
            self.stdout.write(line)

    def _checkpoint(self, options: dict[str, Any]) -> None:
        key = cp.load_private_key(options["key"])
        # The head first: the walk that follows covers it (and whatever is appended meanwhile).
        seq, head_hash, events = head()
        if options["if_new"]:
            latest = cp.latest_checkpoint(options["dir"])
            if latest is not None and (latest.seq, latest.hash) == (seq, head_hash):
                self.stdout.write(f"{latest.describe()} already signs the head; none written")
                return
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
            elif checkpoint is None and (options["public_key"] or cp.public_key_path()):
                problems.append(
                    ChainProblem(
                        0,
                        "no-checkpoint",
                        f"no checkpoint in {directory}, but a public key is configured: the "
                        "checkpoints were removed or moved, and a cut at the end of the chain, "
                        "its deletion or re-sealing cannot be ruled out",
                    )
                )
            elif checkpoint is None and cp.key_path().exists():
                problems.append(
                    ChainProblem(
                        0,
                        "no-checkpoint",
                        f"no checkpoint in {directory}, but the signing key {cp.key_path()} "
                        "exists: the checkpoints were removed or moved, and a cut at the end of "
                        "the chain, its deletion or re-sealing cannot be ruled out (a new "
                        "installation: run `moot audit checkpoint` once)",
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
