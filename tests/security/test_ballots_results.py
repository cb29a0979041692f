"""Insider cases of a ballot's close, count and declaration (docs/security.md, "Ballots: close,
count and declaration"): the manager reading the result before the scrutineer signs, a partisan
returning officer declaring before the scrutineer, and a copy of the database taken after the
close pairing voters with ballots."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ballots.closing_world import closing_ballot, counted_ballot
from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.ballots import secrecy
from moot.ballots.actions.closing import do_close_ballot, do_declare_ballot
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, CountedBallot, PaperKeying, Return, RollEntry

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_manager_reads_nothing_of_the_result_before_the_sign_off(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    elected = world.ballot.result["elected"]
    ro = _client(world.returning_officer)
    for url in (f"/ballots/{pk}/results/", f"/ballots/{pk}/count/", f"/ballots/{pk}/declare/"):
        page = ro.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert not any(f"Elected: {name}" in text for name in elected), url
        assert "First preferences" not in text
    for name in ("count.json", "count.txt", "ballots.blt", "ballots-cdf.json", "chart.svg"):
        assert ro.get(f"/ballots/{pk}/results/{name}").status_code == 409, name
    assert ro.get(f"/ballots/{pk}/scrutineer/").status_code == 403
    assert ro.get(f"/api/ballots/{pk}/result").status_code == 409
    assert ro.get(f"/api/ballots/{pk}/scrutineer-report").status_code == 403
    # Nor does the audit trail say it: the count's event holds hashes only.
    after = AuditEvent.objects.get(verb="ballots.count_ballot").after
    assert not any(name in json.dumps(after) for name in elected)
    # A stranger and an anonymous visitor see the lock too.
    for client in (_client(UserFactory()), Client()):
        assert client.get(f"/ballots/{pk}/results/count.json").status_code == 409


def test_a_partisan_returning_officer_cannot_declare_before_the_scrutineer(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    with pytest.raises(BallotError, match="has not signed the report"):
        do_declare_ballot(world.ballot, acting_user=world.returning_officer)
    ro = _client(world.returning_officer)
    answer = ro.post(f"/ballots/{pk}/declare/", {"confirm": "on"})
    assert answer.status_code == 400
    assert "locked until the scrutineer signs" in answer.content.decode()
    assert ro.post(f"/api/ballots/{pk}/declare").status_code == 409
    # Nor sign the report in the scrutineer's place.
    signed = ro.post(
        f"/api/ballots/{pk}/scrutineer-report/sign",
        {k: {"satisfied": True} for k in "abc"},
        content_type="application/json",
    )
    assert signed.status_code == 403
    ballot = Ballot.objects.get(pk=pk)
    assert ballot.state == "counted"
    assert ballot.signed_at is None
    assert ballot.declared_at is None
    assert not AuditEvent.objects.filter(verb="ballots.declare_ballot").exists()


def test_a_copy_of_the_database_after_the_close_cannot_pair_voters_with_ballots(
    django_capture_on_commit_callbacks,
) -> None:
    world = closing_ballot(voters=6, precedence="paper_wins")
    for n, entry in enumerate(world.entries):
        world.cast(entry, "online", ["Ada Ashdown"] if n % 2 else ["Bea Birch", "Cy Crane"])
    world.key_once(2, ["Cy Crane"])
    # What an operator's copy taken before the close holds: entries beside sealed contents.
    old_copy = list(Return.objects.filter(ballot=world.ballot).values_list("entry_id", "sealed"))
    with django_capture_on_commit_callbacks(execute=True):
        ballot = do_close_ballot(world.ballot, acting_user=world.returning_officer)
    assert not Return.objects.filter(ballot=ballot).exists()
    assert not PaperKeying.objects.filter(ballot=ballot).exists()
    # The counted ballots name no voter, channel or time, and nothing refers to them.
    assert {f.name for f in CountedBallot._meta.get_fields()} == {"id", "ballot", "content"}
    # Who voted is on the roll (turnout), but no column there says what.
    assert RollEntry.objects.filter(ballot=ballot, voted=True).count() == 6
    # The old copy's sealed contents cannot be opened any more: the key is gone.
    for _entry, sealed in old_copy:
        with pytest.raises(BallotError):
            secrecy.unseal(ballot, sealed)
    # The close's audit event holds aggregates only.
    after = AuditEvent.objects.get(verb="ballots.close_ballot").after
    assert set(after) == {"by_channel", "spoilt", "counted", "precedence"}
    for row in after["by_channel"].values():
        assert set(row) == {"received", "counted", "spoilt", "set_aside"}
