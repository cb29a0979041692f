"""The polls API: in the OpenAPI document; casting is always the caller's own vote."""

from __future__ import annotations

import json
from typing import Any

import pytest

from moot.polls.models import Participation

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, payload: Any = None) -> Any:
    return client.post(url, json.dumps(payload or {}), content_type="application/json")


def test_polls_are_in_the_openapi_document(client: Any) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/polls/",
        "/api/polls/{poll_id}",
        "/api/polls/{poll_id}/open",
        "/api/polls/{poll_id}/close",
        "/api/polls/{poll_id}/cast",
        "/api/polls/{poll_id}/result",
    ):
        assert path in paths, path


def test_cast_with_session_and_the_refusals(client: Any, open_poll: Any, voters: list[Any]) -> None:
    poll = open_poll()
    ada, ben = (poll.options.get(label=label).pk for label in ("Ada", "Ben"))
    url = f"/api/polls/{poll.pk}/cast"
    assert post(client, url, {"choice": [ada]}).status_code == 401
    client.force_login(voters[0].user)
    detail = client.get(f"/api/polls/{poll.pk}").json()
    assert detail["ballot"] == "ranked"
    assert detail["turnout"] == {"voted": 0, "eligible": 5}
    bad = post(client, url, {"choice": {str(ada): 1, str(ben): 1}})
    assert bad.status_code == 422  # a refusal to fix the input: 422 in every app (moot.errors)
    assert bad.json()["code"] == "invalid"
    assert "You gave rank 1 to two candidates" in bad.json()["detail"]
    ok = post(client, url, {"choice": [ben, ada]})
    assert ok.status_code == 201
    assert ok.json()["detail"] == "Your vote has been recorded."
    again = post(client, url, {"choice": [ada]})
    assert again.status_code == 409
    assert again.json()["detail"] == "You have already voted in this poll."


def test_cast_for_another_member_is_impossible(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    ada = poll.options.get(label="Ada").pk
    url = f"/api/polls/{poll.pk}/cast"
    # An extra "member" field is not part of the schema: the vote is the caller's own.
    client.force_login(voters[1].user)
    assert post(client, url, {"choice": [ada], "member": voters[0].pk}).status_code == 201
    assert list(Participation.objects.filter(poll=poll).values_list("member_id", flat=True)) == [
        voters[1].pk
    ]
    # A manager without a membership record cannot vote at all, for anyone.
    client.force_login(manager)
    refused = post(client, url, {"choice": [ada], "member": voters[0].pk})
    assert refused.status_code == 403
    assert "only your own vote" in refused.json()["detail"]


def test_open_close_need_a_manager_and_result_waits_for_close(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    client.force_login(voters[0].user)
    assert post(client, f"/api/polls/{poll.pk}/close").status_code == 403
    assert client.get(f"/api/polls/{poll.pk}/result").status_code == 403
    assert client.get("/api/polls/424242").status_code == 404
    post(client, f"/api/polls/{poll.pk}/cast", {"choice": [poll.options.get(label="Cal").pk]})
    client.force_login(manager)
    closed = post(client, f"/api/polls/{poll.pk}/close")
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    client.force_login(voters[2].user)
    late = post(client, f"/api/polls/{poll.pk}/cast", {"choice": [poll.options.first().pk]})
    assert late.status_code == 409
    assert "This poll closed at" in late.json()["detail"]
    result = client.get(f"/api/polls/{poll.pk}/result").json()
    assert result["elected"] == ["Cal"]
    assert result["ballots"] == 1


def test_cast_with_a_personal_api_token(client: Any, open_poll: Any, voters: list[Any]) -> None:
    from moot.accounts.models import ApiToken
    from moot.accounts.tokens import digest, new_api_token

    poll = open_poll()
    token = new_api_token()
    ApiToken.objects.create(
        user=voters[4].user, name="phone", token_hash=digest(token), prefix=token[:12]
    )
    url = f"/api/polls/{poll.pk}/cast"
    choice = {"choice": [poll.options.get(label="Cal").pk]}
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(url, json.dumps(choice), content_type="application/json", **bearer)
    assert response.status_code == 201
    assert Participation.objects.get(poll=poll).member == voters[4]
    wrong = {"HTTP_AUTHORIZATION": "Bearer moot_not-a-real-token"}
    refused = client.post(url, json.dumps(choice), content_type="application/json", **wrong)
    assert refused.status_code == 401
    assert Participation.objects.filter(poll=poll).count() == 1
