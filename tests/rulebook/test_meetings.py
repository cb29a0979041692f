"""Meeting kinds, notice periods, quorum, inquorate business and deadlines."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moot import rulebook

pytestmark = pytest.mark.pure

DAY = datetime.timedelta(days=1)
AGM = datetime.date(2026, 6, 20)


def test_the_preset_meeting_kinds(party):
    assert [k.slug for k in party.meeting_kinds] == [
        "agm",
        "general",
        "branch",
        "executive",
        "special",
    ]
    agm = party.meeting_kind("agm")
    assert agm.name == "annual general meeting"
    assert agm.elects_officers
    assert set(agm.unit_kinds) == {"constituency", "branch"}
    assert agm.notice_days_units > agm.notice_days_members > 0
    assert all(k.clause and k.quorum.clause and k.notice_clause for k in party.meeting_kinds)
    assert all(
        set(k.inquorate_business) <= set(rulebook.AGENDA_ITEM_KINDS) for k in party.meeting_kinds
    )
    assert [k.slug for k in party.meeting_kinds_for("branch")] == [
        "agm",
        "branch",
        "executive",
        "special",
    ]


def test_unknown_meeting_kind_names_the_known_ones(party):
    with pytest.raises(rulebook.RulebookError) as excinfo:
        party.meeting_kind("rally")
    assert str(excinfo.value) == (
        "party.toml: meetings.rally: meeting kind 'rally' is not defined by edition "
        "'party-2026'; it defines 'agm', 'general', 'branch', 'executive', 'special'"
    )


def test_notice_to_members(party):
    days = party.meeting_kind("agm").notice_days_members
    clause = party.meeting_kind("agm").notice_clause
    on_time = rulebook.check_notice(party, "agm", meeting_date=AGM, notice_date=AGM - days * DAY)
    assert on_time.allowed
    late = rulebook.check_notice(party, "agm", meeting_date=AGM, notice_date=AGM - 5 * DAY)
    assert not late.allowed
    expected = (
        f"notice to members sent 5 days before the annual general meeting; clause {clause} "
        f"needs {days}"
    )
    assert [r.text for r in late.reasons] == [expected]
    assert late.reasons[0].clause == clause


def test_notice_to_units(party):
    days = party.meeting_kind("agm").notice_days_units
    assert rulebook.check_notice(
        party, "agm", meeting_date=AGM, notice_date=AGM - days * DAY, audience="units"
    ).allowed
    late = rulebook.check_notice(
        party, "agm", meeting_date=AGM, notice_date=AGM - (days - 1) * DAY, audience="units"
    )
    assert not late.allowed
    assert late.reasons[0].text.startswith(
        f"notice to branches and affiliates sent {days - 1} days before"
    )
    assert rulebook.notice_due(party, "agm", meeting_date=AGM, audience="units") == AGM - days * DAY


def test_notice_after_the_meeting_and_notice_not_required(party):
    after = rulebook.check_notice(party, "agm", meeting_date=AGM, notice_date=AGM + DAY)
    assert not after.allowed
    assert after.reasons[0].text == (
        "notice to members was sent 1 day after the annual general meeting; clause 7.5.2 "
        "needs 7 days before it"
    )
    branch = rulebook.check_notice(
        party, "branch", meeting_date=AGM, notice_date=AGM, audience="units"
    )
    assert branch.allowed
    assert (
        branch.reasons[0].text
        == "no notice to branches and affiliates is required for a branch meeting"
    )
    with pytest.raises(rulebook.RulebookError, match="audience 'delegates' is not one of"):
        rulebook.check_notice(party, "agm", meeting_date=AGM, notice_date=AGM, audience="delegates")


@pytest.mark.parametrize(
    ("eligible", "required", "text"),
    [
        (2000, 100, "5% of 2,000 eligible members, at least 5: 100"),
        (1874, 94, "5% of 1,874 eligible members, at least 5: 94"),
        (1861, 94, "5% of 1,861 eligible members, at least 5: 94"),
        (1860, 93, "5% of 1,860 eligible members, at least 5: 93"),
        (101, 6, "5% of 101 eligible members, at least 5: 6"),
        (60, 5, "5% of 60 eligible members, at least 5: 5"),
        (1, 5, "5% of 1 eligible member, at least 5: 5"),
        (0, 5, "5% of 0 eligible members, at least 5: 5"),
    ],
)
def test_quorum_rounds_up_with_a_floor(party, eligible, required, text):
    quorum = rulebook.quorum_for(party, "agm", eligible)
    assert (quorum.required, quorum.text, quorum.eligible) == (required, text, eligible)
    assert quorum.clause == party.meeting_kind("agm").quorum.clause


def test_quorum_of_the_executive_is_a_third(party):
    assert rulebook.quorum_for(party, "executive", 12).required == 4
    assert rulebook.quorum_for(party, "executive", 13).required == 5
    assert rulebook.quorum_for(party, "executive", 13).text == (
        "1/3 of 13 eligible members, at least 3: 5"
    )


def test_check_quorum_and_bad_counts(party):
    assert rulebook.check_quorum(party, "agm", eligible=2000, present=100).allowed
    short = rulebook.check_quorum(party, "agm", eligible=2000, present=99)
    assert not short.allowed
    assert short.reasons[0].text == (
        "99 are present; the quorum is 5% of 2,000 eligible members, at least 5: 100"
    )
    for bad in (-1, 2.5, True):
        with pytest.raises(rulebook.RulebookError, match="eligible count"):
            rulebook.quorum_for(party, "agm", bad)


@given(st.integers(0, 10**7), st.integers(0, 10**7))
def test_quorum_is_monotone_and_exact(a, b):
    party = rulebook.preset("party")
    for kind in party.meeting_kinds:
        low, high = sorted((a, b))
        q_low = rulebook.quorum_for(party, kind.slug, low).required
        q_high = rulebook.quorum_for(party, kind.slug, high).required
        assert q_low <= q_high
        share = kind.quorum.share
        # The smallest whole number at least share × eligible, and never below the floor.
        assert q_high >= share * high
        assert q_high >= kind.quorum.minimum
        assert q_high == kind.quorum.minimum or q_high - 1 < share * high


def test_quorum_share_is_exact(party):
    assert party.meeting_kind("agm").quorum.share == Fraction(1, 20)
    assert party.meeting_kind("executive").quorum.share == Fraction(1, 3)


def test_inquorate_business(party):
    assert rulebook.check_inquorate_business(party, "agm", "apologies").allowed
    assert rulebook.check_inquorate_business(party, "agm", "speaker").allowed
    refused = rulebook.check_inquorate_business(party, "agm", "motion")
    assert not refused.allowed
    assert refused.reasons[0].text == (
        "an inquorate annual general meeting may not take motion business; clause 7.6.1 allows "
        "only apologies, speaker and training"
    )
    election = rulebook.check_inquorate_business(party, "executive", "election")
    assert election.reasons[0].text.endswith("clause 7.9.3 allows only apologies")
    with pytest.raises(rulebook.RulebookError, match="agenda item kind 'vote' is not one of"):
        rulebook.check_inquorate_business(party, "agm", "vote")


def test_motion_deadline(party):
    days = party.meeting_kind("agm").motion_deadline_days
    clause = party.meeting_kind("agm").deadline_clause
    assert rulebook.check_motion_deadline(
        party, "agm", meeting_date=AGM, tabled_on=AGM - days * DAY
    ).allowed
    late = rulebook.check_motion_deadline(party, "agm", meeting_date=AGM, tabled_on=AGM - 3 * DAY)
    assert not late.allowed
    assert late.reasons[0].text == (
        f"motion received 3 days before the annual general meeting; clause {clause} needs "
        f"{days} (the deadline was 6 June 2026)"
    )
    after = rulebook.check_motion_deadline(party, "agm", meeting_date=AGM, tabled_on=AGM + DAY)
    assert not after.allowed
    assert after.reasons[0].text == (
        "motion received 1 day after the annual general meeting; it was due by 6 June 2026"
    )


def test_nomination_deadline(party):
    kind = party.meeting_kind("general")
    on_time = rulebook.check_nomination_deadline(
        party,
        "general",
        meeting_date=AGM,
        nominated_on=AGM - kind.nomination_deadline_days * DAY,
    )
    assert on_time.allowed
    assert on_time.reasons[0].clause == kind.deadline_clause
    late = rulebook.check_nomination_deadline(
        party, "general", meeting_date=AGM, nominated_on=AGM - DAY
    )
    assert not late.allowed
    assert late.reasons[0].text.startswith("nomination received 1 day before the general meeting")
