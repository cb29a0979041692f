"""What the public reads after the declaration (review findings 3-5): the returns by channel,
the papers set aside and spoilt with their reasons, the declared precedence, the scrutineer's
report and the record; online votes replaced under last_online counted (an aggregate only);
a record that fails to be written shown to the returning officer with a retry."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client

from ballots.closing_world import closing_ballot, counted_ballot
from moot.audit.models import AuditEvent
from moot.ballots import casting, content, secrecy
from moot.ballots.actions.closing import (
    do_close_ballot,
    do_declare_ballot,
    do_retry_ballot_record,
    do_sign_scrutineer_report,
)
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot

pytestmark = pytest.mark.django_db

SATISFIED = {key: {"satisfied": True, "reasons": ""} for key in ("a", "b", "c")}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _declare(world, capture, *, execute: bool = False) -> Ballot:
    do_sign_scrutineer_report(world.ballot, statements=SATISFIED, acting_user=world.scrutineer)
    with capture(execute=execute):
        world.ballot = do_declare_ballot(world.ballot, acting_user=world.returning_officer)
    return world.ballot


def test_the_public_results_page_shows_the_returns_report_and_record(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    before = Client().get(f"/ballots/{pk}/results/").content.decode()
    assert "Returns by channel" not in before
    assert "an online vote was also received" not in before
    _declare(world, django_capture_on_commit_callbacks)
    text = Client().get(f"/ballots/{pk}/results/").content.decode()
    assert "Returns by channel" in text
    # 10 online received and counted; 2 papers received: 1 set aside (online wins), 1 spoilt.
    assert '<th scope="row">online</th><td class="num">10</td><td class="num">0</td>' in text
    assert "post: an online vote was also received: online votes count over papers — 1" in text
    assert "no marks that could be read — 1" in text
    assert "An online vote counts over a paper, whatever the order" in text
    assert f'href="/ballots/{pk}/scrutineer/"' in text
    assert f'href="/ballots/{pk}/record/"' in text
    # The scrutineer's report page is public now, with its s.52 fields.
    report = Client().get(f"/ballots/{pk}/scrutineer/").content.decode()
    for field in (
        "Credentials and papers distributed",
        "Returned",
        "Counted (valid papers)",
        "Spoilt or invalid, by reason",
        "Set aside, by reason",
        "Valid votes for each candidate",
        "Satisfied",
        "Signed by",
    ):
        assert field in report, field


def test_online_votes_replaced_under_last_online_are_counted_not_named(
    django_capture_on_commit_callbacks,
) -> None:
    world = closing_ballot(voters=3, precedence="last_online")
    first, second, _third = world.entries
    world.cast(first, "online", ["Ada Ashdown"])
    world.cast(second, "online", ["Bea Birch"])
    width = content.padded_width(world.ballot)
    for pick in (["Cy Crane"], ["Bea Birch"]):  # the first member changes their mind twice
        text = json.dumps([world.by_name(pick[0]).pk], separators=(",", ":"))
        with transaction.atomic():
            ballot = Ballot.objects.select_for_update().get(pk=world.ballot.pk)
            placed = casting.place_return(
                ballot, first, "online", secrecy.seal(ballot, text, width)
            )
        assert placed.replaced
    ballot = Ballot.objects.get(pk=world.ballot.pk)
    assert ballot.replaced_online == 2
    with django_capture_on_commit_callbacks(execute=True):
        ballot = do_close_ballot(ballot, acting_user=world.returning_officer)
    online = ballot.returns["by_channel"]["online"]
    assert online["replaced"] == 2
    assert online["received"] == 2
    assert online["counted"] == 2
    assert ballot.returns["by_channel"]["post"]["replaced"] == 0
    # Nothing says whose: the counter is a bare number on the ballot.
    assert str(first.pk) not in json.dumps(ballot.returns)
    from moot.ballots.scrutineer import build_report, render_text

    report = build_report(
        ballot,
        {k: {"satisfied": True, "reasons": ""} for k in "abc"},
        signed_by="S",
        signed_at="x",
    )
    assert report["replaced"] == {"online": 2, "post": 0}
    assert "Replaced by a later return of the same channel (not counted): online 2" in (
        render_text(report)
    )


def test_a_record_that_fails_is_shown_with_a_retry(django_capture_on_commit_callbacks) -> None:
    from ballots.record_world import declared_ballot
    from factories import UserFactory
    from moot.ballots.results_tasks import publish_declared_record

    world = declared_ballot()
    ro, scrutineer_user = UserFactory(), UserFactory()
    Ballot.objects.filter(pk=world.ballot.pk).update(
        returning_officer=ro, scrutineer=scrutineer_user
    )
    pk = world.ballot.pk
    with mock.patch(
        "moot.ballots.actions.record.do_publish_ballot_record",
        side_effect=OSError("disk full"),
    ):
        publish_declared_record.enqueue(pk)
    ballot = Ballot.objects.get(pk=pk)
    assert ballot.bundle_sha256 == ""
    assert "unexpected error while writing it (OSError)" in ballot.record_failure
    assert "disk full" not in ballot.record_failure  # the details stay in the server's log
    assert AuditEvent.objects.filter(verb="ballots.note_record_failure").count() == 1
    ro_client = _client(ro)
    page = ro_client.get(f"/ballots/{pk}/results/").content.decode()
    assert "The record could not be written" in page
    assert "Write the record again" in page
    console = ro_client.get(f"/ballots/{pk}/manage/").content.decode()
    assert "The record could not be written" in console
    public = Client().get(f"/ballots/{pk}/results/").content.decode()
    assert "The record could not be written" in public
    assert "Write the record again" not in public
    # Only a manager retries.
    assert _client(scrutineer_user).post(f"/ballots/{pk}/declare/record/").status_code == 403
    assert Ballot.objects.get(pk=pk).record_failure
    with django_capture_on_commit_callbacks(execute=True):
        done = ro_client.post(f"/ballots/{pk}/declare/record/")
    assert done.status_code == 302
    ballot = Ballot.objects.get(pk=pk)
    assert ballot.record_failure == ""
    assert len(ballot.bundle_sha256) == 64
    assert AuditEvent.objects.filter(verb="ballots.retry_ballot_record").count() == 1
    console = ro_client.get(f"/ballots/{pk}/manage/").content.decode()
    assert "The record is published" in console
    # Once published, a retry is refused and writes nothing.
    with pytest.raises(BallotError, match="published already"):
        do_retry_ballot_record(ballot, acting_user=ro)
    assert AuditEvent.objects.filter(verb="ballots.retry_ballot_record").count() == 1
