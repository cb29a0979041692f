"""The delivery dashboard /ballots/<id>/deliveries/ and its API: counts for the ballot's
overseers, the reminder and retry buttons for its managers only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ballots.delivery_world import issued_ballot
from factories import UserFactory
from moot.accounts.actions import do_create_api_token
from moot.ballots import (
    delivery,
    permissions,  # noqa: F401 - the rules, before apps.ready() loads them
)
from moot.ballots.models import Delivery, DeliveryKind, RollEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ballot = issued_ballot(email=3, post=1, officer=UserFactory(), scrutineer=UserFactory())
    delivery.queue_deliveries(ballot, DeliveryKind.INVITATION)  # queued, not sent
    return ballot


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any) -> Client:
    _row, secret = do_create_api_token(user, name="tests", acting_user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_returning_officer_sees_the_counts_and_the_buttons(ballot: Any) -> None:
    page = _client(ballot.returning_officer).get(f"/ballots/{ballot.pk}/deliveries/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "4 deliveries in all" in html
    assert "Send the reminder" in html
    assert "Retry" in html
    assert "@example.org" not in html  # no address on the dashboard


def test_the_scrutineer_reads_but_has_no_buttons_and_may_not_post(ballot: Any) -> None:
    client = _client(ballot.scrutineer)
    page = client.get(f"/ballots/{ballot.pk}/deliveries/")
    assert page.status_code == 200
    assert "Send the reminder" not in page.content.decode()
    refused = client.post(
        f"/ballots/{ballot.pk}/deliveries/", {"action": "remind", "remind-confirm": "on"}
    )
    assert refused.status_code == 403
    assert not Delivery.objects.filter(ballot=ballot, kind="reminder").exists()


def test_a_member_and_anonymous_are_kept_out(ballot: Any) -> None:
    assert _client(UserFactory()).get(f"/ballots/{ballot.pk}/deliveries/").status_code == 403
    anonymous = Client().get(f"/ballots/{ballot.pk}/deliveries/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert _client(UserFactory()).get("/ballots/999999/deliveries/").status_code == 404


def test_the_reminder_button_queues_a_round_to_non_voters(ballot: Any) -> None:
    RollEntry.objects.filter(ballot=ballot, channel="online").order_by("pk").update(voted=False)
    first = RollEntry.objects.filter(ballot=ballot, channel="online").order_by("pk").first()
    first.voted = True
    first.save(update_fields=["voted"])
    client = _client(ballot.returning_officer)
    unconfirmed = client.post(f"/ballots/{ballot.pk}/deliveries/", {"action": "remind"})
    assert unconfirmed.status_code == 400
    assert not Delivery.objects.filter(ballot=ballot, kind="reminder").exists()
    done = client.post(
        f"/ballots/{ballot.pk}/deliveries/", {"action": "remind", "remind-confirm": "on"}
    )
    assert done.status_code == 302
    assert Delivery.objects.filter(ballot=ballot, kind="reminder", round=1).count() == 2


def test_the_retry_button_puts_back_stuck_rows(
    ballot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    row = Delivery.objects.filter(ballot=ballot, channel="online").first()
    Delivery.objects.filter(pk=row.pk).update(
        state="sending", claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = _client(ballot.returning_officer).post(
            f"/ballots/{ballot.pk}/deliveries/", {"action": "retry", "retry-confirm": "on"}
        )
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.state == "sent"  # queued again and sent by the (immediate) worker


def test_api_counts_for_overseers_and_reminders_for_managers_only(ballot: Any) -> None:
    summary = _api(ballot.scrutineer).get(f"/api/ballots/{ballot.pk}/deliveries")
    assert summary.status_code == 200
    body = summary.json()
    assert body["total"] == 4
    assert body["totals"]["queued"] == 4
    assert body["post"]["invitations"] == 1
    assert (
        _api(ballot.scrutineer)
        .post(f"/api/ballots/{ballot.pk}/deliveries/reminders", {}, content_type="application/json")
        .status_code
        == 403
    )
    officer = _api(ballot.returning_officer)
    # No region, unit or list can be chosen: a reminder goes to every non-voter.
    narrowed = officer.post(
        f"/api/ballots/{ballot.pk}/deliveries/reminders",
        {"region": 3},
        content_type="application/json",
    )
    assert narrowed.status_code == 422
    sent = officer.post(
        f"/api/ballots/{ballot.pk}/deliveries/reminders", {}, content_type="application/json"
    )
    assert sent.status_code == 200
    assert sent.json() == {"round": 1, "queued": 3}
    again = officer.post(
        f"/api/ballots/{ballot.pk}/deliveries/reminders",
        {"round": 1},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert "already been sent" in again.json()["detail"]
