"""Nominations, consent, eligibility, reserved posts, job shares, withdrawal and the vote."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from moot.audit.models import AuditEvent
from moot.elections.actions import (
    ElectionError,
    do_answer_nomination,
    do_create_election,
    do_nominate,
    do_open_election,
    do_second_nomination,
    do_withdraw_nomination,
)
from moot.elections.models import ElectionState, NominationState
from moot.meetings.models import Meeting

from .conftest import make_member, post_of, stand, today

DAY = datetime.timedelta(days=1)


def _nominate(election: Any, nominee: Any, *, acting_user: Any, on: Any = None, **kw: Any) -> Any:
    unit = election.unit
    kw.setdefault("nominator", make_member(unit))
    kw.setdefault("seconder", make_member(unit))
    return do_nominate(
        election,
        nominee=nominee,
        on=on or election.nominations_open_on,
        acting_user=acting_user,
        **kw,
    )


# --- the window ------------------------------------------------------------------------------


def test_nominations_are_taken_only_inside_the_window(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory()
    nominee = make_member(unit)
    with pytest.raises(ElectionError, match="Nominations open on"):
        _nominate(election, nominee, acting_user=officer, on=election.nominations_open_on - DAY)
    with pytest.raises(ElectionError, match="Nominations closed on"):
        _nominate(election, nominee, acting_user=officer, on=election.nominations_close_on + DAY)
    nomination = _nominate(election, nominee, acting_user=officer, on=election.nominations_close_on)
    assert nomination.state == NominationState.AWAITING_CONSENT  # a paper nomination is seconded


def _agm(unit: Any, days_ahead: int) -> Meeting:
    return Meeting.objects.create(
        unit=unit,
        kind="agm",
        title="Annual general meeting",
        starts_at=timezone.now() + datetime.timedelta(days=days_ahead),
        edition_name="preset",
    )


def test_a_window_closing_after_the_rulebooks_deadline_is_refused_with_the_clause(
    unit: Any, officer: Any
) -> None:
    meeting = _agm(unit, 30)
    meeting_day = timezone.localdate(meeting.starts_at)
    with pytest.raises(ElectionError) as refused:
        do_create_election(
            post=post_of(unit, "chair"),
            meeting=meeting,
            method="irv",
            nominations_open_on=today(),
            nominations_close_on=meeting_day - datetime.timedelta(days=5),
            acting_user=officer,
        )
    assert refused.value.clause == "7.5.4"
    assert "too late" in str(refused.value)
    election = do_create_election(
        post=post_of(unit, "chair"),
        meeting=meeting,
        method="irv",
        nominations_open_on=today(),
        nominations_close_on=meeting_day - datetime.timedelta(days=14),
        acting_user=officer,
    )
    assert election.election_date == meeting_day
    assert AuditEvent.objects.filter(verb="elections.create_election", clause="7.5.4").exists()


def test_single_seat_methods_refuse_several_seats_and_unknown_methods(
    election_factory: Any,
) -> None:
    with pytest.raises(ElectionError, match="Unknown method"):
        election_factory(method="borda")
    with pytest.raises(ElectionError, match="1 seat"):
        election_factory(method="scottish-stv", seats=2)


# --- nominator, seconder, consent --------------------------------------------------------------


def test_a_member_nominates_in_their_own_name_and_the_seconder_confirms(
    election_factory: Any, unit: Any
) -> None:
    election = election_factory()
    nominator, seconder, nominee, stranger = (make_member(unit) for _ in range(4))
    with pytest.raises(ElectionError, match="only in your own name"):
        _nominate(
            election, nominee, nominator=nominator, seconder=seconder, acting_user=stranger.user
        )
    with pytest.raises(ElectionError, match="two different members"):
        _nominate(
            election, nominee, nominator=nominator, seconder=nominator, acting_user=nominator.user
        )
    with pytest.raises(ElectionError, match="cannot nominate or second themselves"):
        _nominate(
            election, nominator, nominator=nominator, seconder=seconder, acting_user=nominator.user
        )
    nomination = _nominate(
        election, nominee, nominator=nominator, seconder=seconder, acting_user=nominator.user
    )
    assert nomination.state == NominationState.AWAITING_SECONDER
    with pytest.raises(ElectionError, match="Only the seconder"):
        do_second_nomination(nomination, acting_user=nominator.user)
    nomination = do_second_nomination(nomination, acting_user=seconder.user)
    assert nomination.state == NominationState.AWAITING_CONSENT
    with pytest.raises(ElectionError, match="Only the nominee"):
        do_answer_nomination(nomination, accept=True, acting_user=nominator.user)
    nomination = do_answer_nomination(
        nomination, accept=True, statement="  I will listen.  ", acting_user=nominee.user
    )
    assert nomination.state == NominationState.STANDING
    assert nomination.statement == "I will listen."
    with pytest.raises(ElectionError, match="already nominated"):
        _nominate(
            election,
            nominee,
            acting_user=nominator.user,
            nominator=nominator,
            seconder=make_member(unit),
        )


def test_a_nominee_may_decline(election_factory: Any, unit: Any, officer: Any) -> None:
    election = election_factory()
    nominee = make_member(unit)
    nomination = _nominate(election, nominee, acting_user=officer)
    nomination = do_answer_nomination(nomination, accept=False, acting_user=nominee.user)
    assert nomination.state == NominationState.DECLINED
    answers = AuditEvent.objects.filter(verb="elections.answer_nomination")
    assert [event.after["state"] for event in answers] == [NominationState.DECLINED]
    # Declined: they may be nominated again.
    again = _nominate(election, nominee, acting_user=officer)
    assert again.state == NominationState.AWAITING_CONSENT


def test_statements_have_a_length_limit(election_factory: Any, unit: Any, officer: Any) -> None:
    election = election_factory(statement_limit=200)
    nominee = make_member(unit)
    nomination = _nominate(election, nominee, acting_user=officer)
    with pytest.raises(ElectionError, match=r"allows 200\. Shorten it by 1"):
        do_answer_nomination(nomination, accept=True, statement="x" * 201, acting_user=nominee.user)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.AWAITING_CONSENT  # nothing half-recorded


# --- eligibility --------------------------------------------------------------------------------


def test_an_ineligible_nominee_is_refused_with_reason_and_clause(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory()
    newcomer = make_member(unit, joined_weeks_ago=20)
    with pytest.raises(ElectionError) as refused:
        _nominate(election, newcomer, acting_user=officer)
    assert refused.value.clause == "7.4"
    assert refused.value.code == "ineligible"
    assert newcomer.full_name in str(refused.value)


def test_a_member_nominator_is_told_only_that_the_rulebook_refuses(
    election_factory: Any, unit: Any
) -> None:
    """A nominator may not see another member's record (a suspension, a lapse)."""
    election = election_factory()
    suspended = make_member(unit, suspended=True, status_weeks_ago=2)
    nominator, seconder = make_member(unit), make_member(unit)
    with pytest.raises(ElectionError) as refused:
        _nominate(
            election, suspended, nominator=nominator, seconder=seconder, acting_user=nominator.user
        )
    assert "No member who may stand" in str(refused.value)
    assert "suspend" not in str(refused.value).lower()
    assert refused.value.clause == ""


def test_an_ineligible_nominator_is_refused_with_the_clause(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory()
    with pytest.raises(ElectionError) as refused:
        _nominate(
            election,
            make_member(unit),
            nominator=make_member(unit, joined_weeks_ago=2),
            acting_user=officer,
        )
    assert refused.value.clause == "7.4.2"
    assert "nominator" in str(refused.value)


# --- reserved post -------------------------------------------------------------------------------


def test_a_post_reserved_for_women_accepts_only_women(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory("womens-officer")
    man, woman = make_member(unit), make_member(unit, woman=True)
    # The officer may see the self-described gender: refused at once, with the clause.
    with pytest.raises(ElectionError) as refused:
        _nominate(election, man, acting_user=officer)
    assert refused.value.clause == "7.7.5"
    # A member nominating cannot see it: the nomination is taken and the nominee is refused
    # when consenting — told privately, with the clause.
    nominator, seconder = make_member(unit), make_member(unit)
    nomination = _nominate(
        election, man, nominator=nominator, seconder=seconder, acting_user=nominator.user
    )
    do_second_nomination(nomination, acting_user=seconder.user)
    with pytest.raises(ElectionError) as at_consent:
        do_answer_nomination(nomination, accept=True, acting_user=man.user)
    assert at_consent.value.clause == "7.7.5"
    assert "reserved for women" in str(at_consent.value)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.AWAITING_CONSENT
    standing = stand(election, woman, officer=officer)
    assert standing.state == NominationState.STANDING


# --- job shares -----------------------------------------------------------------------------------


def test_job_shares_only_where_the_post_allows_and_of_two_people(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    chair = election_factory("chair")
    a, b = make_member(unit, woman=True), make_member(unit)
    with pytest.raises(ElectionError) as refused:
        _nominate(chair, a, partner=b, acting_user=officer)
    assert refused.value.clause == "7.7.4"
    secretary = election_factory("secretary")
    with pytest.raises(ElectionError, match="two different people"):
        _nominate(secretary, a, partner=a, acting_user=officer)
    nomination = _nominate(secretary, a, partner=b, acting_user=officer)
    assert nomination.label == f"{a.full_name} and {b.full_name} (job share)"
    do_answer_nomination(nomination, accept=True, acting_user=a.user)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.AWAITING_CONSENT  # the partner has not answered
    nomination = do_answer_nomination(nomination, accept=True, acting_user=b.user)
    assert nomination.state == NominationState.STANDING
    with pytest.raises(ElectionError, match="already nominated"):
        _nominate(secretary, b, acting_user=officer)


# --- withdrawal and opening ----------------------------------------------------------------


def test_withdrawal_before_the_vote_opens_and_not_after(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory()
    candidates = [stand(election, make_member(unit), officer=officer) for _ in range(4)]
    with pytest.raises(ElectionError, match="Say on what authority"):
        do_withdraw_nomination(candidates[0], acting_user=officer)
    do_withdraw_nomination(candidates[0], acting_user=candidates[0].nominee.user)
    election = do_open_election(election, acting_user=officer)
    assert election.state == ElectionState.BALLOT
    assert election.poll.is_open
    assert [o.label for o in election.poll.options.all()] == [c.label for c in candidates[1:]]
    with pytest.raises(ElectionError, match="can no longer withdraw"):
        do_withdraw_nomination(candidates[1], acting_user=candidates[1].nominee.user)


def test_the_vote_opens_only_after_nominations_close_and_when_contested(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory(
        nominations_open_on=today() - 3 * DAY,
        nominations_close_on=today(),
        election_date=today() + 2 * DAY,
    )
    stand(election, make_member(unit), officer=officer)
    with pytest.raises(ElectionError, match="Nominations are open until"):
        do_open_election(election, acting_user=officer)
    with pytest.raises(ElectionError, match="elected unopposed"):
        do_open_election(election, on=today() + DAY, acting_user=officer)
