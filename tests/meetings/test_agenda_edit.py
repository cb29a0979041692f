"""Editing an agenda item's words (issue 9 fix round, item 9): the secretary or chair changes
a report's title, presenter and text before and during the meeting (audited, the minutes give
the text); after the close the agenda is part of the record and the page says why no form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from moot.audit.models import AuditEvent
from moot.meetings.actions import (
    MeetingError,
    do_add_agenda_item,
    do_close_meeting,
    do_edit_agenda_item,
    do_start_meeting,
)
from moot.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def signed_in(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_secretary_writes_a_report_text_before_and_during_the_meeting(
    world: Any, meeting: Meeting
) -> None:
    item = do_add_agenda_item(meeting, kind="report", title="Reports", acting_user=None)
    client = signed_in(world, "secretary")
    url = reverse("meetings:edit_item", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Save the item" in page.content.decode()
    answer = client.post(
        url,
        {"title": "Treasurer's report", "speaker": "The Treasurer", "body": "We ended £412 up."},
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.speaker, item.body) == (
        "Treasurer's report",
        "The Treasurer",
        "We ended £412 up.",
    )
    event = AuditEvent.objects.get(verb="meetings.edit_agenda_item")
    assert event.before["title"] == "Reports"
    assert event.after["body"] == "We ended £412 up."
    assert "Edit" in client.get(reverse("meetings:agenda", args=[meeting.pk])).content.decode()

    do_start_meeting(meeting, acting_user=None)
    client.force_login(world.users["chair"])
    assert client.post(url, {"title": "Treasurer's report", "body": "£413 up."}).status_code == 302
    item.refresh_from_db()
    assert item.body == "£413 up."
    assert AuditEvent.objects.filter(verb="meetings.edit_agenda_item").count() == 2


def test_editing_is_for_the_meetings_officers(world: Any, meeting: Meeting) -> None:
    item = do_add_agenda_item(meeting, kind="report", title="Reports", acting_user=None)
    url = reverse("meetings:edit_item", args=[item.pk])
    assert signed_in(world, "member").get(url).status_code == 403
    assert signed_in(world, "member").post(url, {"title": "Mine"}).status_code == 403
    item.refresh_from_db()
    assert item.title == "Reports"


def test_a_speaker_item_keeps_its_speaker_and_nothing_changed_is_refused(
    world: Any, meeting: Meeting
) -> None:
    item = do_add_agenda_item(
        meeting,
        kind="speaker",
        title="Talk",
        speaker="Ada Brook",
        topic="Housing",
        acting_user=None,
    )
    with pytest.raises(MeetingError) as refused:
        do_edit_agenda_item(item, title="Talk", topic="Housing", acting_user=None)
    assert refused.value.field == "speaker"
    with pytest.raises(MeetingError, match="Nothing was changed"):
        do_edit_agenda_item(
            item, title="Talk", speaker="Ada Brook", topic="Housing", acting_user=None
        )
    assert not AuditEvent.objects.filter(verb="meetings.edit_agenda_item").exists()


def test_after_the_close_the_item_is_the_record(world: Any, meeting: Meeting) -> None:
    item = do_add_agenda_item(
        meeting, kind="report", title="Reports", body="First text.", acting_user=None
    )
    do_start_meeting(meeting, acting_user=None)
    do_close_meeting(meeting, acting_user=None)
    with pytest.raises(MeetingError, match="closed"):
        do_edit_agenda_item(item, title="Reports", body="Rewritten.", acting_user=None)
    client = signed_in(world, "secretary")
    url = reverse("meetings:edit_item", args=[item.pk])
    page = client.get(url).content.decode()
    assert "The meeting has closed" in page
    assert "Save the item" not in page
    assert client.post(url, {"title": "Reports", "body": "Rewritten."}).status_code == 200
    item.refresh_from_db()
    assert item.body == "First text."
    assert "Edit" not in client.get(reverse("meetings:agenda", args=[meeting.pk])).content.decode()


def test_the_api_edits_an_item_like_the_page(world: Any, meeting: Meeting) -> None:
    import json

    from moot.accounts.actions import do_create_api_token

    def api_as(role: str) -> Client:
        user = world.users[role]
        _row, secret = do_create_api_token(user, name="tests", acting_user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def put(client: Client, url: str, payload: Any) -> Any:
        return client.put(url, json.dumps(payload), content_type="application/json")

    item = do_add_agenda_item(meeting, kind="report", title="Reports", acting_user=None)
    url = f"/api/meetings/{meeting.pk}/agenda/{item.pk}"
    payload = {"title": "Treasurer's report", "body": "£610 up.", "speaker": "The Treasurer"}
    assert put(api_as("member"), url, payload).status_code == 403
    ok = put(api_as("secretary"), url, payload)
    assert ok.status_code == 200
    assert (ok.json()["title"], ok.json()["body"]) == ("Treasurer's report", "£610 up.")
    assert put(api_as("secretary"), url, payload).status_code == 409  # nothing changed
    assert put(api_as("secretary"), url, {**payload, "kind": "motion"}).status_code == 422
    other = f"/api/meetings/{meeting.pk}/agenda/999999"
    assert put(api_as("secretary"), other, payload).status_code == 404
    do_start_meeting(meeting, acting_user=None)
    do_close_meeting(meeting, acting_user=None)
    closed = put(api_as("secretary"), url, {**payload, "body": "Rewritten."})
    assert closed.status_code == 409
    item.refresh_from_db()
    assert item.body == "£610 up."
