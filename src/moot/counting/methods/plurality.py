"""Single-round methods: ``plurality``, ``block`` and ``approval``.

Every figure is an integer (a paper's weight); the count is one round. Withdrawn candidates
are struck out of every paper first (on a ranked paper their place passes to the next
preference). A paper that marks nobody still standing is *blank*: not counted, noted. A paper
that marks more candidates than the method allows is *spoilt* (an overvote): not counted,
added to the invalid papers and noted. Papers a cast-vote-record reader found exhausted before
their first preference (``Election.exhausted_at_start``) are valid papers that vote for nobody:
the round's ``exhausted`` figure, noted (as in ``irv``'s first round).

``plurality`` (first past the post; with several seats, the single non-transferable vote)
    Each paper gives one vote to its choice: a single-choice paper's mark, a ranked paper's
    first preference. Two or more candidates marked at the first level (a single-choice paper
    with two marks, a ranked paper with ``a=b`` first) spoil the paper. The ``seats``
    candidates with most votes are elected.
``block`` (block vote: N seats, each voter up to N choices)
    Each paper gives one vote to each candidate it marks, at most N of them (N = seats). An
    approval/single-choice paper marking more than N is spoilt. A ranked paper counts its
    first N preferences (STV-rs's "simulated plurality block voting"): whole levels are taken
    while they fit in N; a level of equal rankings that would take the paper past N is not
    counted, nor anything after it.
``approval``
    Each paper gives one vote to every candidate it marks (a ranked paper: every candidate it
    ranks). The ``seats`` candidates with most approvals are elected.

Ties: candidates with equal votes who all fit in the seats are elected together; a tie for the
last seat(s) is broken by the tie-break chosen (there is no earlier stage to look back to, so
``backwards``/``forwards`` go straight to their fallback: recorded lot decisions, else the
seeded draw, else the candidate order) and recorded.

For ``block`` and ``approval`` a paper gives several votes, so the candidates' votes add up to
more than the number of papers; ``Result.valid`` is the number of papers counted.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from moot.counting.methods._common import (
    exact_sum,
    exhausted_note,
    live_lookup,
    seats_of,
    standing_levels,
    strict_matrix,
    top_n,
)
from moot.counting.model import (
    CountError,
    CountOptions,
    Election,
    Result,
    Round,
    check_seats,
    exhausted_at_start,
)
from moot.counting.registry import MethodSpec
from moot.counting.tiebreak import TieBreaker

_RULES = {
    "plurality": "Plurality (first past the post): one vote per paper, most votes elected",
    "block": "Block vote: one vote to each of up to N candidates (N = seats), most votes elected",
    "approval": "Approval: one vote to every candidate marked, most approvals elected",
}


def _marks(
    method: str, levels: tuple[tuple[int, ...], ...], seats: int, kind: str
) -> tuple[int, ...] | None:
    """The candidates this paper votes for, or None when the paper is spoilt."""
    if not levels:
        return ()
    if method == "plurality":
        return levels[0] if len(levels[0]) == 1 else None
    if method == "approval":
        return tuple(sorted({c for level in levels for c in level}))
    # block
    if kind == "ranked":
        chosen: list[int] = []
        for level in levels:
            if len(chosen) + len(level) > seats:
                break
            chosen.extend(level)
        return tuple(chosen)
    marked = tuple(sorted({c for level in levels for c in level}))
    return marked if len(marked) <= seats else None


def _count(
    election: Election, options: CountOptions, method: str, *, use_matrix: bool = True
) -> Result:
    """Count by ``method``; ``use_matrix=False`` forces the paper-by-paper reading (the tests
    compare it with the matrix reading)."""
    seats = seats_of(election, options)
    check_seats(election, seats)
    withdrawn = election.withdrawn
    standing = [c for c in range(len(election.candidates)) if c not in withdrawn]
    votes = dict.fromkeys(standing, 0)
    valid = blank = spoilt = 0
    matrix = strict_matrix(election) if use_matrix else None
    if matrix is not None:
        # No equal rankings: every rule above reads "the first k standing preferences"
        # (k = 1 plurality, N block, all approval); counted on the matrix at once.
        prefs, counts = matrix
        live = live_lookup(election)[prefs]
        has = live.any(axis=1)
        blank, valid = exact_sum(counts[~has]), exact_sum(counts[has])
        limit = {"plurality": 1, "block": seats, "approval": prefs.shape[1]}[method]
        marked = live & (np.cumsum(live, axis=1) <= limit)
        # A candidate's votes are at most the valid papers: int64 is exact below 2**62.
        exact_type = np.int64 if valid < 2**62 else object
        tally = np.zeros(len(election.candidates) + 1, dtype=exact_type)
        weights = np.broadcast_to(counts.astype(exact_type)[:, None], prefs.shape)
        np.add.at(tally, prefs[marked], weights[marked])
        votes = {c: int(tally[c + 1]) for c in standing}
    else:
        for ranking, weight in zip(
            election.ballots.rankings, election.ballots.weights, strict=True
        ):
            marks = _marks(method, standing_levels(ranking, withdrawn), seats, election.kind)
            if marks is None:
                spoilt += weight
            elif not marks:
                blank += weight
            else:
                valid += weight
                for c in marks:
                    votes[c] += weight
    if valid == 0:
        raise CountError("no valid papers to count", source=election.source)
    ballots = election.ballots
    empty = sum(w for r, w in zip(ballots.rankings, ballots.weights, strict=True) if not r)
    at_start = exhausted_at_start(election, empty)
    blank -= at_start
    valid += at_start
    breaker = TieBreaker(options.tie_break, election)
    elected = top_n(votes, seats, breaker)
    notes = []
    if at_start:
        notes.append(exhausted_note(at_start))
    if blank:
        notes.append(f"{blank} blank papers (no candidate still standing marked) not counted")
    if spoilt:
        what = {
            "plurality": "more than one candidate marked first",
            "block": f"more than {seats} candidates marked",
            "approval": "",
        }[method]
        notes.append(f"{spoilt} spoilt papers ({what}) not counted")
    if method != "plurality":
        notes.append(
            f"each paper may vote for several candidates: the votes add up to "
            f"{sum(votes.values())} from {valid} papers"
        )
    action = {
        "plurality": "First preferences" if election.kind == "ranked" else "Votes",
        "block": "Votes (up to one per seat)",
        "approval": "Approvals",
    }[method]
    rnd = Round(
        number=1,
        action=action,
        tallies={c: Fraction(v) for c, v in votes.items()},
        exhausted=Fraction(at_start),
        elected=tuple(elected),
    )
    return Result(
        method=method,
        rule=f"{_RULES[method]}; {breaker.describe()}",
        title=election.title,
        candidates=election.names,
        seats=seats,
        elected=tuple(elected),
        rounds=(rnd,),
        valid=Fraction(valid),
        invalid=election.invalid + spoilt,
        ties=tuple(breaker.records),
        withdrawn=tuple(sorted(withdrawn)),
        options={"seats": seats},
        notes=tuple(notes),
    )


def count_plurality(election: Election, options: CountOptions) -> Result:
    return _count(election, options, "plurality")


def count_block(election: Election, options: CountOptions) -> Result:
    return _count(election, options, "block")


def count_approval(election: Election, options: CountOptions) -> Result:
    return _count(election, options, "approval")


METHODS = (
    MethodSpec(
        "plurality",
        "Plurality / first past the post (one vote per paper; several seats: most votes)",
        count_plurality,
        kinds=("single", "ranked", "approval"),
    ),
    MethodSpec(
        "block",
        "Block vote (each paper up to one vote per seat; ranked papers: first N preferences)",
        count_block,
        kinds=("approval", "single", "ranked"),
    ),
    MethodSpec(
        "approval",
        "Approval voting (a vote for every candidate marked; most approvals elected)",
        count_approval,
        kinds=("approval", "single", "ranked"),
    ),
)
