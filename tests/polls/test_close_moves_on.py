"""Closing a poll from anywhere moves on what it decides, through one place (``do_close_poll``
calls ``polls.hooks.after_close``): an amendment's vote closed from the poll's page, the API or
the motion's page leaves the amendment carried or lost — never "being voted on" — and the motion
free to be put; a motion's own poll records its outcome; a challenge's poll applies the
challenge; an election's poll leaves the election counted and ready to declare. The poll's page
links to what it decides."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from moot.audit.models import AuditEvent
from moot.motions import queries
from moot.motions.actions import (
    do_challenge_ruling,
    do_close_amendment_vote,
    do_open_amendment_vote,
    do_open_motion_vote,
    do_propose_amendment,
    do_rule_on_motion,
)
from moot.motions.models import AmendmentState, ChallengeOutcome, MotionState
from moot.polls.actions import do_close_poll, do_enter_teller_counts
from motions.conftest import assembly, check_in, table  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _close_by(entry: str, client: Any, poll: Any, amendment: Any, user: Any) -> None:
    """Close ``poll`` (the amendment's) as ``user`` through ``entry``."""
    client.force_login(user)
    if entry == "action":
        do_close_poll(poll, acting_user=user)
    elif entry == "poll page":
        response = client.post(reverse("polls:close", args=[poll.pk]))
        assert response.status_code == 302
    elif entry == "api":
        response = client.post(
            f"/api/polls/{poll.pk}/close", json.dumps({}), content_type="application/json"
        )
        assert response.status_code == 200, response.content
    elif entry == "motion page":
        response = client.post(reverse("motions:close_amendment_vote", args=[amendment.pk]))
        assert response.status_code == 302
    elif entry == "motions action":
        do_close_amendment_vote(amendment, acting_user=user)
    else:  # pragma: no cover - a typo in the parameters below
        raise AssertionError(entry)


@pytest.fixture
def amendment_vote(assembly: Any, table: Any, check_in: Any) -> Any:  # noqa: F811
    """A motion with one amendment (a preamble) put to a show of hands, the tellers' counts
    entered: ``amendment_vote(yes, no) -> (motion, amendment)``."""

    def make(yes: int, no: int) -> tuple[Any, Any]:
        check_in(assembly.meeting, 10)
        motion = table(title="Restore the Hollow bus", text="The bus was cut.\n\nRestore it.")
        amendment = do_propose_amendment(
            motion,
            action="insert",
            line_from=0,
            text="Preamble.",
            mover=assembly.member,
            acting_user=assembly.member.user,
        )
        amendment = do_open_amendment_vote(amendment, acting_user=assembly.chair.user)
        do_enter_teller_counts(
            amendment.poll, {"yes": yes, "no": no}, acting_user=assembly.chair.user
        )
        return motion, amendment

    return make


@pytest.mark.parametrize("entry", ["action", "poll page", "api", "motion page", "motions action"])
@pytest.mark.parametrize("counts", [(6, 3, "carried"), (3, 6, "lost")])
def test_an_amendment_vote_closed_from_anywhere_settles_the_amendment(
    client: Any,
    assembly: Any,  # noqa: F811
    amendment_vote: Any,
    entry: str,
    counts: tuple[int, int, str],
) -> None:
    yes, no, outcome = counts
    motion, amendment = amendment_vote(yes, no)
    poll = amendment.poll

    _close_by(entry, client, poll, amendment, assembly.chair.user)

    amendment.refresh_from_db()
    poll.refresh_from_db()
    assert poll.state == "closed"
    assert amendment.state == outcome
    assert amendment.state != AmendmentState.VOTING
    assert (amendment.votes_yes, amendment.votes_no) == (yes, no)
    assert queries.text_as_amended(motion).startswith("Preamble.") is (outcome == "carried")
    # Settled once, whichever way it was closed.
    events = AuditEvent.objects.filter(verb="motions.close_amendment_vote", object_id=amendment.pk)
    assert events.count() == 1
    page = client.get(reverse("motions:detail", args=[motion.pk])).content.decode()
    assert "being voted on" not in page
    # The motion is no longer blocked by its amendment: it can be put.
    motion = do_open_motion_vote(motion, acting_user=assembly.chair.user)
    assert motion.state == MotionState.DEBATED


@pytest.mark.parametrize("entry", ["poll page", "api"])
def test_a_motions_own_poll_closed_elsewhere_records_its_outcome(
    client: Any,
    assembly: Any,  # noqa: F811
    table: Any,  # noqa: F811
    check_in: Any,  # noqa: F811
    entry: str,
) -> None:
    check_in(assembly.meeting, 10)
    motion = do_open_motion_vote(table(), acting_user=assembly.chair.user)
    do_enter_teller_counts(motion.poll, {"yes": 2, "no": 7}, acting_user=assembly.chair.user)
    _close_by(entry, client, motion.poll, None, assembly.chair.user)
    motion.refresh_from_db()
    assert motion.state == MotionState.LOST
    assert (motion.votes_yes, motion.votes_no) == (2, 7)
    assert "lost" in motion.outcome_text
    assert AuditEvent.objects.filter(verb="motions.record_motion_outcome").count() == 1


def test_a_challenge_poll_closed_from_the_poll_page_applies_the_challenge(
    client: Any,
    assembly: Any,  # noqa: F811
    table: Any,  # noqa: F811
    check_in: Any,  # noqa: F811
) -> None:
    check_in(assembly.meeting, 12)
    motion = table()
    ruling = do_rule_on_motion(
        motion,
        decision="not_competent",
        category="reserved_to_national_bodies",
        reasons="The motion asks the party to change the membership rules.",
        acting_user=assembly.chair.user,
    )
    ruling = do_challenge_ruling(ruling, moved_by=assembly.mover, acting_user=assembly.chair.user)
    poll = ruling.challenge_poll
    do_enter_teller_counts(poll, {"yes": 9, "no": 2}, acting_user=assembly.chair.user)
    _close_by("poll page", client, poll, None, assembly.chair.user)
    ruling.refresh_from_db()
    motion.refresh_from_db()
    assert ruling.challenge == ChallengeOutcome.OVERTURNED
    assert motion.state == MotionState.ADMITTED


def test_the_poll_page_links_to_the_motion_and_amendment_it_decides(
    client: Any,
    assembly: Any,  # noqa: F811
    table: Any,  # noqa: F811
    check_in: Any,  # noqa: F811
) -> None:
    check_in(assembly.meeting, 10)
    motion = table(title="Restore the Hollow bus", text="The bus was cut.\n\nRestore it.")
    amendment = do_propose_amendment(
        motion,
        action="delete",
        line_from=1,
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    amendment = do_open_amendment_vote(amendment, acting_user=assembly.chair.user)
    client.force_login(assembly.member.user)
    page = client.get(reverse("polls:detail", args=[amendment.poll_id])).content.decode()
    assert "This vote decides:" in page
    assert f'href="{reverse("motions:detail", args=[motion.pk])}#amendments-heading"' in page
    assert "Amendment 1 to motion 1: Restore the Hollow bus" in page
    # And back: the motion's page links to the vote.
    motion_page = client.get(reverse("motions:detail", args=[motion.pk])).content.decode()
    assert reverse("polls:detail", args=[amendment.poll_id]) in motion_page


def test_closing_a_vote_is_confirmed_first_and_returns_to_the_motion(
    client: Any,
    assembly: Any,  # noqa: F811
    amendment_vote: Any,
) -> None:
    motion, amendment = amendment_vote(6, 3)
    poll = amendment.poll
    close = reverse("polls:close", args=[poll.pk])
    motion_page = reverse("motions:detail", args=[motion.pk])
    client.force_login(assembly.chair.user)
    # The motion's page links to the confirmation, which says what cannot be undone.
    assert f"{close}?next={motion_page}" in client.get(motion_page).content.decode().replace(
        "%2F", "/"
    )
    page = client.get(close, {"next": motion_page}).content.decode()
    assert "This cannot be undone." in page
    assert "an amendment is carried or lost" in page
    poll.refresh_from_db()
    assert poll.is_open  # a GET closes nothing
    # Elsewhere than this site, "next" is ignored.
    outside = client.get(close, {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in outside
    response = client.post(close, {"next": motion_page})
    assert response.status_code == 302
    assert response["Location"] == motion_page
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.CARRIED


def test_a_member_gets_no_confirmation_to_close_a_vote(
    client: Any,
    assembly: Any,  # noqa: F811
    amendment_vote: Any,
) -> None:
    _, amendment = amendment_vote(6, 3)
    client.force_login(assembly.member.user)
    close = reverse("polls:close", args=[amendment.poll_id])
    assert client.get(close).status_code in (403, 404)
    assert client.post(close).status_code in (403, 404)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.VOTING


def test_an_amendment_vote_closed_from_the_chairs_console(
    client: Any,
    assembly: Any,  # noqa: F811
    table: Any,  # noqa: F811
    check_in: Any,  # noqa: F811
) -> None:
    from moot.meetings.actions import do_add_agenda_item

    check_in(assembly.meeting, 10)
    item = do_add_agenda_item(
        assembly.meeting, kind="motion", title="Motions", acting_user=assembly.chair.user
    )
    motion = table(title="Restore the Hollow bus", text="Cut.\n\nRestore it.", agenda_item=item)
    amendment = do_propose_amendment(
        motion,
        action="delete",
        line_from=1,
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    amendment = do_open_amendment_vote(amendment, acting_user=assembly.chair.user)
    do_enter_teller_counts(amendment.poll, {"yes": 7, "no": 2}, acting_user=assembly.chair.user)
    client.force_login(assembly.chair.user)
    console = reverse("meetings:chair", args=[assembly.meeting.pk])
    close = f"{reverse('polls:close', args=[amendment.poll_id])}?next={console}"
    page = client.get(console).content.decode()
    assert f'href="{close}"' in page
    assert "Close the vote…: Amendment 1 to motion" in page
    assert "This cannot be undone." in client.get(close).content.decode()
    response = client.post(reverse("polls:close", args=[amendment.poll_id]), {"next": console})
    assert response["Location"] == console
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.CARRIED
    motion = do_open_motion_vote(motion, acting_user=assembly.chair.user)
    assert motion.state == MotionState.DEBATED
    # The member's meeting page offers no such link.
    client.force_login(assembly.member.user)
    detail = client.get(reverse("meetings:detail", args=[assembly.meeting.pk])).content.decode()
    assert "Close the vote…" not in detail
