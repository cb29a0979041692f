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
