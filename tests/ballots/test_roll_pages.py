"""The roll pages and API: freeze and issue confirm pages, the roll summary (counts, one entry by
number, never a list of names), the reissue page, the member's own entitlement page and its
Merkle path, and the same over the API."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.test import Client

from ballots.roll_world import roll_world
from moot.accounts.actions import do_create_api_token
from moot.ballots import credentials
from moot.ballots.actions.roll import do_freeze_ballot, do_issue_ballot
from moot.ballots.models import RevokedCredential, RollEntry

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any) -> Client:
    _token, secret = do_create_api_token(user, name="roll", acting_user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_freeze_and_issue_through_the_confirm_pages() -> None:
    world = roll_world()
    ro = _client(world.officer)
    page = ro.get(f"/ballots/{world.ballot.pk}/freeze/")
    assert page.status_code == 200
    assert "Casey Candidate" in page.content.decode()
    refused = ro.post(f"/ballots/{world.ballot.pk}/freeze/", {})  # the box not ticked
    assert refused.status_code == 400
    done = ro.post(f"/ballots/{world.ballot.pk}/freeze/", {"confirm": "on"})
    assert done.status_code == 302
    assert done["Location"] == f"/ballots/{world.ballot.pk}/roll/"
    world.ballot.refresh_from_db()
    assert world.ballot.state == "frozen"
    again = ro.post(f"/ballots/{world.ballot.pk}/freeze/", {"confirm": "on"})
    assert again.status_code == 409  # the page says when it was frozen
    assert "was frozen on" in again.content.decode()
    issue = ro.get(f"/ballots/{world.ballot.pk}/issue/")
    assert "8 voters" in issue.content.decode()
    assert ro.post(f"/ballots/{world.ballot.pk}/issue/", {"confirm": "on"}).status_code == 302
    world.ballot.refresh_from_db()
    assert world.ballot.state == "open"


def test_roll_summary_counts_and_one_entry_by_number_never_a_list_of_names() -> None:
    world = roll_world()
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    scrutineer = _client(world.scrutineer)
    page = scrutineer.get(f"/ballots/{world.ballot.pk}/roll/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "North Vale" in text
    assert "7.3" in text  # refusals by clause
    for member in world.members.values():
        assert member.last_name not in text or member.last_name in ("Candidate",)
        assert member.number not in text
    bob = world.members["bob"]
    found = scrutineer.get(f"/ballots/{world.ballot.pk}/roll/", {"number": bob.number})
    assert found.status_code == 200
    assert bob.number in found.content.decode()
    assert "Reissue this member" not in found.content.decode()  # the scrutineer only reads
    missing = scrutineer.get(f"/ballots/{world.ballot.pk}/roll/", {"number": "ZZ999"})
    assert missing.status_code == 422
    assert "Nobody numbered ZZ999" in missing.content.decode()
    assert (
        _client(world.members["alice"].user).get(f"/ballots/{world.ballot.pk}/roll/").status_code
        == 403
    )


def test_reissue_page_revokes_the_old_credential() -> None:
    world = roll_world()
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    bob = world.members["bob"]
    entry = RollEntry.objects.get(ballot=world.ballot, member=bob)
    old = credentials.credential_for(world.ballot, entry)
    response = _client(world.officer).post(
        f"/ballots/{world.ballot.pk}/reissue/",
        {"number": bob.number, "channel": "online", "reason": "never arrived"},
    )
    assert response.status_code == 302
    assert RevokedCredential.objects.get(entry=entry).credential_hash == (
        credentials.hash_credential(old)
    )
    refused = _client(world.officer).post(
        f"/ballots/{world.ballot.pk}/reissue/",
        {"number": world.members["arrears"].number, "channel": "post", "reason": "asked"},
    )
    assert refused.status_code == 403
    assert "not on the electorate" in refused.content.decode()


def test_my_page_says_why_and_shows_a_path_that_checks() -> None:
    world = roll_world()
    alice = _client(world.members["alice"].user)
    assert (
        "has not been frozen yet" in alice.get(f"/ballots/{world.ballot.pk}/my/").content.decode()
    )
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    text = alice.get(f"/ballots/{world.ballot.pk}/my/").content.decode()
    assert "You may vote in this ballot" in text
    assert world.ballot.__class__.objects.get().roll_commitment["root"] in text
    do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    response = alice.post(f"/ballots/{world.ballot.pk}/my/", {"channel": "online"})
    assert response.status_code == 302
    assert RollEntry.objects.get(ballot=world.ballot, member=world.members["alice"]).serial == 1


def test_an_ineligible_member_reads_the_reason_and_clause(django_user_model: Any) -> None:
    from factories import UserFactory

    world = roll_world()
    member = world.members["arrears"]
    member.user = UserFactory(email="arrears@example.org")
    member.save()
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    text = _client(member.user).get(f"/ballots/{world.ballot.pk}/my/").content.decode()
    entry = RollEntry.objects.get(ballot=world.ballot, member=member)
    assert "You may not vote in this ballot" in text
    assert f"clause {entry.clause}" in text


def test_api_freeze_roll_my_and_reissue() -> None:
    world = roll_world()
    ro = _api(world.officer)
    frozen = ro.post(f"/api/ballots/{world.ballot.pk}/freeze")
    assert frozen.status_code == 200
    root = frozen.json()["roll_commitment"]["root"]
    assert ro.post(f"/api/ballots/{world.ballot.pk}/freeze").status_code == 409
    summary = ro.get(f"/api/ballots/{world.ballot.pk}/roll").json()
    assert summary["eligible"] == 8
    assert summary["refused"] == 4
    mine = _api(world.members["alice"].user).get(f"/api/ballots/{world.ballot.pk}/my").json()
    assert mine["entry"]["eligible"] is True
    node = hashlib.sha256(
        b"\x00" + bytes.fromhex(mine["salt"]) + mine["leaf_text"].encode()
    ).digest()
    for step in mine["path"]:
        other = bytes.fromhex(step["node"])
        node = hashlib.sha256(
            b"\x01" + (other + node if step["side"] == "left" else node + other)
        ).digest()
    assert node.hex() == root == mine["root"]
    assert ro.post(f"/api/ballots/{world.ballot.pk}/issue").status_code == 200
    reissued = ro.post(
        f"/api/ballots/{world.ballot.pk}/reissue",
        data=json.dumps(
            {"number": world.members["bob"].number, "channel": "post", "reason": "lost"}
        ),
        content_type="application/json",
    )
    assert reissued.status_code == 200
    assert reissued.json()["serial"] == 1
    assert reissued.json()["channel"] == "post"
    assert "credential_hash" not in reissued.content.decode()


def test_the_public_page_and_the_console_show_the_frozen_roll() -> None:
    world = roll_world()
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    public = Client().get(f"/ballots/{world.ballot.pk}/").content.decode()
    assert world.ballot.roll_commitment["root"] in public
    assert "North Vale" in public
    for member in world.members.values():
        assert member.number not in public
    console = _client(world.officer).get(f"/ballots/{world.ballot.pk}/manage/").content.decode()
    assert "8 voters of 12 members assessed" in console
