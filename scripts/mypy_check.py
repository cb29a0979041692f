"""Run mypy (configured in pyproject.toml) and hold each file to its count in the baseline.

The pure cores (counting, rulebook, verify) are checked strictly and have no baseline: any
error in them fails, and --update does not list them. The rest of the code starts from the
errors it had when types were first checked (scripts/mypy_baseline.txt: one ``<count> <path>``
per line). The baseline may only
shrink: this fails when a file has more errors than its entry, or when a file without an entry
has any. When a file has fewer, the baseline is stale and this says how to tighten it.

    .venv/bin/python scripts/mypy_check.py            # check (scripts/test.sh, make lint)
    .venv/bin/python scripts/mypy_check.py --update   # rewrite the baseline from today's counts
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scripts" / "mypy_baseline.txt"
HEADER = """\
# mypy errors per file outside the strictly typed cores, as <count> <path>.
# This list may only shrink: scripts/mypy_check.py fails when a file's count rises or a file
# not listed here has errors. Fix a file's errors, then rewrite the list with
#     .venv/bin/python scripts/mypy_check.py --update
"""
# The pure cores are checked strictly and have no baseline: any error in them fails.
STRICT = ("src/moot/counting/", "src/moot/rulebook/", "src/moot/verify/", "src/moot/trustee/")
ERROR = re.compile(r"^(?P<path>[^:\s]+\.pyi?):\d+(?::\d+)?: error: ")


def run_mypy() -> tuple[Counter[str], list[str]]:
    """Every error line mypy prints, counted by file (notes are not errors)."""
    env = {**os.environ, "MOOT_HTTPS": os.environ.get("MOOT_HTTPS", "0")}
    mypy = Path(sys.executable).with_name("mypy")
    command = [str(mypy)] if mypy.exists() else [sys.executable, "-m", "mypy"]
    result = subprocess.run(
        [*command, "--no-error-summary", "--no-pretty", "--no-color-output"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.splitlines()
    counts: Counter[str] = Counter()
    for line in lines:
        match = ERROR.match(line)
        if match:
            counts[match["path"]] += 1
    if result.returncode not in (0, 1) or (result.returncode == 1 and not counts):
        # 2 is a crash or a configuration error: nothing was checked.
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"mypy did not run (exit {result.returncode}); see its output above")
    return counts, lines


def read_baseline() -> Counter[str]:
    counts: Counter[str] = Counter()
    if not BASELINE.exists():
        return counts
    for number, raw in enumerate(BASELINE.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        count, _, path = line.partition(" ")
        if not count.isdigit() or not path.strip():
            raise SystemExit(
                f"{BASELINE.relative_to(REPO)}:{number}: expected '<count> <path>', got {raw!r}; "
                "rewrite the file with: .venv/bin/python scripts/mypy_check.py --update"
            )
        counts[path.strip()] = int(count)
    return counts


def write_baseline(counts: Counter[str]) -> None:
    body = "".join(f"{counts[path]} {path}\n" for path in sorted(counts) if counts[path])
    BASELINE.write_text(HEADER + body)


def report_strict(strict: Counter[str], lines: list[str]) -> int:
    """Errors in the strictly typed cores, which no baseline excuses: 1 if there are any."""
    if not strict:
        return 0
    for line in lines:
        if line.startswith(STRICT) and ": error: " in line:
            print(f"    {line}")
    print(
        f"\nmypy: {sum(strict.values())} errors in the strictly typed cores ({', '.join(STRICT)}),"
        " which have no baseline: fix them."
    )
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--update",
        action="store_true",
        help="rewrite scripts/mypy_baseline.txt with today's counts",
    )
    args = parser.parse_args(argv)

    counts, lines = run_mypy()
    strict = Counter({path: n for path, n in counts.items() if path.startswith(STRICT)})
    counts -= strict
    baseline = read_baseline()
    if args.update:
        risen = [p for p in sorted(counts) if counts[p] > baseline[p]] if BASELINE.exists() else []
        write_baseline(counts)
        total = sum(counts.values())
        print(f"wrote {BASELINE.relative_to(REPO)}: {total} errors in {len(counts)} files")
        for path in risen:
            print(f"  accepted a rise: {path} {baseline[path]} -> {counts[path]}")
        return report_strict(strict, lines)
    if report_strict(strict, lines):
        return 1

    risen = sorted(path for path in counts if counts[path] > baseline[path])
    shrunk = sorted(path for path in baseline if counts[path] < baseline[path])
    for path in risen:
        was = baseline[path]
        print(
            f"{path}: {counts[path]} mypy errors, the baseline allows {was}"
            + (" (a file new to the baseline)" if not was else "")
        )
        for line in lines:
            if line.startswith(f"{path}:") and ": error: " in line:
                print(f"    {line}")
    if risen:
        print(
            "\nmypy: fix the errors above (the baseline only shrinks); annotate, narrow, or add a "
            "`# type: ignore[<code>]` with a comment saying why.",
        )
        return 1
    total = sum(counts.values())
    print(f"mypy: {total} errors in {len(counts)} files, none above the baseline")
    if shrunk:
        print("the baseline can shrink for:")
        for path in shrunk:
            print(f"    {path}: {baseline[path]} -> {counts[path]}")
        print("tighten it with: .venv/bin/python scripts/mypy_check.py --update")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
