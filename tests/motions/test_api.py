"""The motions API: in the OpenAPI document; tabling, rulings (refused without reasons, with the
clause), challenges, amendments, votes, forwarding; permissions; the chair-only note."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from moot.accounts.actions import do_create_api_token
from moot.motions.models import Motion
from moot.polls.actions import do_enter_teller_counts
from moot.polls.models import Poll
from motions.conftest import make_person


def post(client: Any, url: str, payload: Any = None, **headers: Any) -> Any:
    return client.post(url, json.dumps(payload or {}), content_type="application/json", **headers)


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_motions_are_in_the_openapi_document(assembly: Any) -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/motions/",
        "/api/motions/{motion_id}",
        "/api/motions/{motion_id}/rulings",
        "/api/motions/rulings/{ruling_id}/challenge",
        "/api/motions/rulings/{ruling_id}/challenge/close",
        "/api/motions/{motion_id}/amendments",
        "/api/motions/amendments/{amendment_id}/accept",
        "/api/motions/{motion_id}/vote",
        "/api/motions/{motion_id}/vote/close",
        "/api/motions/{motion_id}/forward",
    ):
        assert path in paths, path


def test_table_with_a_token_and_read_it_back(assembly: Any) -> None:
    _row, secret = do_create_api_token(
        assembly.mover.user, name="t", acting_user=assembly.mover.user
    )
    client = Client()
    payload = {
        "meeting": assembly.next_meeting.pk,
        "title": "Free school meals",
        "text": "This meeting resolves to campaign for free school meals for every child.",
        "mover": assembly.mover.number,
        "seconder": assembly.seconder.number,
    }
    assert post(client, "/api/motions/", payload).status_code == 401
    response = post(client, "/api/motions/", payload, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 1
    assert body["lines"][0] == {
        "number": 1,
        "text": body["lines"][0]["text"],
        "starts_paragraph": True,
    }
    assert body["chair_flags"] == []
    listed = client.get(
        f"/api/motions/?meeting={assembly.next_meeting.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    assert [m["title"] for m in listed] == ["Free school meals"]


def test_a_late_motion_is_refused_with_the_clause(assembly: Any) -> None:
    from motions.conftest import make_meeting

    late = make_meeting(assembly.clp, days_ahead=1, chair=assembly.chair)
    response = post(
        as_user(assembly.mover.user),
        "/api/motions/",
        {
            "meeting": late.pk,
            "title": "Late",
            "text": "Text.",
            "mover": assembly.mover.number,
            "seconder": assembly.seconder.number,
        },
    )
    assert response.status_code == 422
    assert response.json()["clause"] == "7.5.4"
    assert "Too late" in response.json()["detail"]


def test_rulings_challenge_and_permissions(assembly: Any, table: Any, check_in: Any) -> None:
    check_in(assembly.meeting, 6)
    motion = table()
    url = f"/api/motions/{motion.pk}/rulings"
    ruling = {"decision": "not_competent", "category": "reserved_to_national_bodies"}
    assert (
        post(as_user(assembly.secretary.user), url, {**ruling, "reasons": "x"}).status_code == 403
    )
    chair = as_user(assembly.chair.user)
    refused = post(chair, url, {**ruling, "reasons": " "})
    assert refused.status_code == 422
    assert "A ruling needs written reasons" in refused.json()["detail"]
    made = post(chair, url, {**ruling, "reasons": "Membership rules are national."})
    assert made.status_code == 201
    assert made.json()["clause"] == "15.6.2"
    ruling_id = made.json()["id"]
    challenged = post(chair, f"/api/motions/rulings/{ruling_id}/challenge", {"voting": "paper"})
    assert challenged.status_code == 200
    poll = Poll.objects.get(pk=challenged.json()["challenge_poll_id"])
    assert (poll.majority, poll.voting) == ("two-thirds", "paper")
    do_enter_teller_counts(poll, {"yes": 4, "no": 2}, acting_user=assembly.chair.user)
    closed = post(chair, f"/api/motions/rulings/{ruling_id}/challenge/close")
    assert closed.json()["challenge"] == "overturned"  # 4 of 6 present: two thirds
    assert chair.get(f"/api/motions/{motion.pk}").json()["state"] == "admitted"


def test_amend_vote_and_forward(assembly: Any, table: Any, check_in: Any) -> None:
    check_in(assembly.meeting, 5)
    motion = table()
    member = as_user(assembly.member.user)
    proposed = post(
        member,
        f"/api/motions/{motion.pk}/amendments",
        {"action": "insert", "line_from": 0, "text": "Preamble.", "mover": assembly.member.number},
    )
    assert proposed.status_code == 201
    amendment_id = proposed.json()["id"]
    assert post(member, f"/api/motions/amendments/{amendment_id}/accept").status_code == 403
    accepted = post(as_user(assembly.mover.user), f"/api/motions/amendments/{amendment_id}/accept")
    assert accepted.json()["state"] == "accepted"
    chair = as_user(assembly.chair.user)
    assert post(member, f"/api/motions/{motion.pk}/vote", {}).status_code == 403
    opened = post(chair, f"/api/motions/{motion.pk}/vote", {"voting": "show_of_hands"})
    assert opened.json()["text_as_amended"].startswith("Preamble.")
    poll = Poll.objects.get(pk=opened.json()["poll_id"])
    assert poll.question.startswith("Preamble.")
    do_enter_teller_counts(poll, {"yes": 3, "no": 1}, acting_user=assembly.chair.user)
    closed = post(chair, f"/api/motions/{motion.pk}/vote/close").json()
    assert (closed["outcome"], closed["votes_yes"], closed["votes_no"]) == ("carried", 3, 1)
    forwarded = post(chair, f"/api/motions/{motion.pk}/forward").json()
    assert forwarded["forwarded_to_id"] == assembly.region.pk


def test_chair_flags_only_for_the_chair(assembly: Any, table: Any) -> None:
    make_person(assembly.clp, first_name="Ines", last_name="Calloway", suspended=True)
    motion = table(title="About Ines", text="This meeting supports Ines Calloway in her case.")
    assert as_user(assembly.chair.user).get(f"/api/motions/{motion.pk}").json()["chair_flags"]
    for user in (assembly.mover.user, assembly.secretary.user, assembly.member.user):
        body = as_user(user).get(f"/api/motions/{motion.pk}").json()
        assert body["chair_flags"] == []
    assert Motion.objects.count() == 1
