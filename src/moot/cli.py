"""The `moot` command.

``moot count ...`` runs the pure counting engine without loading Django; ``moot verify ...``
(a verifiable ballot's record, a Benaloh audit, a Belenios archive), ``moot trustee ...``
and ``moot credentials ...`` run a trustee's and the credential authority's side the same
way. Every other sub-command is a Django management command (``moot migrate``, ``moot demo``,
``moot serve``, ``moot audit verify``, ``moot import_members``, ``moot createsuperuser``, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "count":
        from moot.counting.cli import main as count_main

        return count_main(args[1:])
    if args and args[0] in ("trustee", "credentials"):
        # A trustee's or the credential authority's own machine: pure, no Django, no settings.
        from moot.trustee.cli import credentials_main, trustee_main

        return (trustee_main if args[0] == "trustee" else credentials_main)(args[1:])
    if args[:1] == ["verify"] and args[-1].endswith(".bel"):
        # A Belenios 2.0 public-data archive: pure, no Django.
        from moot.verify.belenios.cli import main as belenios_main

        return belenios_main(args[1:])
    if args[:1] == ["verify"]:
        # A verifiable ballot's record (a zip) or a Benaloh audit: pure, no Django.
        from moot.verify.vcli import main as verify_main

        return verify_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    from django.core.management import execute_from_command_line

    if not args:
        args = ["help"]
    execute_from_command_line(["moot", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
