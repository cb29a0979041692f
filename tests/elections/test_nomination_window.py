"""Forms that know the state (issue 9, item 3): the nomination form is offered only inside the
nomination window; the election's page states the real window ("Nominations closed on …", not
"Taking nominations"), and one check (``nomination_window``) decides the page and the refusal."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse

from moot.elections.actions import ElectionError, do_nominate, nomination_window

from .conftest import make_member, today


def written(day: datetime.date) -> str:
    """A pattern for ``day`` as the pages write it (with or without the weekday)."""
    return rf"(\w+ )?0?{day.day} {day:%B %Y}"


def test_after_the_window_the_page_says_closed_and_offers_no_form(
    client: Any, election_factory: Any, unit: Any
) -> None:
    election = election_factory("chair")  # nominations closed yesterday
    member = make_member(unit)
    client.force_login(member.user)
    closes = today() - datetime.timedelta(days=1)
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert re.search(f"Nominations closed on {written(closes)}", page)
    assert "Taking nominations" not in page
    assert reverse("elections:nominate", args=[election.pk]) not in page
    body = client.get(reverse("elections:nominate", args=[election.pk])).content.decode()
    assert 'name="nominee"' not in body
    assert "What you can do:" in body
    listed = client.get(reverse("elections:list") + f"?unit={unit.pk}").content.decode()
    assert re.search(f"Nominations closed on {written(closes)}", listed)
    window = nomination_window(election, today())
    with pytest.raises(ElectionError) as refused:
        do_nominate(
            election,
            nominee=make_member(unit),
            nominator=member,
            seconder=make_member(unit),
            acting_user=member.user,
        )
    assert refused.value.message == window.why


def test_before_the_window_the_page_gives_the_opening_date(
    client: Any, election_factory: Any, unit: Any
) -> None:
    opens = today() + datetime.timedelta(days=3)
    election = election_factory(
        "chair",
        nominations_open_on=opens,
        nominations_close_on=today() + datetime.timedelta(days=10),
        election_date=today() + datetime.timedelta(days=20),
    )
    client.force_login(make_member(unit).user)
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert re.search(f"Nominations open on {written(opens)}", page)
    assert reverse("elections:nominate", args=[election.pk]) not in page


def test_inside_the_window_the_form_is_offered(
    client: Any, election_factory: Any, unit: Any
) -> None:
    closes = today() + datetime.timedelta(days=10)
    election = election_factory(
        "chair",
        nominations_open_on=today() - datetime.timedelta(days=1),
        nominations_close_on=closes,
        election_date=today() + datetime.timedelta(days=20),
    )
    client.force_login(make_member(unit).user)
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert re.search(f"Taking nominations until {written(closes)}", page)
    assert reverse("elections:nominate", args=[election.pk]) in page
    body = client.get(reverse("elections:nominate", args=[election.pk])).content.decode()
    assert 'name="nominee"' in body


def test_a_member_nominates_finding_nominee_and_seconder_by_name(
    client: Any, election_factory: Any, unit: Any
) -> None:
    election = election_factory(
        "chair",
        nominations_open_on=today() - datetime.timedelta(days=1),
        nominations_close_on=today() + datetime.timedelta(days=10),
        election_date=today() + datetime.timedelta(days=20),
    )
    member = make_member(unit)
    nominee = make_member(unit, first_name="Oriel", last_name="Vantongeren")
    seconder = make_member(unit, first_name="Pellam", last_name="Wexcombe")
    client.force_login(member.user)
    url = reverse("elections:nominate", args=[election.pk])
    page = client.post(url, {"nominee_find": "O Vantong", "lookup": "nominee"}).content.decode()
    [nominee_token] = re.findall(r'name="nominee_pick" value="([^"]+)"', page)
    assert nominee.number not in page
    page = client.post(
        url, {"nominee_pick": nominee_token, "seconder_find": "Wexcombe, P", "lookup": "seconder"}
    ).content.decode()
    assert "Oriel Vantongeren" in page  # the first choice is shown again
    [seconder_token] = re.findall(r'name="seconder_pick" value="([^"]+)"', page)
    response = client.post(
        url,
        {
            "nominee_pick": nominee_token,
            "nominator": member.number,
            "seconder_pick": seconder_token,
        },
    )
    assert response.status_code == 302, response.content.decode()
    nomination = election.nominations.get()
    assert (nomination.nominee, nomination.nominator, nomination.seconder) == (
        nominee,
        member,
        seconder,
    )


def test_a_member_finds_the_nominator_by_name_too(
    client: Any, election_factory: Any, unit: Any
) -> None:
    """The nominator's field was a number only for a member (issue 9 fix round, 13): the
    member who seconds now finds the nominator by name as the other fields."""
    election = election_factory(
        "chair",
        nominations_open_on=today() - datetime.timedelta(days=1),
        nominations_close_on=today() + datetime.timedelta(days=10),
        election_date=today() + datetime.timedelta(days=20),
    )
    member = make_member(unit)
    nominator = make_member(unit, first_name="Ysolde", last_name="Marchbanks")
    client.force_login(member.user)
    url = reverse("elections:nominate", args=[election.pk])
    page = client.post(url, {"nominator_find": "Y Marchb", "lookup": "nominator"}).content.decode()
    assert 'name="nominator_find"' in page
    [token] = re.findall(r'name="nominator_pick" value="([^"]+)"', page)
    assert "Ysolde Marchbanks" in page
    assert nominator.number not in page
    assert token
