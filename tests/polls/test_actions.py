"""Casting, refusing and closing, through the actions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from moot.audit.models import AuditEvent
from moot.polls.actions import (
    ALREADY_VOTED,
    PollError,
    do_cast_ballot,
    do_close_poll,
    do_create_poll,
    do_enter_teller_counts,
    do_open_poll,
)
from moot.polls.models import NamedVote, Participation, SecretBallot, TellerCount
from moot.polls.queries import turnout
from moot.polls.sealing import is_sealed, unseal

pytestmark = pytest.mark.django_db


def ids(poll: Any, *labels: str) -> list[int]:
    by_label = {o.label: o.pk for o in poll.options.all()}
    return [by_label[label] for label in labels]


def test_cast_writes_participation_and_anonymous_ballot(open_poll: Any, voters: list[Any]) -> None:
    poll = open_poll()
    do_cast_ballot(poll, voters[0], ids(poll, "Ben", "Ada"), acting_user=voters[0].user)
    assert Participation.objects.filter(poll=poll, member=voters[0]).count() == 1
    (ballot,) = SecretBallot.objects.filter(poll=poll)
    # Sealed while the poll is open (moot.polls.sealing): the choice is not in the database.
    assert is_sealed(ballot.content)
    assert json.loads(unseal(poll.pk, poll.opened_at, ballot.content)) == ids(poll, "Ben", "Ada")
    assert turnout(poll).voted == 1
    assert turnout(poll).eligible == len(voters)
    # A dated audit event per secret vote would time each participation: there is none.
    assert not AuditEvent.objects.filter(verb__contains="cast").exists()
    assert not AuditEvent.objects.filter(actor=voters[0].user).exists()


def test_second_vote_is_refused_and_nothing_is_half_recorded(
    open_poll: Any, voters: list[Any]
) -> None:
    poll = open_poll()
    voter = voters[0]
    do_cast_ballot(poll, voter, ids(poll, "Ada"), acting_user=voter.user)
    with pytest.raises(PollError, match=ALREADY_VOTED):
        do_cast_ballot(poll, voter, ids(poll, "Cal"), acting_user=voter.user)
    assert SecretBallot.objects.filter(poll=poll).count() == 1
    assert Participation.objects.filter(poll=poll).count() == 1
    assert str(PollError(ALREADY_VOTED)) == "You have already voted in this poll."


def test_invalid_choice_writes_nothing(open_poll: Any, voters: list[Any]) -> None:
    poll = open_poll()
    ada, ben, _ = ids(poll, "Ada", "Ben", "Cal")
    with pytest.raises(PollError, match=r"You gave rank 2 to two candidates \(Ada and Ben\)"):
        do_cast_ballot(poll, voters[0], {ada: "2", ben: "2"}, acting_user=voters[0].user)
    with pytest.raises(PollError, match="You gave rank 3 but no rank 2"):
        do_cast_ballot(poll, voters[0], {ada: "1", ben: "3"}, acting_user=voters[0].user)
    with pytest.raises(PollError, match="Rank at least one candidate"):
        do_cast_ballot(poll, voters[0], {ada: "", ben: ""}, acting_user=voters[0].user)
    with pytest.raises(PollError, match="not one of the choices"):
        do_cast_ballot(poll, voters[0], [999_999], acting_user=voters[0].user)
    assert not Participation.objects.filter(poll=poll).exists()
    assert not SecretBallot.objects.filter(poll=poll).exists()
    # The form's mapping is read in rank order, blanks ignored.
    do_cast_ballot(poll, voters[0], {ada: "2", ben: "1", 0: ""}, acting_user=voters[0].user)
    stored = SecretBallot.objects.get(poll=poll).content
    assert json.loads(unseal(poll.pk, poll.opened_at, stored)) == [ben, ada]


def test_vote_after_close_says_when_it_closed(
    open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    do_cast_ballot(poll, voters[0], ids(poll, "Ada"), acting_user=voters[0].user)
    do_close_poll(poll, acting_user=manager)
    with pytest.raises(PollError, match=r"This poll closed at \w+ \d+ \w+ \d{4}, \d\d:\d\d"):
        do_cast_ballot(poll, voters[1], ids(poll, "Ada"), acting_user=voters[1].user)
    assert Participation.objects.filter(poll=poll).count() == 1


def test_draft_poll_takes_no_votes(unit: Any, voters: list[Any], manager: Any) -> None:
    poll = do_create_poll(
        title="Draft",
        kind="election",
        method="scottish-stv",
        options=["A", "B"],
        unit=unit,
        acting_user=manager,
    )
    with pytest.raises(PollError, match="not open yet"):
        do_cast_ballot(poll, voters[0], ids(poll, "A"), acting_user=voters[0].user)


def test_voter_outside_the_electorate_is_refused(
    open_poll: Any, unit: Any, make_voter: Any
) -> None:
    poll = open_poll()
    outsider = make_voter(unit)
    with pytest.raises(PollError, match="You are not in the electorate of this poll"):
        do_cast_ballot(poll, outsider, ids(poll, "Ada"), acting_user=outsider.user)
    assert not Participation.objects.filter(poll=poll).exists()


def test_ineligible_voter_is_refused_with_reason_and_clause(
    open_poll: Any, voters: list[Any]
) -> None:
    poll = open_poll()
    poll.entitlements.filter(member=voters[1]).update(
        eligible=False, reason="suspended pending investigation", clause="2.I.1.B"
    )
    with pytest.raises(PollError) as refused:
        do_cast_ballot(poll, voters[1], ids(poll, "Ada"), acting_user=voters[1].user)
    assert refused.value.message == "suspended pending investigation"
    assert refused.value.clause == "2.I.1.B"
    assert str(refused.value) == "suspended pending investigation (clause 2.I.1.B)"


def test_nobody_votes_on_someone_elses_behalf(
    open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    with pytest.raises(PollError, match="only your own vote"):
        do_cast_ballot(poll, voters[0], ids(poll, "Ada"), acting_user=voters[1].user)
    with pytest.raises(PollError, match="only your own vote"):
        do_cast_ballot(poll, voters[0], ids(poll, "Ada"), acting_user=manager)
    assert not Participation.objects.filter(poll=poll).exists()


def test_named_vote_is_stored_openly(open_poll: Any, voters: list[Any]) -> None:
    poll = open_poll(secret=False)
    do_cast_ballot(poll, voters[2], ids(poll, "Cal", "Ada"), acting_user=voters[2].user)
    vote = NamedVote.objects.get(poll=poll)
    assert vote.member == voters[2]
    assert json.loads(vote.content) == ids(poll, "Cal", "Ada")
    assert not SecretBallot.objects.filter(poll=poll).exists()
    with pytest.raises(PollError, match=ALREADY_VOTED):
        do_cast_ballot(poll, voters[2], ids(poll, "Ada"), acting_user=voters[2].user)


def test_close_counts_by_the_registry_method_and_hides_nothing_afterwards(
    open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll(seats=1)
    ada, ben, cal = ids(poll, "Ada", "Ben", "Cal")
    for voter, ranking in zip(
        voters, [[ada], [ada, ben], [ben, ada], [cal, ben], [cal, ada]], strict=True
    ):
        do_cast_ballot(poll, voter, ranking, acting_user=voter.user)
    keys_before = set(SecretBallot.objects.filter(poll=poll).values_list("id", flat=True))
    poll = do_close_poll(poll, acting_user=manager)
    # Ben is excluded first (1 first preference); his ballot goes to Ada: Ada 3, Cal 2.
    assert poll.result["elected"] == ["Ada"]
    assert poll.result["ballots"] == 5
    assert poll.result["participations"] == 5
    assert poll.result["eligible"] == 5
    assert poll.result["count"]["elected"] == ["Ada"]
    assert "Ada" in poll.result_text
    assert poll.result_chart_svg.lstrip().startswith("<")
    keys_after = set(SecretBallot.objects.filter(poll=poll).values_list("id", flat=True))
    assert len(keys_after) == 5
    assert not keys_before & keys_after  # re-inserted with fresh random keys
    with pytest.raises(PollError, match="already closed"):
        do_close_poll(poll, acting_user=manager)


def test_close_with_no_votes(open_poll: Any, manager: Any) -> None:
    poll = do_close_poll(open_poll(), acting_user=manager)
    assert poll.result["ballots"] == 0
    assert poll.result["note"] == "No votes were cast."


def test_show_of_hands_counts_are_validated(unit: Any, voters: list[Any], manager: Any) -> None:
    poll = do_create_poll(
        title="Adopt the report",
        kind="motion",
        method="plurality",
        options=["For", "Against"],
        voting="show_of_hands",
        unit=unit,
        acting_user=manager,
    )
    with pytest.raises(PollError, match="Enter the counts while the vote is open"):
        do_enter_teller_counts(poll, {"1": 1}, acting_user=manager)
    poll = do_open_poll(poll, electorate=voters, acting_user=manager)
    for_, against = ids(poll, "For", "Against")
    with pytest.raises(PollError, match="the tellers enter the counts"):
        do_cast_ballot(poll, voters[0], [for_], acting_user=voters[0].user)
    with pytest.raises(PollError, match="add up to 6, but only 5 eligible members are present"):
        do_enter_teller_counts(poll, {for_: 4, against: 2}, acting_user=manager)
    with pytest.raises(PollError, match="cannot be negative"):
        do_enter_teller_counts(poll, {for_: -1}, acting_user=manager)
    with pytest.raises(PollError, match="must be a whole number"):
        do_enter_teller_counts(poll, {for_: "three"}, acting_user=manager)
    assert not TellerCount.objects.filter(poll=poll).exists()
    do_enter_teller_counts(poll, {for_: 3, against: 1}, acting_user=manager)
    assert turnout(poll).voted == 4
    poll = do_close_poll(poll, acting_user=manager)
    assert poll.result["elected"] == ["For"]
    assert poll.result["ballots"] == 4


def test_ranked_ballot_cannot_be_taken_by_show_of_hands(unit: Any, manager: Any) -> None:
    with pytest.raises(PollError, match="Tellers can count only yes/no or single-choice"):
        do_create_poll(
            title="Chair",
            kind="election",
            method="scottish-stv",
            options=["A", "B"],
            voting="show_of_hands",
            unit=unit,
            acting_user=manager,
        )
    with pytest.raises(PollError, match="unknown method 'no-such-method'"):
        do_create_poll(
            title="Chair",
            kind="election",
            method="no-such-method",
            options=["A", "B"],
            unit=unit,
            acting_user=manager,
        )
    with pytest.raises(PollError, match="Unknown tie-break 'coin'"):
        do_create_poll(
            title="Chair",
            kind="election",
            method="scottish-stv",
            options=["A", "B"],
            tie_break="coin",
            unit=unit,
            acting_user=manager,
        )
    with pytest.raises(PollError, match="A random tie-break needs a published seed"):
        do_create_poll(
            title="Chair",
            kind="election",
            method="scottish-stv",
            options=["A", "B"],
            tie_break="random",
            unit=unit,
            acting_user=manager,
        )
    with pytest.raises(PollError, match="2 seats but only 1 candidates"):
        do_create_poll(
            title="Chair",
            kind="election",
            method="scottish-stv",
            options=["A"],
            seats=2,
            unit=unit,
            acting_user=manager,
        )


def test_unit_electorate_is_frozen_with_the_rulebooks_reasons(
    unit: Any, make_voter: Any, manager: Any
) -> None:
    member = make_voter(unit)
    newcomer = make_voter(unit, joined_weeks_ago=1)
    suspended = make_voter(unit, suspended=True)
    poll = do_create_poll(
        title="Policy officer",
        kind="election",
        method="scottish-stv",
        options=["A", "B"],
        unit=unit,
        acting_user=manager,
    )
    poll = do_open_poll(poll, acting_user=manager)
    rows = {e.member_id: e for e in poll.entitlements.all()}
    assert rows[member.pk].eligible
    assert not rows[suspended.pk].eligible
    assert rows[suspended.pk].reason
    assert poll.electorate_size == sum(1 for e in rows.values() if e.eligible)
    with pytest.raises(PollError) as refused:
        do_cast_ballot(poll, suspended, ids(poll, "A"), acting_user=suspended.user)
    assert refused.value.message == rows[suspended.pk].reason
    assert refused.value.clause == rows[suspended.pk].clause
    assert newcomer.pk in rows
