"""The verifiable API: the booth's cast (the session's voter, CSRF checked), the cast with the
invitation's credential, the public reads (election.json, the board, a tracker, an audit), the
manager's setup — every refusal the one JSON body with the field at fault, nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from moot.ballots.models import Return
from moot.verifiable.actions import do_cast_verifiable
from moot.verifiable.models import BoardEntry
from moot.verify import vballot
from verifiable.world import VerifiableWorld, open_verifiable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> VerifiableWorld:
    return open_verifiable()


def _voter(world: VerifiableWorld, n: int = 0, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    code = world.base.code(world.base.entries[n])
    client.get(f"/ballots/{world.ballot.pk}/vote/c/{code}/")
    return client


def _cast(client: Client, world: VerifiableWorld, ballot: object, **extra: Any) -> Any:
    return client.post(
        f"/api/verifiable/ballots/{world.ballot.pk}/cast",
        json.dumps({"ballot": ballot}),
        content_type="application/json",
        **extra,
    )


def test_the_booth_casts_with_the_session_and_gets_its_tracker(world: VerifiableWorld) -> None:
    ballot = world.encrypt(0, [1, 0, 2])
    response = _cast(_voter(world), world, ballot)
    assert response.status_code == 201
    body = response.json()
    assert body["tracker"] == vballot.tracker(ballot)
    assert body["tracker_shown"] == vballot.format_tracker(body["tracker"])
    assert body["height"] == 2
    assert body["board_url"].endswith(f"?tracker={body['tracker']}")
    found = Client().get(f"/api/verifiable/ballots/{world.ballot.pk}/trackers/{body['tracker']}")
    assert found.json()["height"] == 2


def test_the_cast_needs_csrf(world: VerifiableWorld) -> None:
    client = _voter(world, csrf=True)
    response = _cast(client, world, world.encrypt(0, [1, 0, 0]))
    assert response.status_code == 403
    assert not BoardEntry.objects.filter(kind="ballot").exists()
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    if token is None:
        client.get(f"/ballots/{world.ballot.pk}/verifiable/vote/")
        token = client.cookies["csrftoken"].value
    ok = _cast(client, world, world.encrypt(0, [1, 0, 0]), HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201


def test_a_stranger_cannot_cast(world: VerifiableWorld) -> None:
    response = _cast(Client(), world, world.encrypt(0, [1, 0, 0]))
    assert response.status_code == 401
    assert not Return.objects.exists()


def test_a_refusal_names_the_field_and_writes_nothing(world: VerifiableWorld) -> None:
    ballot = world.encrypt(0, [1, 0, 0])
    # Another last digit, never the same one (a "0" kept a credential ending in 0 unchanged: the
    # cast then succeeded, one run in sixteen).
    last = ballot["credential"][-1]
    ballot["credential"] = ballot["credential"][:-1] + ("1" if last == "0" else "0")
    response = _cast(_voter(world), world, ballot)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "credential"
    assert body["detail"].startswith("Your ballot was refused and nothing was recorded: credential")
    assert not Return.objects.exists()
    assert not BoardEntry.objects.filter(kind="ballot").exists()


def test_a_reused_credential_is_a_conflict(world: VerifiableWorld) -> None:
    assert _cast(_voter(world, 0), world, world.encrypt(0, [1, 0, 0])).status_code == 201
    response = _cast(_voter(world, 1), world, world.encrypt(0, [0, 1, 0]))
    assert response.status_code == 409
    assert response.json()["field"] == "credential"
    assert Return.objects.count() == 1


def test_the_cast_with_the_invitation_credential(world: VerifiableWorld) -> None:
    url = f"/api/verifiable/ballots/{world.ballot.pk}/cast/credential"
    ballot = world.encrypt(1, [0, 0, 1])
    wrong = Client().post(
        url,
        json.dumps({"credential": "AAAA-AAAA-AAAA-AAAA", "ballot": ballot}),
        content_type="application/json",
    )
    assert wrong.status_code in {404, 422}
    assert wrong.json()["field"] == "credential"
    code = world.base.code(world.base.entries[1])
    ok = Client().post(
        url, json.dumps({"credential": code, "ballot": ballot}), content_type="application/json"
    )
    assert ok.status_code == 201
    assert ok.json()["tracker"] == vballot.tracker(ballot)


def test_the_public_reads(world: VerifiableWorld) -> None:
    do_cast_verifiable(world.ballot, world.base.entries[0], world.encrypt(0, [1, 2, 3]))
    client = Client()
    base = f"/api/verifiable/ballots/{world.ballot.pk}"
    election = client.get(f"{base}/election")
    assert vballot.election_hash(election.json()) == world.election.election_hash
    board = client.get(f"{base}/board", {"after": 0, "limit": 1}).json()
    assert board["size"] == 3
    assert [e["height"] for e in board["entries"]] == [1]
    assert board["next_after"] == 1
    entry = client.get(f"{base}/board/2").json()
    assert entry["type"] == "ballot"
    assert client.get(f"{base}/board/9").status_code == 404
    assert client.get(f"{base}/trackers/xyz").status_code == 422


def test_an_audited_ballot_cannot_be_cast(world: VerifiableWorld) -> None:
    """Whoever sees an audit (the operator through the audit page) holds an unsigned ballot:
    the cast API refuses it, and signing it needs the voter's credential."""
    parsed = world.parsed()
    unsigned, randomness = vballot.encrypt_unsigned(parsed, world.credentials[0], [[0, 1, 0]])
    audit = vballot.audit_object(parsed, unsigned, randomness, [[0, 1, 0]])
    client = _voter(world)
    refused = _cast(client, world, audit["ballot"])
    assert refused.status_code == 422
    assert "signature" in refused.json()["detail"]
    with pytest.raises(vballot.ProofError, match="did not make this ballot"):
        vballot.sign_ballot(parsed, world.credentials[1], audit["ballot"])
    assert not BoardEntry.objects.filter(kind="ballot").exists()
    assert not Return.objects.exists()


def test_the_audit_endpoint(world: VerifiableWorld) -> None:
    parsed = world.parsed()
    ballot, randomness = vballot.encrypt_ballot(parsed, world.credentials[0], [[0, 1, 0]])
    audit = vballot.audit_object(parsed, ballot, randomness, [[0, 1, 0]])
    url = f"/api/verifiable/ballots/{world.ballot.pk}/audit"
    ok = Client().post(url, json.dumps({"audit": audit}), content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["tracker"] == vballot.tracker(ballot)
    assert ok.json()["tracker_shown"] in ok.json()["compare"]
    assert (
        "compare it with the tracker your booth showed before you chose to check"
        in (ok.json()["compare"])
    )
    assert ok.json()["questions"][0]["lines"] == [
        {"choice": world.base.candidates[1].name, "mark": "1"}
    ]
    audit["randomness"][0][0] = audit["randomness"][0][0][::-1]
    bad = Client().post(url, json.dumps({"audit": audit}), content_type="application/json")
    assert bad.status_code == 422
    assert "does not check out" in bad.json()["detail"]
