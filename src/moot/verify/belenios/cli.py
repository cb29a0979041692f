"""``moot verify UUID.bel``: verify a Belenios 2.0 public-data archive.

Prints one line per check group (``ok  ballots: ...``), or the first failure (``FAIL ...``) naming
the data file by its hash, the event's height and the field. Exit status: 0 verified, 1 failed,
2 usage error.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

from moot.verify.belenios.errors import VerifyError
from moot.verify.belenios.verify import verify

USAGE = "usage: moot verify ARCHIVE.bel   (a Belenios 2.0 public-data archive)"


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        sys.stderr.write(USAGE + "\n")
        return 2
    path = Path(argv[0])
    started = time.perf_counter()
    try:
        report = verify(path)
    except VerifyError as exc:
        sys.stdout.write(exc.line() + "\n")
        return 1
    except Exception as exc:  # a verifier bug: still a failure to verify, never a pass
        traceback.print_exc(file=sys.stderr)
        sys.stdout.write(f"FAIL verifier: stopped on an unexpected {type(exc).__name__}\n")
        return 1
    for line in report.lines:
        sys.stdout.write(line + "\n")
    elapsed = time.perf_counter() - started
    sys.stdout.write(f"verified {path.name} (election {report.uuid}) in {elapsed:.1f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
