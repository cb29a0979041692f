"""yes-no: the required majorities at their exact boundaries, and the explanation given.

Definitions (docs/counting.md, moot.counting.methods.motion): "simple" and "absolute" = more
than half, "two-thirds" = at least two-thirds, of yes+no (basis "cast": abstentions are not
votes) or of the number present (basis "present"); the same as the rulebook's
``Majority.is_met`` for the same name and basis.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from moot.counting import Ballots, Candidate, CountError, CountOptions, Election, count
from moot.counting.reports import (
    render_csv,
    render_json,
    render_rctab_summary,
    render_text,
)

pytestmark = pytest.mark.pure


def motion(yes: int, no: int, abstain: int = 0, *, spoilt: int = 0) -> Election:
    items = [(((0,),), yes), (((1,),), no), (((2,),), abstain), (((0, 1),), spoilt)]
    return Election(
        candidates=[Candidate("Yes"), Candidate("No"), Candidate("Abstain")],
        seats=1,
        ballots=Ballots.aggregate([(r, w) for r, w in items if w]),
        title="Motion 3: that the branch meets monthly",
        kind="single",
    )


def carried(yes, no, abstain=0, *, majority="simple", basis="cast", present=None) -> bool:
    extra = {"majority": majority, "basis": basis}
    if present is not None:
        extra["present"] = present
    return count(motion(yes, no, abstain), "yes-no", CountOptions(extra=extra)).carried


def test_two_thirds_of_votes_cast_at_the_boundary() -> None:
    # 120 votes cast (abstentions are not votes): two-thirds is exactly 80.
    assert carried(80, 40, 9, majority="two-thirds") is True
    assert carried(79, 41, 9, majority="two-thirds") is False
    # 121 cast: two-thirds is 80.67, so 81 are needed.
    assert carried(81, 40, majority="two-thirds") is True
    assert carried(80, 41, majority="two-thirds") is False


def test_two_thirds_explanation() -> None:
    options = CountOptions(extra={"majority": "two-thirds", "basis": "cast"})
    result = count(motion(81, 39, 7), "yes-no", options)
    assert result.carried is True
    assert result.notes[0] == (
        "two-thirds of votes cast (yes+no, abstentions not counted): 81 of 120 needed 80 — carried"
    )
    assert result.quota == 80
    assert result.elected == ()
    assert result.valid == 127  # every paper, abstentions included


def test_simple_majority_a_tie_falls() -> None:
    # More than half of yes+no: 60-60 is not carried (needs 61); abstentions change nothing.
    assert carried(60, 60) is False
    assert carried(61, 59) is True
    assert carried(61, 59, 500) is True
    assert carried(1, 0, 99) is True


def test_absolute_majority_of_those_present_counts_abstentions_against() -> None:
    # The rulebook's absolute majority is of those present: 61+40+20 papers, 121 present,
    # needs 61 -> carried; 60+40+20, 120 present, needs 61 -> not carried, although yes
    # beats no (which is enough for a simple majority of the votes cast).
    assert carried(61, 40, 20, majority="absolute", basis="present", present=121) is True
    assert carried(60, 40, 20, majority="absolute", basis="present", present=120) is False
    assert carried(60, 40, 20, majority="simple") is True
    # On the basis of votes cast it is reckoned like the rulebook reckons it: of yes+no.
    assert carried(60, 40, 20, majority="absolute") is True
    assert carried(50, 50, 20, majority="absolute") is False


@pytest.mark.parametrize("name", ["simple", "absolute", "two-thirds"])
@pytest.mark.parametrize("basis", ["cast", "present"])
def test_same_verdict_as_the_rulebook(name, basis) -> None:
    # The rulebook (moot.rulebook, preset "party") decides motions; the count must agree with
    # its Majority.is_met for every name and basis, here on every split of up to 13 papers.
    from moot import rulebook

    rule = rulebook.majority(rulebook.preset("party"), name)
    rule = dataclasses.replace(rule, basis=basis)
    for yes in range(13):
        for no in range(13 - yes):
            for abstain in (0, 2):
                for extra_present in (0, 3):
                    present = yes + no + abstain + extra_present
                    got = carried(yes, no, abstain, majority=name, basis=basis, present=present)
                    assert got is rule.is_met(yes, no, present), (yes, no, abstain, present)


def test_majorities_of_those_present() -> None:
    # 120 present; abstaining or not voting counts like no.
    assert carried(61, 10, present=120, basis="present") is True
    assert carried(60, 10, present=120, basis="present") is False
    assert carried(60, 10, present=120, basis="present", majority="absolute") is False
    assert carried(80, 0, present=120, basis="present", majority="two-thirds") is True
    assert carried(79, 0, present=120, basis="present", majority="two-thirds") is False
    result = count(
        motion(80, 5, 3),
        "yes-no",
        CountOptions(extra={"majority": "two-thirds", "basis": "present", "present": 120}),
    )
    assert result.notes[0].startswith("two-thirds of those present")
    assert "80 of 120 needed 80 — carried" in result.notes[0]


def test_nobody_voting_yes_or_no_carries_nothing() -> None:
    assert carried(0, 0, 12) is False


def test_spoilt_papers() -> None:
    result = count(motion(5, 3, 0, spoilt=2), "yes-no")
    assert result.invalid == 2
    assert result.carried is True
    assert any("2 spoilt" in note for note in result.notes)


def test_yes_and_no_only() -> None:
    e = Election(
        [Candidate("Yes"), Candidate("No")],
        1,
        Ballots.aggregate([(((0,),), 3), (((1,),), 2)]),
    )
    assert count(e, "yes-no").carried is True


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"majority": "three-quarters"}, "unknown majority 'three-quarters'"),
        ({"basis": "members"}, "unknown majority basis"),
        ({"basis": "present"}, "needs the number present"),
        ({"basis": "present", "present": 10}, "only 10 members are recorded as present"),
    ],
)
def test_bad_options_are_clear_errors(extra, message) -> None:
    with pytest.raises(CountError, match=message):
        count(motion(8, 4, 1), "yes-no", CountOptions(extra=extra))


def test_more_than_three_answers_is_refused() -> None:
    e = Election([Candidate(n) for n in "ABCD"], 1, Ballots.aggregate([(((0,),), 1)]))
    with pytest.raises(CountError, match="Yes, No and Abstain"):
        count(e, "yes-no")


def test_reports_of_a_motion(tmp_path) -> None:
    result = count(motion(81, 39, 7), "yes-no", CountOptions(extra={"majority": "two-thirds"}))
    text = render_text(result)
    assert "Result: CARRIED" in text
    assert "Elected:" not in text
    assert "Yes votes needed: 80" in text
    data = json.loads(json.dumps(render_json(result)))
    assert data["carried"] is True
    assert data["elected"] == []
    assert data["options"] == {"majority": "two-thirds", "basis": "cast"}
    assert render_rctab_summary(result)["results"][0]["tally"] == {
        "Yes": "81",
        "No": "39",
        "Abstain": "7",
    }
    assert render_csv(result).splitlines()[1].startswith("1,Votes on the motion,81,39,7,")
    lost = count(motion(60, 60), "yes-no")
    assert "Result: NOT CARRIED" in render_text(lost)
