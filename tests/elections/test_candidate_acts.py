"""A candidate does not open, close or declare their own election (issue 9 review, finding 3):
not through the action, the election's pages, the API, nor by closing the election's poll from
the poll's page or the polls API. Here the candidate is the election's returning officer (so
every permission lets them act); another officer then does each step."""

from __future__ import annotations

import json
from typing import Any

import pytest

from moot.elections.actions import (
    ElectionError,
    do_close_election,
    do_declare_result,
    do_open_election,
)
from moot.elections.models import ElectionState
from moot.polls.actions import do_cast_ballot
from moot.polls.errors import PollError
from moot.polls.models import PollState

from .conftest import make_member, stand

pytestmark = pytest.mark.django_db


def post_json(client: Any, url: str) -> Any:
    return client.post(url, json.dumps({}), content_type="application/json")


@pytest.fixture
def race(unit: Any, officer: Any, election_factory: Any) -> dict[str, Any]:
    """A contested election whose returning officer is one of its two candidates."""
    candidate = make_member(unit, first_name="Cass")
    rival = make_member(unit, first_name="Rory")
    election = election_factory("policy-officer", method="irv", returning_officer=candidate.user)
    stand(election, candidate, officer=officer)
    stand(election, rival, officer=officer)
    election.refresh_from_db()
    assert candidate.user.has_perm("elections.manage_election", election)
    return {"election": election, "candidate": candidate, "rival": rival}


def _opened(race: dict[str, Any], officer: Any) -> Any:
    election = do_open_election(race["election"], acting_user=officer)
    option_of = dict(election.nominations.values_list("nominee_id", "poll_option_id"))
    for voter in (race["candidate"], race["rival"]):
        do_cast_ballot(election.poll, voter, [option_of[race["rival"].pk]], acting_user=voter.user)
    return election


def test_the_actions_refuse_a_candidate_at_each_step_and_another_officer_acts(
    race: dict[str, Any], officer: Any
) -> None:
    election, candidate = race["election"], race["candidate"]
    with pytest.raises(ElectionError, match="You are a candidate in this election") as refused:
        do_open_election(election, acting_user=candidate.user)
    assert refused.value.code == "forbidden"
    election.refresh_from_db()
    assert election.state == ElectionState.NOMINATIONS
    assert election.poll_id is None

    election = _opened(race, officer)
    with pytest.raises(ElectionError, match="cannot close its vote"):
        do_close_election(election, acting_user=candidate.user)
    election.poll.refresh_from_db()
    assert election.poll.state == PollState.OPEN

    election = do_close_election(election, acting_user=officer)
    with pytest.raises(ElectionError, match="cannot declare its result"):
        do_declare_result(election, acting_user=candidate.user)
    election.refresh_from_db()
    assert election.state != ElectionState.DECLARED
    election = do_declare_result(election, acting_user=officer)
    assert election.state == ElectionState.DECLARED


def test_the_pages_refuse_a_candidate(client: Any, race: dict[str, Any], officer: Any) -> None:
    election, candidate = race["election"], race["candidate"]
    client.force_login(candidate.user)
    response = client.post(f"/elections/{election.pk}/open/", follow=True)
    assert "You are a candidate in this election" in response.content.decode()
    election.refresh_from_db()
    assert election.poll_id is None

    election = _opened(race, officer)
    response = client.post(f"/elections/{election.pk}/close/", follow=True)
    assert "cannot close its vote" in response.content.decode()
    election.poll.refresh_from_db()
    assert election.poll.state == PollState.OPEN

    # Closing the election's poll from the poll's own page is refused the same way, and the
    # count is undone (the poll stays open, nothing stored).
    response = client.post(f"/polls/{election.poll_id}/close/", follow=True)
    assert response.status_code == 200
    assert "cannot close its vote" in response.content.decode()
    election.poll.refresh_from_db()
    assert election.poll.state == PollState.OPEN
    assert not election.poll.result

    election = do_close_election(election, acting_user=officer)
    response = client.post(f"/elections/{election.pk}/declare/", follow=True)
    assert "cannot declare its result" in response.content.decode()
    election.refresh_from_db()
    assert election.state != ElectionState.DECLARED


def test_the_api_refuses_a_candidate(client: Any, race: dict[str, Any], officer: Any) -> None:
    election, candidate = race["election"], race["candidate"]
    client.force_login(candidate.user)
    opened = post_json(client, f"/api/elections/{election.pk}/open")
    assert opened.status_code == 403
    assert "You are a candidate" in opened.json()["detail"]

    election = _opened(race, officer)
    for url in (f"/api/elections/{election.pk}/close", f"/api/polls/{election.poll_id}/close"):
        closed = post_json(client, url)
        assert closed.status_code == 403, url
        assert "cannot close its vote" in closed.json()["detail"]
    election.poll.refresh_from_db()
    assert election.poll.state == PollState.OPEN

    election = do_close_election(election, acting_user=officer)
    declared = post_json(client, f"/api/elections/{election.pk}/declare")
    assert declared.status_code == 403
    election.refresh_from_db()
    assert election.state != ElectionState.DECLARED


def test_a_poll_that_decides_no_election_is_closed_by_anyone_who_manages_it(
    race: dict[str, Any], officer: Any
) -> None:
    """The polls hook refuses only for an election's own poll: closing another poll is not
    affected (a member who stands somewhere closes a motion's vote as before)."""
    from moot.elections.providers import refuse_a_candidate_closing

    election = _opened(race, officer)
    with pytest.raises(PollError, match="cannot close its vote"):
        refuse_a_candidate_closing(election.poll, race["candidate"].user)
    refuse_a_candidate_closing(election.poll, officer)  # the officer stands in nothing
    election.poll.pk = election.poll.pk + 10_000  # a poll no election points at
    refuse_a_candidate_closing(election.poll, race["candidate"].user)


def _actions(client: Any, election: Any) -> str:
    page = client.get(f"/elections/{election.pk}/").content.decode()
    return page.split('<div class="actions">', 1)[1].split("</div>", 1)[0]


def test_the_page_offers_a_manager_only_what_the_actions_would_do(
    client: Any, race: dict[str, Any], officer: Any, unit: Any, election_factory: Any
) -> None:
    """Finding 3 and 11: a candidate sees why, not the buttons; no "Declare the result" before
    a contested vote; an unopposed election offers its declaration, not a vote; a meeting that
    is not in progress says so instead of offering to open the vote."""
    election, candidate = race["election"], race["candidate"]
    client.force_login(candidate.user)
    page = client.get(f"/elections/{election.pk}/").content.decode()
    assert 'id="you-stand"' in page
    assert "You are a candidate in this election" in page
    assert "Close nominations and open the vote" not in _actions(client, election)

    client.force_login(officer)
    actions = _actions(client, election)
    assert "Close nominations and open the vote" in actions
    assert "Declare" not in actions  # contested: nothing to declare before the vote
    election = _opened(race, officer)
    actions = _actions(client, election)
    assert "Close the vote and count" in actions
    assert "Declare" not in actions
    client.force_login(candidate.user)
    assert "Close the vote and count" not in _actions(client, election)
    client.force_login(officer)
    do_close_election(election, acting_user=officer)
    assert "Declare the result…" in _actions(client, election)

    unopposed = election_factory("treasurer", method="irv")
    stand(unopposed, make_member(unit), officer=officer)
    actions = _actions(client, unopposed)
    assert "open the vote" not in actions
    assert "Declare the candidates elected unopposed" in actions


def test_the_page_says_why_the_vote_cannot_open_at_an_adjourned_meeting(
    client: Any, unit: Any, officer: Any
) -> None:
    import datetime

    from django.utils import timezone

    from moot.elections.actions import do_create_election
    from moot.meetings.actions import do_add_agenda_item, do_create_meeting
    from moot.meetings.models import Meeting

    from .conftest import post_of, today

    days = datetime.timedelta(days=1)
    meeting = do_create_meeting(
        unit=unit,
        kind="agm",
        title="Annual general meeting",
        location="Lockside Community Hall",
        starts_at=timezone.now() + datetime.timedelta(minutes=1),
        notice_sent_on=today() - 30 * days,
        acting_user=officer,
    )
    item = do_add_agenda_item(
        meeting, kind="election", title="Election of officers", acting_user=officer
    )
    election = do_create_election(
        post=post_of(unit, "policy-officer"),
        meeting=meeting,
        agenda_item=item,
        method="plurality",
        nominations_open_on=today() - 30 * days,
        nominations_close_on=today() - 14 * days,
        acting_user=officer,
    )
    for _ in range(2):
        stand(election, make_member(unit), officer=officer, on=today() - 20 * days)
    client.force_login(officer)
    Meeting.objects.filter(pk=meeting.pk).update(state="adjourned")
    page = client.get(f"/elections/{election.pk}/").content.decode()
    assert "The meeting is adjourned: resume it" in page
    assert "open the vote</button>" not in page
    assert "The meeting has closed" not in page
