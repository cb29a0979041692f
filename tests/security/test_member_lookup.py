"""The member look-up (docs/security.md §3, "The member look-up"): a member finds a seconder or
a nominee by name, and no more. Insiders try to harvest the register through it: a member of
another unit, a search by e-mail or number, a search for a suspended member, a thousand
searches, a choice forged or carried to another form or account. Runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from factories import MeetingFactory, MemberFactory, tonight
from moot.errors import Refusal, RefusalCode
from moot.units import lookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside(world: Any) -> dict[str, Any]:
    """Namesakes in and out of Riverside: an active one (found), a suspended one (never
    found), one in another constituency (never found)."""
    found = MemberFactory(
        constituency=world.riverside,
        branch=world.south,
        first_name="Marisol",
        last_name="Quennell",
        email="mq.7741@example.org",
        address="14 Kiln Row, Hollow End",
        postcode="RH4 7QX",
        phone="07700 900417",
        joined_weeks_ago=200,
    )
    suspended = MemberFactory(
        constituency=world.riverside,
        branch=world.south,
        first_name="Marisol",
        last_name="Quenby",
        joined_weeks_ago=200,
        suspended=True,
    )
    elsewhere = MemberFactory(
        constituency=world.elsewhere,
        branch=world.east,
        first_name="Marisol",
        last_name="Quest",
        joined_weeks_ago=200,
    )
    return {"found": found, "suspended": suspended, "elsewhere": elsewhere}


def _find(user: Any, unit: Any, text: str, purpose: str = "meeting") -> list[lookup.Match]:
    return lookup.find_members(user, unit, text, purpose=purpose, at=timezone.localdate())


def test_a_member_finds_only_eligible_members_of_their_own_unit(
    world: Any, riverside: dict[str, Any]
) -> None:
    matches = _find(world.users["member"], world.riverside, "Marisol Que")
    assert [m.name for m in matches] == [riverside["found"].full_name]
    assert matches[0].branch == world.south.name
    # Surname first with a comma, an initial, and accents or case do not matter.
    for text in ("QUENN, m", "M Quénn", "Marisol Quennell"):
        assert [m.name for m in _find(world.users["member"], world.riverside, text)] == [
            riverside["found"].full_name
        ], text


def test_a_member_of_another_unit_is_refused(world: Any, riverside: dict[str, Any]) -> None:
    with pytest.raises(Refusal) as refused:
        _find(world.users["outsider"], world.riverside, "Marisol Que")
    assert refused.value.code == RefusalCode.FORBIDDEN


def test_no_search_by_email_or_membership_number(world: Any, riverside: dict[str, Any]) -> None:
    found = riverside["found"]
    for text in (found.email, found.email[:8], f"M {found.number}", f"{found.number}, M"):
        assert _find(world.users["member"], world.riverside, text) == [], text
    for text in (found.number, found.number[1:]):  # not two names: refused
        with pytest.raises(Refusal, match="at least 3 letters of their surname"):
            _find(world.users["member"], world.riverside, text)


def test_one_name_alone_or_too_short_a_surname_is_refused(
    world: Any, riverside: dict[str, Any]
) -> None:
    """Before, three letters of either name were enough: 30 searches listed 162 of a branch's
    278 names. Now the first name (or its initial) and three letters of the surname."""
    for text in ("Ma", " m-a ", "Marisol", "Quennell", "Que", "M Qu", "Quennell,", ", Marisol"):
        with pytest.raises(Refusal, match="at least 3 letters of their surname"):
            _find(world.users["member"], world.riverside, text)
    # Refused before the search: nothing was counted against the limit.
    from moot.limits.models import LimitHit

    assert not LimitHit.objects.filter(scope=lookup.SCOPE).exists()


def test_at_most_five_answers(world: Any) -> None:
    for n in range(8):
        MemberFactory(
            constituency=world.riverside,
            branch=world.south,
            first_name=f"Ada{chr(97 + n)}",
            last_name=f"Ashcombe{chr(97 + n)}",
            joined_weeks_ago=200,
        )
    assert lookup.SHOWN == 5
    assert len(_find(world.users["member"], world.riverside, "A Ash")) == 5


def test_searches_are_rate_limited_per_user(world: Any, riverside: dict[str, Any]) -> None:
    user = world.users["member"]
    assert lookup.LIMIT == 10
    for _ in range(lookup.LIMIT):
        _find(user, world.riverside, "M Quen")
    with pytest.raises(Refusal) as refused:
        _find(user, world.riverside, "M Quen")
    assert refused.value.code == RefusalCode.RATE_LIMITED
    # Another member is not slowed by it; the window moves on.
    assert _find(world.users["secretary"], world.riverside, "M Quen")
    with time_machine.travel(timezone.now() + lookup.WINDOW + datetime.timedelta(seconds=5)):
        assert _find(user, world.riverside, "M Quen")


def test_a_choice_is_the_searchers_own_for_this_unit_and_purpose(
    world: Any, riverside: dict[str, Any]
) -> None:
    member, secretary = world.users["member"], world.users["secretary"]
    token = _find(member, world.riverside, "Marisol Que")[0].token
    found = lookup.member_from_token(member, world.riverside, token, purpose="meeting")
    assert found == riverside["found"]
    refusals = (
        (secretary, world.riverside, token, "meeting"),  # another account
        (member, world.north, token, "meeting"),  # another unit
        (member, world.riverside, token, "stand"),  # another purpose
        (member, world.riverside, token[:-2] + "xy", "meeting"),  # forged
    )
    for user, unit, text, purpose in refusals:
        with pytest.raises(Refusal, match="look the member up again"):
            lookup.member_from_token(user, unit, text, purpose=purpose)
    later = timezone.now() + datetime.timedelta(seconds=lookup.TOKEN_AGE + 5)
    with time_machine.travel(later), pytest.raises(Refusal, match="look the member up again"):
        lookup.member_from_token(member, world.riverside, token, purpose="meeting")


def test_the_form_page_shows_name_and_branch_only(world: Any, riverside: dict[str, Any]) -> None:
    meeting = MeetingFactory(unit=world.riverside, kind="general", starts_at=tonight(30))
    client = Client()
    client.force_login(world.users["member"])
    url = f"/meetings/{meeting.pk}/motions/new/"
    response = client.post(
        url, {"title": "Buses", "seconder_find": "Marisol Que", "lookup": "seconder"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    found = riverside["found"]
    assert found.full_name in page
    assert world.south.name in page
    for secret in (found.number, found.email, found.address, found.postcode, found.phone):
        assert secret, "the fixture gives every field"
        assert secret not in page, secret
    assert riverside["suspended"].full_name not in page
    assert riverside["elsewhere"].full_name not in page
    assert 'value="Buses"' in page  # what was typed is kept
    # An outsider cannot reach the form at all.
    outsider = Client()
    outsider.force_login(world.users["outsider"])
    response = outsider.post(url, {"seconder_find": "Marisol Que", "lookup": "seconder"})
    assert response.status_code == 404


def test_a_typed_number_does_not_tell_who_is_ineligible(
    world: Any, riverside: dict[str, Any]
) -> None:
    """Before, a number nobody has got "No member has the number …" while a suspended member's
    got "… cannot be the seconder under the rulebook": typing numbers told who was suspended
    or in arrears. Now a number nobody has, another unit's member and a member the rulebook
    does not let second all get the same answer, on the form and in the API."""
    meeting = MeetingFactory(unit=world.riverside, kind="general", starts_at=tonight(30))
    client = Client()
    client.force_login(world.users["member"])
    mover = world.members["member"].number
    numbers = {
        "unknown": "Z9999999",
        "another unit": riverside["elsewhere"].number,
        "suspended": riverside["suspended"].number,
    }
    answers = {}
    for why, number in numbers.items():
        response = client.post(
            f"/meetings/{meeting.pk}/motions/new/",
            {
                "title": "Buses",
                "text": "This meeting wants buses.",
                "proposer_kind": "member",
                "mover": mover,
                "seconder": number,
            },
        )
        page = response.content.decode()
        said = f"No member who may be the seconder of this motion has the number {number}"
        assert said in page, why
        assert "under the rulebook" not in page, why
        api = client.post(
            "/api/motions/",
            {
                "meeting": meeting.pk,
                "title": "Buses",
                "text": "This meeting wants buses.",
                "mover": mover,
                "seconder": number,
            },
            content_type="application/json",
        )
        body = api.json()
        answers[why] = (api.status_code, body.get("code"), body["detail"].replace(number, "N"))
    assert len(set(answers.values())) == 1, answers
