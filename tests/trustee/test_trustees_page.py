"""/ballots/<id>/verifiable/trustees/: public progress and the commands; the returning officer
appoints the trustees (distinct people) and a credential authority who is not themself."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ballots.casting_world import open_ballot
from factories import MemberFactory
from moot.verifiable.models import CredentialAuthority, Election, Trustee
from trustee.conftest import Ceremony, init_all, step_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup_election() -> tuple[Election, Any]:
    ballot = open_ballot().ballot
    officer = MemberFactory(with_account=True).user
    ballot.returning_officer = officer
    ballot.state = "frozen"
    ballot.save(update_fields=["returning_officer", "state"])
    election = Election.objects.create(ballot=ballot, threshold=2, trustee_count=3)
    return election, officer


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(people: list[Any]) -> dict[str, str]:
    data = {"do": "trustees"}
    for index, user in enumerate(people, start=1):
        data[f"account_{index}"] = user.email
        data[f"name_{index}"] = f"Trustee {index}"
    return data


def test_the_returning_officer_appoints_three_distinct_trustees(
    setup_election: tuple[Election, Any],
) -> None:
    election, officer = setup_election
    url = f"/ballots/{election.ballot_id}/verifiable/trustees/"
    client = signed_in(officer)
    page = client.get(url)
    assert page.status_code == 200
    assert "Each trustee is a different person" in page.content.decode()
    others = [MemberFactory(with_account=True).user for _ in range(2)]
    twice = client.post(url, form([officer, others[0], officer]))
    assert twice.status_code == 200
    assert "is already trustee 1" in twice.content.decode()
    assert not Trustee.objects.filter(election=election).exists()
    done = client.post(url, form([officer, *others]))
    assert done.status_code == 302
    names = list(Trustee.objects.filter(election=election).values_list("index", "user_id"))
    assert names == [(1, officer.pk), (2, others[0].pk), (3, others[1].pk)]


def test_the_credential_authority_is_not_the_returning_officer(
    setup_election: tuple[Election, Any],
) -> None:
    election, officer = setup_election
    url = f"/ballots/{election.ballot_id}/verifiable/trustees/"
    client = signed_in(officer)
    refused = client.post(url, {"do": "authority", "account": officer.email})
    assert "The credential authority cannot be the ballot" in refused.content.decode()
    assert not CredentialAuthority.objects.filter(election=election).exists()
    someone = MemberFactory(with_account=True).user
    assert client.post(url, {"do": "authority", "account": someone.email}).status_code == 302
    assert CredentialAuthority.objects.get(election=election).user_id == someone.pk


def test_anyone_else_reads_the_page_but_cannot_appoint(
    setup_election: tuple[Election, Any],
) -> None:
    election, _officer = setup_election
    url = f"/ballots/{election.ballot_id}/verifiable/trustees/"
    member = MemberFactory(with_account=True).user
    page = Client().get(url)
    assert page.status_code == 200
    assert "moot trustee init --server" in page.content.decode()
    assert "Appoint these trustees" not in page.content.decode()
    client = signed_in(member)
    assert client.post(url, form([member, member, member])).status_code == 403
    assert not Trustee.objects.filter(election=election).exists()


def test_the_page_shows_each_trustees_progress_and_no_secret(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str]
) -> None:
    init_all(ceremony, capsys)
    step_all(ceremony, capsys)
    page = Client().get(f"/ballots/{ceremony.ballot_id}/verifiable/trustees/").content.decode()
    assert page.count("Share key proved") == 3
    import json

    for path in ceremony.dirs.values():
        for value in json.loads((path / "secrets.json").read_text()).values():
            if isinstance(value, str):
                assert value not in page


def test_staff_and_superusers_are_never_the_credential_authority(
    setup_election: tuple[Election, Any],
) -> None:
    election, officer = setup_election
    client = signed_in(officer)
    url = f"/ballots/{election.ballot_id}/verifiable/trustees/"
    for flag in ("is_staff", "is_superuser"):
        person = MemberFactory(with_account=True).user
        setattr(person, flag, True)
        person.save(update_fields=[flag])
        page = client.post(url, {"do": "authority", "account": person.email})
        assert page.status_code == 200
        assert "cannot be a member of staff or a superuser" in page.content.decode()
    assert not CredentialAuthority.objects.filter(election=election).exists()


def test_the_page_shows_who_appointed_whom_and_the_roll_beside_the_list(
    setup_election: tuple[Election, Any],
) -> None:
    election, officer = setup_election
    officer.first_name, officer.last_name = "Rhona", "Officer"
    officer.save(update_fields=["first_name", "last_name"])
    client = signed_in(officer)
    url = f"/ballots/{election.ballot_id}/verifiable/trustees/"
    people = [MemberFactory(with_account=True).user for _ in range(3)]
    assert client.post(url, form(people)).status_code == 302
    authority = MemberFactory(with_account=True).user
    assert client.post(url, {"do": "authority", "account": authority.email}).status_code == 302
    page = Client().get(url).content.decode()
    assert page.count("by Rhona Officer, ") == 3  # each trustee's row
    assert "Appointed by Rhona Officer on " in page
    assert "the frozen roll has 3 voters who may vote online" in page


def test_the_returning_officer_downloads_the_email_voters_for_the_authority(
    setup_election: tuple[Election, Any],
) -> None:
    from moot.audit.models import AuditEvent
    from moot.ballots.models import RollEntry

    election, officer = setup_election
    entries = list(RollEntry.objects.filter(ballot_id=election.ballot_id).order_by("pk"))
    for n, entry in enumerate(entries):
        entry.email = f"voter{n}@example.org"
        entry.save(update_fields=["email"])
    url = f"/ballots/{election.ballot_id}/verifiable/trustees/"
    page = signed_in(officer).get(url).content.decode()
    assert "Download voters.csv" in page
    assert "Download voters.csv" not in Client().get(url).content.decode()
    answer = signed_in(officer).get(url + "voters.csv")
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    online = sorted(e.email for e in entries if e.channel == "online")
    assert answer.content.decode().splitlines() == online  # post voters are not e-mailed
    event = AuditEvent.objects.get(verb="verifiable.export_voters")
    assert event.actor_id == officer.pk
    assert event.after == {"addresses": len(online)}
    other = MemberFactory(with_account=True).user
    assert signed_in(other).get(url + "voters.csv").status_code == 403
