"""Time and peak memory of each counting method at its candidate limit.

    .venv/bin/python bench/counting_limits.py [--ballots 10000] [--methods irv,meek,...]
                                              [--candidates N]

For each method, counts a seeded random election at the method's limit in
``moot.counting.limits`` (``Limits().for_method``), or at ``--candidates N``: ``--ballots``
different papers, each ranking **every** candidate (the worst case a file within the limits can
give: the longest papers, no two alike, so nothing merges). Each count runs in a fresh child
process, so the peak resident memory printed is that count's own (including Python and numpy,
about 60 MB). The limits are chosen so that each count takes about ten seconds or less on one
core; docs/counting.md keeps the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time

from moot.counting.limits import Limits
from moot.counting.model import Ballots, Candidate, CountOptions, Election
from moot.counting.registry import get_method, methods

SINGLE_ROUND = {"plurality", "block", "approval", "yes-no"}


def _election(candidates: int, ballots: int, seats: int) -> Election:
    rng = random.Random(20261207)
    order = list(range(candidates))
    papers = []
    for _ in range(ballots):
        rng.shuffle(order)
        papers.append((tuple((c,) for c in order), 1))
    return Election(
        candidates=[Candidate(f"C{i}") for i in range(candidates)],
        seats=seats,
        ballots=Ballots.aggregate(papers),
        title=f"{candidates} candidates, {ballots} papers",
    )


def _child(method: str, candidates: int, ballots: int) -> None:
    spec = get_method(method)
    seats = 1 if method == "irv" or not spec.multi_seat else 3
    election = _election(candidates, ballots, seats)
    start = time.perf_counter()
    spec.count(election, CountOptions())
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB -> MiB
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, help="instead of each method's limit")
    parser.add_argument("--methods", help="comma-separated (default: every ranked method)")
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "CANDIDATES", "BALLOTS"))
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    limits = Limits()
    ranked = (n for n, s in methods().items() if "ranked" in s.kinds and n not in SINGLE_ROUND)
    names = args.methods.split(",") if args.methods else sorted(ranked)
    print(f"{'method':<16} {'candidates':>10} {'papers':>8} {'seconds':>8} {'peak MiB':>9}")
    for name in names:
        candidates = args.candidates or limits.for_method(name)
        run = subprocess.run(
            [sys.executable, __file__, "--child", name, str(candidates), str(args.ballots)],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            print(f"{name:<16} {candidates:>10} {args.ballots:>8} failed: {run.stderr[-300:]}")
            continue
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"{name:<16} {candidates:>10} {args.ballots:>8} "
            f"{figures['seconds']:>8.2f} {figures['peak_mib']:>9}",
            flush=True,
        )


if __name__ == "__main__":
    main()
