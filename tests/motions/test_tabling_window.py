"""Forms that know the state (issue 9, item 3): the tabling form is offered only while the
meeting takes motions; otherwise the page says why (the deadline and its clause) and what the
member can do. One check (``tabling_window``) decides the page and the action's refusal."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from moot.motions.actions import MotionError, do_table_motion, tabling_window
from motions.test_views import client_for


def test_the_window_and_the_refusal_are_one_answer(assembly: Any) -> None:
    today = timezone.localdate()
    late = tabling_window(assembly.meeting, today)
    assert not late.open
    assert late.clause == "7.5.4"
    # What to do instead: the unit's next meeting still taking motions, by name and date.
    assert assembly.next_meeting.title in late.instead
    with pytest.raises(MotionError) as refused:
        do_table_motion(
            assembly.meeting,
            title="Late",
            text="Too late.",
            mover=assembly.mover,
            seconder=assembly.seconder,
            acting_user=assembly.secretary.user,
        )
    assert refused.value.message == late.why
    assert refused.value.clause == late.clause
    assert tabling_window(assembly.next_meeting, today).open


def test_a_member_is_not_offered_the_form_after_the_deadline(assembly: Any) -> None:
    client = client_for(assembly.mover.user)
    page = client.get(f"/meetings/{assembly.meeting.pk}/motions/").content.decode()
    assert f"/meetings/{assembly.meeting.pk}/motions/new/" not in page
    assert "Too late to table this motion" in page
    assert "clause 7.5.4" in page
    form = client.get(f"/meetings/{assembly.meeting.pk}/motions/new/")
    assert form.status_code == 200
    body = form.content.decode()
    assert 'name="text"' not in body  # no form to fill in
    assert "What you can do:" in body
    assert assembly.next_meeting.title in body
    # The next meeting offers the form.
    page = client.get(f"/meetings/{assembly.next_meeting.pk}/motions/").content.decode()
    assert f"/meetings/{assembly.next_meeting.pk}/motions/new/" in page
    body = client.get(f"/meetings/{assembly.next_meeting.pk}/motions/new/").content.decode()
    assert 'name="text"' in body


def test_a_posted_motion_to_a_closed_window_writes_nothing(assembly: Any) -> None:
    from moot.motions.models import Motion

    client = client_for(assembly.mover.user)
    response = client.post(
        f"/meetings/{assembly.meeting.pk}/motions/new/",
        {"title": "Late", "text": "Too late.", "proposer_kind": "member", "seconder": "x"},
    )
    assert response.status_code == 200
    assert "Too late to table this motion" in response.content.decode()
    assert not Motion.objects.filter(meeting=assembly.meeting, title="Late").exists()


def test_a_closed_meeting_says_so_and_points_to_the_next(assembly: Any) -> None:
    from moot.meetings.models import Meeting

    Meeting.objects.filter(pk=assembly.meeting.pk).update(state="closed")
    assembly.meeting.refresh_from_db()
    window = tabling_window(assembly.meeting, timezone.localdate())
    assert not window.open
    assert "has closed" in window.why
    assert assembly.next_meeting.title in window.instead
    # With no later meeting taking motions, the member is told to raise it at the next one.
    Meeting.objects.filter(pk=assembly.next_meeting.pk).update(
        starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    window = tabling_window(assembly.meeting, timezone.localdate())
    assert "next meeting of" in window.instead


def _radio_values(page: str, name: str) -> list[str]:
    import re

    return re.findall(rf'type="radio" name="{name}" value="([^"]+)"', page)


def test_the_seconder_is_found_by_name_and_the_motion_tabled(assembly: Any) -> None:
    from moot.motions.models import Motion

    client = client_for(assembly.mover.user)
    url = f"/meetings/{assembly.next_meeting.pk}/motions/new/"
    typed = {"title": "Buses", "text": "This party wants buses.", "proposer_kind": "member"}
    found = client.post(url, {**typed, "seconder_find": "Tomasz Bre", "lookup": "seconder"})
    page = found.content.decode()
    assert "Tomasz Brennan" in page
    assert assembly.seconder.number not in page
    [token] = _radio_values(page, "seconder_pick")
    assert not Motion.objects.filter(meeting=assembly.next_meeting).exists()  # nothing tabled
    response = client.post(url, {**typed, "seconder_pick": token})
    assert response.status_code == 302, response.content.decode()
    motion = Motion.objects.get(meeting=assembly.next_meeting)
    assert motion.seconder == assembly.seconder
    assert motion.mover == assembly.mover
    # Neither a number nor a choice: the form says what to give.
    response = client.post(url, typed)
    assert "Give the seconder&#x27;s membership number, or find them by name." in (
        response.content.decode()
    )


def test_proscribed_organisations_are_marked_and_cannot_be_chosen(assembly: Any) -> None:
    from factories import OrganisationFactory

    lantern = OrganisationFactory(name="The Iron Lantern Network", slug="iron-lantern")
    client = client_for(assembly.secretary.user)  # the officers' form offers the list
    url = f"/meetings/{assembly.next_meeting.pk}/motions/new/"
    page = client.get(url).content.decode()
    assert (
        f'<option value="{lantern.pk}" disabled>The Iron Lantern Network — proscribed '
        "(clause 1.5.2)</option>"
    ) in page
    assert f'<option value="{assembly.union.pk}">{assembly.union.name}</option>' in page
    response = client.post(
        url,
        {
            "title": "Affiliate",
            "text": "This party affiliates.",
            "proposer_kind": "member",
            "mover": assembly.mover.number,
            "seconder": assembly.seconder.number,
            "affiliate_to": lantern.pk,
        },
    )
    assert response.status_code == 200
    assert "is proscribed by the rulebook (clause 1.5.2)" in response.content.decode()
