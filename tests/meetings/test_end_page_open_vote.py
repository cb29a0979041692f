"""The end page does not offer what would be refused (issue 9 fix round, finding 11): while a
vote is open at the meeting, it says to close the vote first instead of offering to adjourn or
close; once the vote is closed both are offered."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from moot.polls.actions import do_close_poll, do_create_poll, do_open_poll

from .test_console import Running, running  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_an_open_vote_is_closed_first(client: Any, world: Any, running: Running) -> None:  # noqa: F811
    chair = world.users["chair"]
    poll = do_create_poll(
        title="Motion 1: a show of hands",
        question="That this meeting supports the bus campaign.",
        kind="motion",
        method="yes-no",
        voting="show_of_hands",
        meeting=running.meeting,
        agenda_item=running.motions_item,
        acting_user=chair,
    )
    poll = do_open_poll(poll, acting_user=chair)
    client.force_login(chair)
    url = reverse("meetings:end", args=[running.meeting.pk])
    page = client.get(url).content.decode()
    assert 'id="blocked"' in page
    assert "Close the vote first" in page
    assert "Adjourn the meeting</button>" not in page
    assert 'value="close"' not in page

    do_close_poll(poll, acting_user=chair)
    page = client.get(url).content.decode()
    assert 'id="blocked"' not in page
    assert "Adjourn the meeting</button>" in page
    assert 'value="close"' in page
