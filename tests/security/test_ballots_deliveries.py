"""Insiders against a ballot's deliveries (docs/security.md, "Ballots: deliveries"): an officer
of one faction reminding only one region, or keeping invitations from members; anyone reading
credentials from the mail log, the task queue or the database; a forged bounce."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from ballots.deliveries_sink import RefusingSink, running_sink
from ballots.delivery_world import issued_ballot
from factories import UnitFactory, UserFactory
from moot.accounts.actions import do_create_api_token
from moot.audit.models import AuditEvent
from moot.ballots import (
    credentials,
    delivery,
    permissions,  # noqa: F401 - the rules, before apps.ready() loads them
)
from moot.ballots.models import Delivery, DeliveryKind, RollEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings: Any) -> Iterator[RefusingSink]:
    yield from running_sink(settings)


def _regions() -> list[Any]:
    national = UnitFactory(kind="national", name="National")
    return [
        UnitFactory(kind="region", name="North", parent=national),
        UnitFactory(kind="region", name="South", parent=national),
    ]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_returning_officer_cannot_remind_only_one_region(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    regions = _regions()
    ballot = issued_ballot(
        email=6, post=0, unit=regions[0].parent, regions=regions, officer=UserFactory()
    )
    north = regions[0]
    with django_capture_on_commit_callbacks(execute=True):
        page = _client(ballot.returning_officer).post(
            f"/ballots/{ballot.pk}/deliveries/",
            {"action": "remind", "remind-confirm": "on", "region": north.pk, "unit": north.pk},
        )
    assert page.status_code == 302
    reminded = set(
        Delivery.objects.filter(ballot=ballot, kind=DeliveryKind.REMINDER).values_list(
            "entry__region_id", flat=True
        )
    )
    assert reminded == {regions[0].pk, regions[1].pk}
    assert len(sink.messages) == 6
    _row, secret = do_create_api_token(
        ballot.returning_officer, name="t", acting_user=ballot.returning_officer
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for narrowing in ({"region": north.pk}, {"members": [1, 2]}, {"only_voted": True}):
        answer = api.post(
            f"/api/ballots/{ballot.pk}/deliveries/reminders",
            narrowing,
            content_type="application/json",
        )
        assert answer.status_code == 422
    assert Delivery.objects.filter(ballot=ballot, kind="reminder", round=2).count() == 0


def test_an_officer_of_another_faction_cannot_send_retry_or_read(
    settings: Any,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ballot = issued_ballot(email=2, post=0, officer=UserFactory(), scrutineer=UserFactory())
    delivery.queue_deliveries(ballot, DeliveryKind.INVITATION)
    rival = UserFactory()  # signed in, a member of the party, no role in this ballot
    client = _client(rival)
    assert client.get(f"/ballots/{ballot.pk}/deliveries/").status_code == 403
    for action in ("remind", "retry"):
        answer = client.post(
            f"/ballots/{ballot.pk}/deliveries/", {"action": action, f"{action}-confirm": "on"}
        )
        assert answer.status_code == 403
    # The scrutineer reads but cannot act either.
    scrutineer = _client(ballot.scrutineer)
    answer = scrutineer.post(
        f"/ballots/{ballot.pk}/deliveries/", {"action": "retry", "retry-confirm": "on"}
    )
    assert answer.status_code == 403
    assert not Delivery.objects.filter(ballot=ballot, kind="reminder").exists()
    assert not AuditEvent.objects.filter(verb__startswith="ballots.re").exists()


def test_nobody_can_suppress_an_invitation_by_a_forged_bounce(settings: Any) -> None:
    """Without a webhook secret the e-mail service's webhook is not mounted at all; the site has
    no page or endpoint that cancels a delivery."""
    from django.urls import clear_url_caches, set_urlconf

    settings.ROOT_URLCONF = "moot.site.urls"  # the site as configured: no webhook secret
    clear_url_caches()
    set_urlconf(None)
    assert not settings.ANYMAIL.get("WEBHOOK_SECRET")
    ballot = issued_ballot(email=1, post=0)
    delivery.queue_deliveries(ballot, DeliveryKind.INVITATION)
    row = Delivery.objects.get(ballot=ballot)
    forged = Client().post(
        "/anymail/postmark/tracking/",
        data={"RecordType": "Bounce", "Type": "HardBounce", "Metadata": {"moot_delivery": row.pk}},
        content_type="application/json",
    )
    assert forged.status_code == 404
    row.refresh_from_db()
    assert row.state == "queued"
    assert RollEntry.objects.get(ballot=ballot).channel == "online"


def test_credentials_are_in_no_table_log_or_task_result(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    from django.apps import apps
    from django.db import transaction

    ballot = issued_ballot(email=3, post=1)
    codes = {
        credentials.credential_for(ballot, entry)
        for entry in RollEntry.objects.filter(ballot=ballot)
    }
    with (
        caplog.at_level(logging.DEBUG),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        delivery.queue_invitations(ballot)
    received = "".join(m.body for m in sink.messages)
    assert sum(code in received for code in codes) == 3  # the voters got theirs
    bare = {code.replace("-", "") for code in codes}
    for model in apps.get_models():
        for row in model.objects.all().values():
            text = " ".join(str(value) for value in row.values())
            found = [code for code in codes | bare if code in text]
            assert not found, f"a credential is stored in {model._meta.label}"
    # What moot, Django and the task queue log (not the test's own mail server, "mail.log").
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert not [code for code in codes | bare if code in logged]
