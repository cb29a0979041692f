"""Personal API tokens: created once (shown once), stored as a digest, revocable."""

from __future__ import annotations

import datetime
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.world import World
from moot.accounts.models import ApiToken
from moot.accounts.tokens import digest

TOKEN = re.compile(r'value="(moot_[^"]+)"')


def create(client: Client, name: str = "sync script", **extra: str):
    return client.post(reverse("accounts:tokens"), {"name": name, **extra})


def test_create_use_and_revoke(client: Client, world: World) -> None:
    client.force_login(world.users["secretary"])
    response = create(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = TOKEN.search(response.content.decode()).group(1)
    row = ApiToken.objects.get(user=world.users["secretary"])
    assert row.token_hash == digest(secret)
    assert secret.startswith(row.prefix)
    # The list page never shows the secret again.
    assert secret not in client.get(reverse("accounts:tokens")).content.decode()

    api = Client()
    url = reverse("api-1.0.0:member_detail", args=[world.target.pk])
    ok = api.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ok.status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None

    client.post(reverse("accounts:token_revoke", args=[row.pk]))
    refused = api.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 401
    assert "Bearer" in refused.json()["detail"]


def test_expired_token_is_refused(client: Client, world: World) -> None:
    client.force_login(world.users["secretary"])
    secret = TOKEN.search(create(client).content.decode()).group(1)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = Client().get("/api/units/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_token_of_a_deactivated_account_is_refused(client: Client, world: World) -> None:
    user = world.users["secretary"]
    client.force_login(user)
    secret = TOKEN.search(create(client).content.decode()).group(1)
    user.is_active = False
    user.save()
    assert Client().get("/api/units/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_bad_form_input_is_explained(client: Client, world: World) -> None:
    client.force_login(world.users["member"])
    empty = create(client, name="")
    assert empty.status_code == 400
    assert "This field is required" in empty.content.decode()
    past = create(client, expires_on=str(timezone.localdate()))
    assert past.status_code == 400
    assert "Choose a date after today" in past.content.decode()
    assert not ApiToken.objects.exists()


def test_one_cannot_revoke_another_persons_token(client: Client, world: World) -> None:
    client.force_login(world.users["secretary"])
    create(client)
    row = ApiToken.objects.get()
    client.force_login(world.users["member"])
    assert client.post(reverse("accounts:token_revoke", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_tokens_page_needs_sign_in(client: Client, db) -> None:
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_token_lookup_reads_what_the_orm_reads(world: World) -> None:
    """Authentication reads the token and its user with plain SQL (the hot path of a live
    vote); both must be what the ORM gives, field by field, typed alike, on both databases."""
    from moot.accounts.models import User
    from moot.accounts.tokens import _token_with_user, new_api_token, user_for_token

    user = world.users["secretary"]
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    secret = new_api_token()
    ApiToken.objects.create(
        user=user,
        name="phone",
        token_hash=digest(secret),
        prefix=secret[:12],
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    fast = _token_with_user(digest(secret))
    slow = ApiToken.objects.select_related("user").get(token_hash=digest(secret))
    for name in ("id", "user_id", "name", "prefix", "token_hash", "expires_at", "revoked_at"):
        assert getattr(fast, name) == getattr(slow, name), name
    assert fast.expires_at.tzinfo is not None
    for field in User._meta.concrete_fields:
        mine, theirs = getattr(fast.user, field.attname), getattr(slow.user, field.attname)
        assert mine == theirs, field.attname
        assert type(mine) is type(theirs), field.attname  # bool, aware datetime, str …
    assert fast.user.last_login.tzinfo is not None
    assert user_for_token(secret) == user
    # Used just now: last_used_at is written, then not again within the minute.
    first = ApiToken.objects.get(pk=fast.pk).last_used_at
    assert first is not None
    assert user_for_token(secret) == user
    assert ApiToken.objects.get(pk=fast.pk).last_used_at == first
    assert _token_with_user(digest("moot_not-a-real-token")) is None
