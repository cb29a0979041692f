"""``yes-no``: a motion, carried or not by the required majority.

The candidates are the answers **Yes, No, Abstain** in that order (a file with only Yes and
No is accepted: nobody abstained). Each paper's mark is its first preference; a paper marking
more than one answer is spoilt (noted, added to the invalid papers); a blank paper is not
counted. Every figure is an integer.

``CountOptions.extra`` (the names are the rulebook's, CONTRACT §1, and the poll's
``majority`` / ``majority_basis`` fields):

``majority``: ``"simple"`` (default), ``"absolute"`` or ``"two-thirds"``
``basis``: ``"cast"`` (default) or ``"present"``
``present``: the number of members present and entitled to vote (needed for ``"present"``)

The test, with Y, N, A the Yes, No and Abstain votes:

============  =========================================  =========================================
majority      basis ``cast``                              basis ``present`` (P present)
============  =========================================  =========================================
simple        more than half of Y + N (abstentions are    more than half of P (abstaining or not
              not votes): ``2Y > Y + N``, i.e. Y > N      voting counts like No): ``2Y > P``
absolute      more than half of Y + N: ``2Y > Y + N``     more than half of P: ``2Y > P``
              (reckoned as the rulebook does; an
              absolute majority is normally asked of
              those present)
two-thirds    at least two-thirds of Y + N:               at least two-thirds of P: ``3Y >= 2P``
              ``3Y >= 2(Y + N)``
============  =========================================  =========================================

These are exactly the rulebook's ``Majority.is_met(yes, no, present)`` for the same name and
basis (tested against the preset rulebook); the names are the rulebook's.

"More than half" needs ``floor(B/2) + 1`` votes and "at least two-thirds" ``ceil(2B/3)``
(B the basis): with 120 votes cast, a simple majority needs 61 and two-thirds needs 80 (80 of
120 is exactly two-thirds: carried). A basis of 0 (nobody voted Yes or No) carries nothing.

``Result.carried`` is the outcome; ``Result.quota`` the Yes votes needed; ``Result.notes``
starts with the test in words, e.g. "two-thirds of votes cast (yes+no, abstentions not
counted): 81 of 120 needed 80 — carried". ``elected`` is empty: a motion elects nobody.
"""

from __future__ import annotations

from fractions import Fraction

from moot.counting.methods._common import standing_levels
from moot.counting.model import CountError, CountOptions, Election, Result, Round
from moot.counting.registry import MethodSpec

MAJORITIES = ("simple", "absolute", "two-thirds")
BASES = ("cast", "present")


def majority_needed(majority: str, basis_votes: int) -> int:
    """The Yes votes needed out of ``basis_votes``: more than half, or at least two-thirds."""
    if majority == "two-thirds":
        return -(-2 * basis_votes // 3)  # ceil(2B/3)
    return basis_votes // 2 + 1


def _describe(majority: str, basis: str) -> str:
    if basis == "present":
        share = "two-thirds" if majority == "two-thirds" else "more than half"
        return f"{share} of those present (abstaining or not voting counts as no)"
    if majority == "simple":
        return "simple majority of votes cast (yes+no, abstentions not counted)"
    if majority == "absolute":
        return "absolute majority of votes cast (yes+no, abstentions not counted)"
    return "two-thirds of votes cast (yes+no, abstentions not counted)"


def count_yes_no(election: Election, options: CountOptions) -> Result:
    extra = options.extra
    majority = str(extra.get("majority", "simple"))
    basis = str(extra.get("basis", "cast"))
    if majority not in MAJORITIES:
        raise CountError(
            f"unknown majority {majority!r}; choose one of: {', '.join(MAJORITIES)}",
            source=election.source,
        )
    if basis not in BASES:
        raise CountError(
            f"unknown majority basis {basis!r}; choose cast or present", source=election.source
        )
    if len(election.candidates) not in (2, 3):
        raise CountError(
            "a yes/no motion has the answers Yes, No and Abstain (in that order); this "
            f"election has {len(election.candidates)} candidates",
            source=election.source,
        )
    withdrawn = election.withdrawn
    votes = [0, 0, 0]
    blank = spoilt = 0
    for ranking, weight in zip(election.ballots.rankings, election.ballots.weights, strict=True):
        levels = standing_levels(ranking, withdrawn)
        if not levels:
            blank += weight
        elif len(levels[0]) > 1:
            spoilt += weight
        else:
            votes[levels[0][0]] += weight
    yes, no, abstain = votes
    papers = yes + no + abstain
    if basis == "present":
        present = extra.get("present")
        if isinstance(present, bool) or not isinstance(present, int):
            raise CountError(
                "a majority of those present needs the number present (option present, "
                f"a whole number); got {present!r}",
                source=election.source,
            )
        if present < papers:
            raise CountError(
                f"{papers} papers were cast but only {present} members are recorded as "
                "present; correct the number present",
                source=election.source,
            )
        base = present
    else:
        base = yes + no
    needed = majority_needed(majority, base)
    carried = base > 0 and yes >= needed
    test = f"{_describe(majority, basis)}: {yes} of {base} needed {needed} — " + (
        "carried" if carried else "not carried"
    )
    notes = [test, f"yes {yes}, no {no}, abstain {abstain}"]
    if blank:
        notes.append(f"{blank} blank papers not counted")
    if spoilt:
        notes.append(f"{spoilt} spoilt papers (more than one answer marked) not counted")
    names = election.names
    tallies = {c: Fraction(votes[c]) for c in range(len(names))}
    rnd = Round(
        number=1,
        action="Votes on the motion",
        tallies=tallies,
        quota=Fraction(needed),
        notes=(("carried" if carried else "not carried"),),
    )
    return Result(
        method="yes-no",
        rule=f"Motion: {_describe(majority, basis)}",
        title=election.title,
        candidates=names,
        seats=1,
        elected=(),
        rounds=(rnd,),
        valid=Fraction(papers),
        invalid=election.invalid + spoilt,
        quota=Fraction(needed),
        options={"majority": majority, "basis": basis}
        | ({"present": extra.get("present")} if basis == "present" else {}),
        notes=tuple(notes),
        carried=carried,
    )


METHODS = (
    MethodSpec(
        "yes-no",
        "Motion: Yes/No/Abstain with a simple, absolute or two-thirds majority",
        count_yes_no,
        kinds=("single", "ranked"),
        multi_seat=False,
    ),
)
