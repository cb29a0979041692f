"""A returning officer finds the verifiable steps on issue 11's console (a "Verifiable" stage
with the setup and trustees pages and where the election stands) and, on the count page before
the button, the trustees' progress while the result is not decrypted."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ballots.casting_world import open_ballot
from factories import UserFactory
from moot.ballots.actions.closing import do_close_ballot
from moot.ballots.models import Ballot
from moot.verifiable.actions import do_cast_verifiable
from verifiable.tally_world import mix_and_decrypt
from verifiable.world import VerifiableWorld, open_verifiable, verifiable_world

pytestmark = pytest.mark.django_db

TITLE = "Verifiable: trustees and credentials"


def _officer(ballot: Any) -> Client:
    ro = UserFactory()
    Ballot.objects.filter(pk=ballot.pk).update(returning_officer=ro)
    client = Client()
    client.force_login(ro)
    return client


def _console(client: Client, ballot: Any) -> str:
    response = client.get(reverse("ballots:manage", args=[ballot.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _stage(page: str) -> str:
    start = page.index('id="stage-verifiable"')
    return page[start : page.index("</section>", start)]


def test_a_plain_ballot_has_no_verifiable_stage() -> None:
    ballot = open_ballot().ballot
    assert TITLE not in _console(_officer(ballot), ballot)


def test_before_the_opening_the_stage_says_what_is_missing_and_links_the_steps() -> None:
    world = verifiable_world(prepared=False)
    page = _console(_officer(world.ballot), world.ballot)
    stage = _stage(page)
    assert TITLE in stage
    assert "Now" in stage
    assert "Still missing before it opens" in stage
    for name in ("verifiable:setup", "verifiable:trustees"):
        assert f'href="{reverse(name, args=[world.ballot.pk])}"' in stage
    # Listed among the stages, right after the close.
    keys = [part.split('"')[0] for part in page.split('<section id="stage-')[1:]]
    assert keys[keys.index("close") + 1] == "verifiable"


def test_open_then_closed_then_decrypted(django_capture_on_commit_callbacks: Any) -> None:
    world: VerifiableWorld = open_verifiable(voters=4, precedence="online_wins")
    client = _officer(world.ballot)
    do_cast_verifiable(world.ballot, world.base.entries[0], world.encrypt(0, [1, 2, 0]))
    stage = _stage(_console(client, world.ballot))
    assert "Opened" in stage
    assert "3 entries on the board" in stage
    Ballot.objects.filter(pk=world.ballot.pk).update(
        close_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    world.ballot.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(world.ballot, acting_user=world.ballot.returning_officer)
    stage = _stage(_console(client, world.ballot))
    assert "Mixed by nobody yet." in stage
    assert "Next to mix: trustee 1." in stage
    count = client.get(reverse("ballots:count", args=[world.ballot.pk])).content.decode()
    note = count[count.index('id="count-note-1"') : count.index("Count the ballot</button>")]
    assert "counted once its trustees have mixed and decrypted" in note
    assert "Next to mix: trustee 1." in note
    assert f'href="{reverse("verifiable:trustees", args=[world.ballot.pk])}"' in note
    mix_and_decrypt(world.election, world.shares)
    stage = _stage(_console(client, world.ballot))
    assert "Mixed and decrypted" in stage
    assert "Decrypted by 2 of the 2 trustees needed." in stage
    count = client.get(reverse("ballots:count", args=[world.ballot.pk])).content.decode()
    assert 'id="count-note-1"' not in count
    assert "Count the ballot</button>" in count
