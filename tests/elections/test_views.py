"""Election pages per role: outsiders refused, members see candidates and statements (never
anyone's gender or the reasons a nomination was refused), nominees consent, managers run the
election from creation to declaration."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from factories import UnitFactory
from moot.elections.models import Election, ElectionState, Nomination, NominationState
from moot.units.models import OfficeHolding

from .conftest import make_member, post_of, stand, today


@pytest.fixture
def election(election_factory: Any, unit: Any, officer: Any) -> Election:
    election = election_factory("policy-officer", method="irv")
    stand(
        election,
        make_member(unit, first_name="Rowan", woman=True),
        officer=officer,
        statement="Rivers first.",
    )
    stand(
        election,
        make_member(unit, first_name="Sefton"),
        officer=officer,
        statement="Buses & <b>bikes</b>.",
    )
    return election


def test_anonymous_users_are_sent_to_sign_in(client: Any, election: Election) -> None:
    response = client.get(reverse("elections:detail", args=[election.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_member_of_another_unit_may_not_see_the_election(client: Any, election: Election) -> None:
    client.force_login(make_member(UnitFactory(kind="constituency")).user)
    # An election they may not see is answered as one that does not exist (moot.access).
    assert client.get(reverse("elections:detail", args=[election.pk])).status_code == 404
    assert client.get(reverse("elections:ballot", args=[election.pk])).status_code == 404
    listed = client.get(reverse("elections:list"))
    assert election.title not in listed.content.decode()


def test_a_member_sees_candidates_and_statements_escaped_and_no_gender(
    client: Any, election: Election, unit: Any
) -> None:
    client.force_login(make_member(unit).user)
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "Rowan" in page
    assert "Sefton" in page
    assert "Rivers first." in page
    assert "Buses &amp; &lt;b&gt;bikes&lt;/b&gt;." in page
    assert "woman" not in page.lower().replace("reserved for women", "")
    assert "Close nominations and open the vote" not in page
    ballot = client.get(reverse("elections:ballot", args=[election.pk])).content.decode()
    assert "Rivers first." in ballot
    assert "The vote has not opened yet." in ballot


def test_a_member_cannot_run_the_election(client: Any, election: Election, unit: Any) -> None:
    client.force_login(make_member(unit).user)
    for name in ("open", "close", "declare"):
        assert client.post(reverse(f"elections:{name}", args=[election.pk])).status_code == 403
    assert client.get(reverse("elections:create") + f"?unit={unit.pk}").status_code == 403


def test_a_member_nominates_the_seconder_seconds_and_the_nominee_consents(
    client: Any, election: Election, unit: Any
) -> None:
    election.nominations_close_on = today()
    election.save(update_fields=["nominations_close_on"])
    nominator, seconder, nominee = make_member(unit), make_member(unit), make_member(unit)
    client.force_login(nominator.user)
    form = client.get(reverse("elections:nominate", args=[election.pk])).content.decode()
    assert nominator.number in form  # the nominator field starts with the member's own number
    response = client.post(
        reverse("elections:nominate", args=[election.pk]),
        {"nominee": nominee.number, "nominator": nominator.number, "seconder": seconder.number},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get(election=election, nominee=nominee)
    assert nomination.state == NominationState.AWAITING_SECONDER
    client.force_login(seconder.user)
    client.post(reverse("elections:second", args=[nomination.pk]))
    client.force_login(nominee.user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Nominations waiting for you" in dashboard
    assert reverse("elections:nomination", args=[nomination.pk]) in dashboard
    page = client.get(reverse("elections:nomination", args=[nomination.pk])).content.decode()
    assert "Do you accept the nomination?" in page
    too_long = client.post(
        reverse("elections:nomination", args=[nomination.pk]),
        {"answer": "accept", "statement": "x" * 1501},
    )
    assert too_long.status_code == 200
    assert "Shorten it by 1" in too_long.content.decode()
    client.post(
        reverse("elections:nomination", args=[nomination.pk]),
        {"answer": "accept", "statement": "Housing, housing, housing."},
    )
    nomination.refresh_from_db()
    assert nomination.state == NominationState.STANDING
    assert nomination.statement == "Housing, housing, housing."


def test_an_unknown_member_number_is_named_in_the_form(
    client: Any, election: Election, unit: Any
) -> None:
    election.nominations_close_on = today()
    election.save(update_fields=["nominations_close_on"])
    me = make_member(unit)
    client.force_login(me.user)
    response = client.post(
        reverse("elections:nominate", args=[election.pk]),
        {"nominee": "Z999", "nominator": me.number, "seconder": make_member(unit).number},
    )
    assert response.status_code == 200
    assert "has the number Z999" in response.content.decode()


def test_the_reason_for_a_refusal_is_shown_to_the_nominee_and_the_officer_only(
    client: Any, election: Election, unit: Any, officer: Any
) -> None:
    nomination = Nomination.objects.filter(election=election).first()
    Nomination.objects.filter(pk=nomination.pk).update(
        state=NominationState.REFUSED, refusal="lapsed on 1 May", refusal_clause="2.3"
    )
    client.force_login(make_member(unit).user)
    assert (
        "lapsed on 1 May"
        not in client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    )
    client.force_login(nomination.nominee.user)
    assert (
        "lapsed on 1 May"
        in client.get(reverse("elections:nomination", args=[nomination.pk])).content.decode()
    )
    client.force_login(officer)
    assert (
        "lapsed on 1 May"
        in client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    )


def test_the_officer_runs_the_election_from_creation_to_declaration(
    client: Any, unit: Any, officer: Any
) -> None:
    client.force_login(officer)
    assert client.get(reverse("elections:create") + f"?unit={unit.pk}").status_code == 200
    response = client.post(
        reverse("elections:create") + f"?unit={unit.pk}",
        {
            "unit": unit.pk,
            "post": post_of(unit, "policy-officer").pk,
            "method": "irv",
            "election_date": today().isoformat(),
            "nominations_open_on": (today() - datetime.timedelta(days=9)).isoformat(),
            "nominations_close_on": (today() - datetime.timedelta(days=1)).isoformat(),
            "statement_limit": 1500,
        },
    )
    election = Election.objects.get()
    assert response["Location"] == reverse("elections:detail", args=[election.pk])
    candidates = [stand(election, make_member(unit), officer=officer) for _ in range(3)]
    detail = reverse("elections:detail", args=[election.pk])
    client.post(reverse("elections:open", args=[election.pk]))
    election.refresh_from_db()
    status = client.get(reverse("elections:ballot_status", args=[election.pk]))
    assert status.status_code == 286  # htmx stops polling: the ballot is open
    assert "Go to the ballot" in status.content.decode()
    assert election.state == ElectionState.BALLOT
    assert election.poll.is_open
    page = client.get(detail).content.decode()
    assert "Close the vote and count" in page
    assert "Vote now" in page
    from moot.polls.actions import do_cast_ballot

    options = dict(election.nominations.values_list("pk", "poll_option_id"))
    for voter in [c.nominator for c in candidates]:
        do_cast_ballot(election.poll, voter, [options[candidates[0].pk]], acting_user=voter.user)
    client.post(reverse("elections:close", args=[election.pk]))
    page = client.get(detail).content.decode()
    assert 'id="result-heading"' in page  # polls' result partial
    # Three voters in a secret ballot: totals only (the preset's [polls] minimum is five).
    assert "Fewer than 5 voted: only totals are shown" in page
    assert "Votes in each round" not in page
    assert "Declare the result" in page
    client.post(reverse("elections:declare", args=[election.pk]))
    page = client.get(detail).content.decode()
    assert "Declaration" in page
    assert f"Elected:</strong> {candidates[0].label}" in page
    assert (
        OfficeHolding.objects.get(post=post_of(unit, "policy-officer"), end__isnull=True).member_id
        == candidates[0].nominee_id
    )


def test_refusals_are_shown_as_messages(client: Any, election: Election, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(reverse("elections:declare", args=[election.pk]), follow=True)
    assert "candidates stand for 1 seat(s): open the vote" in response.content.decode()


def test_a_secretary_finds_the_button_to_set_up_an_election(client: Any, unit: Any) -> None:
    from factories import OfficeHoldingFactory

    secretary = make_member(unit)
    OfficeHoldingFactory(post=post_of(unit, "secretary"), member=secretary)
    client.force_login(secretary.user)
    page = client.get(reverse("elections:list")).content.decode()
    assert f"/elections/new/?unit={unit.pk}" in page
    client.force_login(make_member(unit).user)
    assert "/elections/new/" not in client.get(reverse("elections:list")).content.decode()
