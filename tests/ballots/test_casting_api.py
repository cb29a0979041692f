"""The casting API (issue 11, item 11): a vote with a credential and no account, a signed-in
member's own vote, tellers' keyings and resolutions, public turnout; refusals answered with
their code and field, and no answer says what was voted."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ballots.casting_world import open_ballot
from moot.ballots.models import PaperDecision, Return

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict) -> tuple[int, dict]:
    response = client.post(f"/api{path}", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_cast_with_a_credential_needs_no_account_and_refuses_a_second() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    a, b, _c = world.candidates
    client = Client()
    path = f"/ballots/{ballot.pk}/cast"
    status, body = _post(client, path, {"credential": world.code(entry), "choice": [b.pk, a.pk]})
    assert (status, body) == (201, {"received": True, "replaced": False})
    status, body = _post(client, path, {"credential": world.code(entry), "choice": [a.pk]})
    assert status == 409
    assert body["code"] == "conflict"
    assert Return.objects.filter(entry=entry).count() == 1
    status, body = _post(client, path, {"credential": "nonsense", "choice": [a.pk]})
    assert (status, body["field"]) == (422, "credential")
    status, body = _post(
        client, path, {"credential": world.code(world.entries[1]), "choice": [a.pk, a.pk]}
    )
    assert status == 422
    assert "Ada Ashdown is marked twice" in body["detail"]


def test_cast_mine_and_keying_and_turnout() -> None:
    world = open_ballot(kind="question")
    ballot, entry = world.ballot, world.entries[0]
    member = Client()
    member.force_login(entry.member.user)
    status, _body = _post(member, f"/ballots/{ballot.pk}/cast/mine", {"choice": "yes"})
    assert status == 201
    status, body = _post(
        member,
        f"/ballots/{ballot.pk}/papers/keyings",
        {"paper_number": 2, "check_code": world.check(world.entries[1]), "choice": "no"},
    )
    assert status == 403
    one, two, three = (Client() for _ in range(3))
    for client, teller in zip((one, two, three), world.tellers, strict=True):
        client.force_login(teller)
    paper = world.entries[1]
    key = {"paper_number": paper.paper_number, "check_code": world.check(paper)}
    assert (
        _post(one, f"/ballots/{ballot.pk}/papers/keyings", {**key, "choice": "no"})[1]["outcome"]
        == "awaiting_second"
    )
    assert (
        _post(two, f"/ballots/{ballot.pk}/papers/keyings", {**key, "choice": "yes"})[1]["outcome"]
        == "discrepancy"
    )
    status, body = _post(
        three,
        f"/ballots/{ballot.pk}/papers/resolutions",
        {"paper_number": paper.paper_number, "choice": "no", "reason": "a clear cross by No"},
    )
    assert status == 422  # a free description of the marks is refused: a fixed list only
    assert not PaperDecision.objects.filter(paper_number=paper.paper_number).exists()
    status, body = _post(
        three,
        f"/ballots/{ballot.pk}/papers/resolutions",
        {"paper_number": paper.paper_number, "choice": "no", "reason": "misread"},
    )
    assert (status, body["outcome"]) == (201, "resolved")
    assert PaperDecision.objects.get(paper_number=paper.paper_number).outcome == "resolved"
    turnout = Client().get(f"/api/ballots/{ballot.pk}/turnout").json()
    assert turnout["voted"] is None
    assert turnout["voted_shown"].startswith("hidden (fewer than 10 have voted")
    assert "yes" not in json.dumps(turnout)
