"""The pages and API of the close, the count, the scrutineer's report, the declaration, the
results and countbacks, walked as each officer would."""

from __future__ import annotations

import pytest
from django.test import Client

from ballots.closing_world import closing_ballot, counted_ballot
from factories import UserFactory
from moot.ballots.models import Ballot, Countback

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_returning_officer_closes_and_counts_on_the_pages(
    django_capture_on_commit_callbacks,
) -> None:
    world = closing_ballot(voters=3)
    for entry in world.entries:
        world.cast(entry, "online", ["Ada Ashdown", "Bea Birch"])
    ro = _client(world.returning_officer)
    page = ro.get(f"/ballots/{world.ballot.pk}/close/")
    assert page.status_code == 200
    assert "Returns received so far: 3 online, 0 by post." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = ro.post(f"/ballots/{world.ballot.pk}/close/", {"confirm": "on"})
    assert done.status_code == 302
    assert Ballot.objects.get(pk=world.ballot.pk).state == "closed"
    done = ro.post(f"/ballots/{world.ballot.pk}/count/", {"confirm": "on"})
    assert done.status_code == 302
    page = ro.get(f"/ballots/{world.ballot.pk}/count/")
    text = page.content.decode()
    assert "locked until the scrutineer signs" in text
    assert "Ada Ashdown" not in text
    # The results page and its downloads say nothing to the returning officer yet.
    results = ro.get(f"/ballots/{world.ballot.pk}/results/").content.decode()
    assert "locked until the scrutineer signs" in results
    assert "Elected" not in results
    assert ro.get(f"/ballots/{world.ballot.pk}/results/count.json").status_code == 409


def test_closing_early_on_the_page_shows_when_and_closes_nothing() -> None:
    import datetime

    world = closing_ballot(voters=1, closed_ago=-datetime.timedelta(hours=1))
    ro = _client(world.returning_officer)
    page = ro.get(f"/ballots/{world.ballot.pk}/close/").content.decode()
    assert "it can be closed from then" in page
    answer = ro.post(f"/ballots/{world.ballot.pk}/close/", {"confirm": "on"})
    assert answer.status_code == 400
    assert Ballot.objects.get(pk=world.ballot.pk).state == "open"


def test_the_scrutineer_signs_on_the_page_and_the_returning_officer_declares(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    ro = _client(world.returning_officer)
    assert ro.get(f"/ballots/{pk}/scrutineer/").status_code == 403
    scrutineer = _client(world.scrutineer)
    page = scrutineer.get(f"/ballots/{pk}/scrutineer/").content.decode()
    assert "Sign the report" in page
    assert "First preferences" in page
    refused = scrutineer.post(
        f"/ballots/{pk}/scrutineer/",
        {"a_satisfied": "yes", "b_satisfied": "no", "b_reasons": "", "c_satisfied": "yes"},
    )
    assert refused.status_code == 400
    assert "give your reasons" in refused.content.decode()
    signed = scrutineer.post(
        f"/ballots/{pk}/scrutineer/",
        {"a_satisfied": "yes", "b_satisfied": "yes", "c_satisfied": "yes"},
    )
    assert signed.status_code == 302
    assert ro.get(f"/ballots/{pk}/scrutineer/").status_code == 200
    declared = ro.post(f"/ballots/{pk}/declare/", {"confirm": "on"})
    assert declared.status_code == 302
    public = Client().get(f"/ballots/{pk}/results/").content.decode()
    ballot = Ballot.objects.get(pk=pk)
    assert f"Elected: {', '.join(ballot.result['elected'])}" in public
    for name in (
        "ballots.blt",
        "ballots-cdf.json",
        "count.txt",
        "count.json",
        "rctab-summary.json",
    ):
        answer = Client().get(f"/ballots/{pk}/results/{name}")
        assert answer.status_code == 200, name
    assert Client().get(f"/ballots/{pk}/results/count.txt").content.decode() == ballot.result_text
    assert Client().get(f"/ballots/{pk}/results/other.txt").status_code == 404
    # The API reads the same.
    api = ro.get(f"/api/ballots/{pk}/scrutineer-report")
    assert api.status_code == 200
    assert api.json()["counted"] == 10


def test_a_countback_on_the_page(django_capture_on_commit_callbacks) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    _client(world.scrutineer).post(
        f"/ballots/{pk}/scrutineer/",
        {"a_satisfied": "yes", "b_satisfied": "yes", "c_satisfied": "yes"},
    )
    ro = _client(world.returning_officer)
    ro.post(f"/ballots/{pk}/declare/", {"confirm": "on"})
    elected = Ballot.objects.get(pk=pk).result["elected"]
    departed = world.by_name(elected[0])
    stranger = _client(UserFactory())
    assert (
        stranger.post(
            f"/ballots/{pk}/countback/", {"departed": departed.pk, "reason": "Resigned"}
        ).status_code
        == 403
    )
    done = ro.post(f"/ballots/{pk}/countback/", {"departed": departed.pk, "reason": "Resigned"})
    assert done.status_code == 302
    countback = Countback.objects.get()
    page = Client().get(f"/ballots/{pk}/countback/").content.decode()
    assert f"Filled by: {countback.filled_by.name}" in page
    listed = ro.get(f"/api/ballots/{pk}/countbacks").json()
    assert listed[0]["filled_by"] == countback.filled_by.name


def test_the_ballots_public_page_shows_the_declared_result_and_nothing_before(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    elected = ", ".join(world.ballot.result["elected"])
    before = Client().get(f"/ballots/{pk}/").content.decode()
    assert "published once the scrutineer has signed" in before
    assert f"Elected: {elected}" not in before
    _client(world.scrutineer).post(
        f"/ballots/{pk}/scrutineer/",
        {"a_satisfied": "yes", "b_satisfied": "yes", "c_satisfied": "yes"},
    )
    _client(world.returning_officer).post(f"/ballots/{pk}/declare/", {"confirm": "on"})
    after = Client().get(f"/ballots/{pk}/").content.decode()
    assert f"Elected: {elected}" in after
