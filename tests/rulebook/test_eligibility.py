"""Eligibility as a pure function of the edition, the purpose, the status history and the unit.
The weeks and clauses are read from the edition, never written into the test."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moot import rulebook
from moot.rulebook import StatusInterval as Interval
from rulebook.editions import variant

pytestmark = pytest.mark.pure

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)
MEETING = datetime.date(2026, 6, 20)


def assess(edition, history, on=MEETING, purpose="meeting", **kwargs):
    return rulebook.assess_eligibility(edition, purpose, tuple(history), on=on, **kwargs)


def active_since(start: datetime.date) -> list[Interval]:
    return [Interval("active", start, None)]


def texts(verdict) -> list[str]:
    return [r.text for r in verdict.reasons]


def test_exactly_the_required_weeks_is_enough_and_a_day_less_is_not(party):
    rule = party.eligibility_rule("meeting")
    weeks = rule.min_weeks
    assert assess(party, active_since(MEETING - weeks * WEEK)).allowed
    short = assess(party, active_since(MEETING - weeks * WEEK + DAY))
    assert not short.allowed
    assert texts(short) == [
        f"joined {weeks - 1} weeks before the meeting; clause {rule.clause} needs {weeks}"
    ]
    assert [r.clause for r in short.reasons] == [rule.clause]


def test_the_issue_example_joined_five_weeks_before(party):
    verdict = assess(party, active_since(MEETING - 5 * WEEK - 3 * DAY))
    assert texts(verdict) == ["joined 5 weeks before the meeting; clause 7.2 needs 8"]


def test_days_and_single_week_wording(party):
    assert texts(assess(party, active_since(MEETING - 3 * DAY))) == [
        "joined 3 days before the meeting; clause 7.2 needs 8"
    ]
    assert texts(assess(party, active_since(MEETING - DAY))) == [
        "joined 1 day before the meeting; clause 7.2 needs 8"
    ]
    assert texts(assess(party, active_since(MEETING - 8 * DAY))) == [
        "joined 1 week before the meeting; clause 7.2 needs 8"
    ]


def test_allowed_verdict_cites_standing_unit_and_weeks(party):
    verdict = assess(party, active_since(MEETING - 100 * WEEK))
    assert verdict.allowed
    assert texts(verdict) == [
        "paid-up member on 20 June 2026",
        "a member of the unit",
        "in continuous membership for 100 weeks before the meeting; clause 7.2 needs 8",
    ]
    assert [r.clause for r in verdict.reasons] == ["2.1", "7.1", "7.2"]
    assert verdict.clause == "2.1"


def test_lapse_and_rejoin_restarts_the_clock(party):
    weeks = party.eligibility_rule("meeting").min_weeks
    joined = MEETING - 200 * WEEK
    lapse = MEETING - 3 * WEEK
    rejoin = MEETING - WEEK
    history = [
        Interval("active", joined, lapse),
        Interval("lapsed", lapse, rejoin),
        Interval("active", rejoin, None),
    ]
    refused = assess(party, history)
    assert not refused.allowed
    assert texts(refused) == [f"rejoined 1 week before the meeting; clause 7.2 needs {weeks}"]
    assert assess(party, history, on=lapse - DAY).allowed
    lapsed = assess(party, history, on=lapse + DAY)
    assert texts(lapsed) == [
        (
            "lapsed since 30 May 2026: a member who rejoins starts a new period of continuous "
            "membership"
        )
    ]
    assert lapsed.reasons[0].clause == party.status_rule("lapsed").clause
    assert not assess(party, history, on=rejoin + weeks * WEEK - DAY).allowed
    assert assess(party, history, on=rejoin + weeks * WEEK).allowed
    assert rulebook.continuous_since(party, history, MEETING) == rejoin


def test_a_short_lapse_within_the_grace_days_keeps_the_clock():
    lenient = variant((r"^lapse_grace_days = 0 .*$", "lapse_grace_days = 30"))
    joined = MEETING - 100 * WEEK
    history = [
        Interval("active", joined, MEETING - 4 * WEEK),
        Interval("lapsed", MEETING - 4 * WEEK, MEETING - 2 * WEEK),
        Interval("active", MEETING - 2 * WEEK, None),
    ]
    assert assess(lenient, history).allowed
    assert rulebook.continuous_since(lenient, history, MEETING) == joined
    longer = [
        Interval("active", joined, MEETING - 8 * WEEK),
        Interval("lapsed", MEETING - 8 * WEEK, MEETING - 2 * WEEK),
        Interval("active", MEETING - 2 * WEEK, None),
    ]
    assert not assess(lenient, longer).allowed


def test_arrears_remove_rights_until_paid_without_restarting_the_clock(party):
    joined = MEETING - 50 * WEEK
    owing = MEETING - 3 * DAY
    in_arrears = [Interval("active", joined, owing), Interval("in_arrears", owing, None)]
    verdict = assess(party, in_arrears)
    assert not verdict.allowed
    assert texts(verdict) == [
        "in arrears since 17 June 2026: rights return on the day the arrears are paid"
    ]
    assert verdict.reasons[0].clause == party.status_rule("in_arrears").clause
    paid = [
        Interval("active", joined, owing),
        Interval("in_arrears", owing, MEETING),
        Interval("active", MEETING, None),
    ]
    assert assess(party, paid).allowed
    assert rulebook.continuous_since(party, paid, MEETING) == joined


def test_suspension_removes_rights_and_says_so(party):
    history = [
        Interval("active", MEETING - 300 * WEEK, MEETING - WEEK),
        Interval("suspended", MEETING - WEEK, None),
    ]
    verdict = assess(party, history)
    assert not verdict.allowed
    assert verdict.reasons[0].text.startswith("suspended — may not take part since 13 June 2026")
    # Officers read this refusal: nothing in it tells of a case or an investigation.
    assert "investigation" not in verdict.reasons[0].text
    assert "case" not in verdict.reasons[0].text
    assert verdict.reasons[0].clause == party.status_rule("suspended").clause


def test_every_reason_is_listed_when_several_refuse(party):
    history = [
        Interval("active", MEETING - 2 * WEEK, MEETING - WEEK),
        Interval("in_arrears", MEETING - WEEK, None),
    ]
    verdict = assess(party, history, in_unit=False)
    assert [r.clause for r in verdict.reasons] == ["2.3", "7.1", "7.2"]
    assert "not a member of the unit; the meeting is for its own members" in texts(verdict)


def test_member_of_another_unit_is_refused(party):
    verdict = assess(party, active_since(MEETING - 100 * WEEK), in_unit=False)
    assert not verdict.allowed
    assert texts(verdict) == ["not a member of the unit; the meeting is for its own members"]
    assert verdict.reasons[0].clause == party.membership.unit_clause


def test_no_history_and_before_joining(party):
    assert texts(assess(party, [])) == ["not a member on 20 June 2026"]
    before = assess(party, active_since(MEETING + DAY))
    assert texts(before) == ["not a member on 20 June 2026"]


def test_a_gap_in_the_record_is_reported(party):
    history = [Interval("active", MEETING - 100 * WEEK, MEETING - WEEK)]
    assert texts(assess(party, history)) == ["no membership status is recorded for 20 June 2026"]


@pytest.mark.parametrize("status", ["applied", "lapsed", "expelled", "resigned", "suspended"])
def test_statuses_without_standing_are_refused(party, status):
    history = [
        Interval("active", MEETING - 300 * WEEK, MEETING - 10 * WEEK),
        Interval(status, MEETING - 10 * WEEK, None),
    ]
    verdict = assess(party, history)
    assert not verdict.allowed
    assert verdict.reasons[0].clause == party.status_rule(status).clause


def test_ballot_freeze_date(party):
    rule = party.eligibility_rule("ballot")
    freeze = datetime.date(2026, 1, 12)
    ballot_day = datetime.date(2026, 7, 1)
    before = assess(
        party, active_since(freeze), on=ballot_day, purpose="ballot", freeze_date=freeze
    )
    assert before.allowed
    assert before.reasons[-1].clause == rule.freeze_clause
    after = assess(
        party, active_since(freeze + DAY), on=ballot_day, purpose="ballot", freeze_date=freeze
    )
    assert not after.allowed
    assert texts(after) == [
        (
            "joined on 13 January 2026, after the freeze date of 12 January 2026; clause 7.3.2 "
            "admits only members in continuous membership since that date or earlier"
        )
    ]
    # Without a freeze date the ballot rule's own weeks apply.
    assert assess(party, active_since(freeze + DAY), on=ballot_day, purpose="ballot").allowed


def test_a_rejoin_after_the_freeze_date_is_refused(party):
    freeze = datetime.date(2026, 1, 12)
    history = [
        Interval("active", datetime.date(2020, 1, 1), datetime.date(2026, 2, 1)),
        Interval("lapsed", datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)),
        Interval("active", datetime.date(2026, 3, 1), None),
    ]
    verdict = assess(
        party, history, on=datetime.date(2026, 7, 1), purpose="ballot", freeze_date=freeze
    )
    assert not verdict.allowed
    assert verdict.reasons[0].text.startswith("rejoined on 1 March 2026, after the freeze date")


def test_a_freeze_date_after_the_ballot_is_an_error(party):
    with pytest.raises(rulebook.RulebookError, match="is after the date assessed"):
        assess(
            party,
            active_since(MEETING - 100 * WEEK),
            purpose="ballot",
            freeze_date=MEETING + DAY,
        )


def test_the_meeting_rule_ignores_a_freeze_date(party):
    history = active_since(MEETING - 20 * WEEK)
    assert assess(party, history, freeze_date=MEETING - 30 * WEEK).allowed


def test_standing_for_office_needs_longer_membership(party):
    stand = party.eligibility_rule("stand")
    meeting = party.eligibility_rule("meeting")
    assert stand.min_weeks > meeting.min_weeks
    history = active_since(MEETING - (meeting.min_weeks + 1) * WEEK)
    assert assess(party, history).allowed
    verdict = assess(party, history, purpose="stand")
    assert not verdict.allowed
    assert verdict.reasons[0].text.endswith(
        f"before the nomination; clause {stand.clause} needs {stand.min_weeks}"
    )
    assert assess(party, history, purpose="nominate").allowed


def test_an_unknown_purpose_is_an_error_listing_the_known_ones(party):
    with pytest.raises(rulebook.RulebookError) as excinfo:
        assess(party, [], purpose="vote")
    assert str(excinfo.value) == (
        "party.toml: eligibility.vote: purpose 'vote' is not defined by edition 'party-2026'; it "
        "defines 'meeting', 'ballot', 'stand', 'nominate'"
    )
    assert isinstance(excinfo.value, ValueError)


def test_history_order_does_not_matter(party):
    history = [
        Interval("active", MEETING - 200 * WEEK, MEETING - 3 * WEEK),
        Interval("lapsed", MEETING - 3 * WEEK, MEETING - WEEK),
        Interval("active", MEETING - WEEK, None),
    ]
    assert assess(party, reversed(history)) == assess(party, history)


# -- Properties -----------------------------------------------------------------------------

STATUSES = st.sampled_from(rulebook.MEMBER_STATUSES)


@st.composite
def histories(draw):
    """A contiguous history of 1-6 intervals ending in an open one, and a date to ask about."""
    start = datetime.date(2020, 1, 1) + draw(st.integers(0, 400)) * DAY
    intervals = []
    for _ in range(draw(st.integers(0, 5))):
        length = draw(st.integers(1, 300)) * DAY
        intervals.append(Interval(draw(STATUSES), start, start + length))
        start += length
    intervals.append(Interval(draw(STATUSES), start, None))
    on = datetime.date(2020, 1, 1) + draw(st.integers(0, 3000)) * DAY
    return intervals, on


@given(histories(), st.sampled_from(rulebook.REQUIRED_PURPOSES), st.booleans())
def test_never_allowed_while_suspended_or_without_standing(case, purpose, in_unit):
    party = rulebook.preset("party")
    history, on = case
    verdict = rulebook.assess_eligibility(party, purpose, history, on=on, in_unit=in_unit)
    current = [i for i in history if i.start <= on and (i.end is None or on < i.end)]
    if verdict.allowed:
        assert current
        assert party.status_rule(current[0].status).standing
        assert current[0].status not in ("suspended", "in_arrears", "lapsed", "expelled")
        assert in_unit
    else:
        assert verdict.reasons
        assert all(r.clause for r in verdict.reasons)


@given(histories(), st.integers(0, 500))
def test_staying_active_longer_never_takes_eligibility_away(case, extra_days):
    party = rulebook.preset("party")
    history, on = case
    if history[-1].status != "active" or on < history[-1].start:
        return
    earlier = rulebook.assess_eligibility(party, "meeting", history, on=on)
    later = rulebook.assess_eligibility(party, "meeting", history, on=on + extra_days * DAY)
    assert later.allowed or not earlier.allowed


@given(histories(), st.data())
def test_splitting_an_interval_changes_nothing(case, data):
    party = rulebook.preset("party")
    history, on = case
    index = data.draw(st.integers(0, len(history) - 1))
    interval = history[index]
    end = interval.end or interval.start + 1000 * DAY
    if (end - interval.start).days < 2:
        return
    cut = interval.start + data.draw(st.integers(1, (end - interval.start).days - 1)) * DAY
    split = [
        *history[:index],
        Interval(interval.status, interval.start, cut),
        Interval(interval.status, cut, interval.end),
        *history[index + 1 :],
    ]
    for purpose in ("meeting", "ballot", "stand"):
        whole = rulebook.assess_eligibility(party, purpose, history, on=on)
        parts = rulebook.assess_eligibility(party, purpose, split, on=on)
        assert whole.allowed == parts.allowed
        assert [r.clause for r in whole.reasons] == [r.clause for r in parts.reasons]
    assert rulebook.continuous_since(party, history, on) == rulebook.continuous_since(
        party, split, on
    )


def test_an_adopted_edition_changes_the_answer_and_the_clause():
    """Nothing about the weeks or the clause is built in: another edition, another answer."""
    stricter = variant(
        (r"^min_weeks = 8  # \[S\] eight weeks.*$", "min_weeks = 12"),
        (r'^clause = "7\.2"$', 'clause = "9.1"'),
    )
    history = active_since(MEETING - 10 * WEEK)
    assert assess(rulebook.preset("party"), history).allowed
    verdict = assess(stricter, history)
    assert not verdict.allowed
    assert texts(verdict) == ["joined 10 weeks before the meeting; clause 9.1 needs 12"]
    assert verdict.reasons[0].clause == "9.1"
