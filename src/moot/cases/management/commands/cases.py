"""`moot cases`: custody of the case key (docs/cases.md, "Encryption" and "Lost key").

moot cases key split --threshold K --holder NAME [--holder NAME ...] --out DIR
        split the key in use among the named holders: one file per holder in DIR (0600), any K
        of which recover it; give each holder their file and delete it here
moot cases key recover --share TEXT [--share TEXT ...] | --share-file FILE ...
        put a lost key back into the key file from K shares
moot cases key rotate
        a new key; every case text and evidence file re-encrypted under it; old keys retired
        (split the new key afterwards: old shares recover only the old key)
moot cases key check
        say whether the key opens the cases (as `moot check` does at start-up)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moot.cases.errors import CaseError


class Command(BaseCommand):
    help = "Custody of the case key: split, recover, rotate, check (docs/cases.md)."
    # The start-up check cases.E001 reports a lost key; this is the command that puts it back,
    # so it must run when that check fails (without --skip-checks).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        groups = parser.add_subparsers(dest="group", required=True)
        key = groups.add_parser("key", help="the case key")
        actions = key.add_subparsers(dest="action", required=True)
        split = actions.add_parser("split", help="split the key among named holders")
        split.add_argument("--threshold", type=int, required=True)
        split.add_argument("--holder", action="append", required=True)
        split.add_argument("--out", required=True, help="directory for the holders' files")
        recover = actions.add_parser("recover", help="put a lost key back from shares")
        recover.add_argument("--share", action="append", default=[])
        recover.add_argument("--share-file", action="append", default=[])
        actions.add_parser("rotate", help="re-encrypt everything under a new key")
        actions.add_parser("check", help="does the key open the cases?")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except CaseError as exc:
            raise CommandError(str(exc)) from exc

    def _split(self, options: dict[str, Any]) -> None:
        from moot.cases.actions.keys import do_split_key

        out = Path(options["out"])
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        shares = do_split_key(
            threshold=options["threshold"], holders=options["holder"], acting_user=None
        )
        for number, (holder, share) in enumerate(shares, 1):
            slug = re.sub(r"[^a-z0-9]+", "-", holder.lower()).strip("-") or "holder"
            path = out / f"case-key-share-{number}-{slug}.txt"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(
                    f"# moot case key share {number} of {len(shares)} for {holder}; "
                    f"{options['threshold']} shares recover the key.\n{share}\n"
                )
            self.stdout.write(f"{holder}: {path}")
        self.stdout.write(
            f"Give each holder their file and delete {out}; any {options['threshold']} "
            "recover the key (moot cases key recover)."
        )

    def _recover(self, options: dict[str, Any]) -> None:
        from moot.cases.actions.keys import do_recover_key

        shares = list(options["share"])
        for name in options["share_file"]:
            lines = Path(name).read_text().splitlines()
            shares += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        if not shares:
            raise CommandError("give the shares with --share or --share-file")
        kid = do_recover_key(shares=shares, acting_user=None)
        self.stdout.write(f"key {kid} recovered into the key file")

    def _rotate(self, options: dict[str, Any]) -> None:
        from moot.cases.actions.keys import do_rotate_key

        kid, count = do_rotate_key(acting_user=None)
        self.stdout.write(
            f"key {kid} now in use; {count} values and files re-encrypted. Split it now "
            "(moot cases key split): the old shares recover only the old key."
        )

    def _check(self, options: dict[str, Any]) -> None:
        from moot.cases.crypto import check_case_key, keys_path

        problems = check_case_key()
        for problem in problems:
            self.stderr.write(self.style.ERROR(problem))
        if problems:
            raise CommandError("the case key does not open the cases")
        self.stdout.write(f"the case key in {keys_path()} opens the cases")
