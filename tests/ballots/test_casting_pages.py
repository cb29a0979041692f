"""The voter's pages, the tellers' keying pages and the public turnout (issue 11, items 7, 8, 11):
what each shows, what it refuses, and that neither a credential nor a choice is kept where it
should not be (the session, a log)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from ballots.casting_world import open_ballot
from moot.ballots import secrecy
from moot.ballots.models import PaperDecision, PaperKeying, Return
from moot.site.log_filters import RedactBallotCredentials, redact_credentials

pytestmark = pytest.mark.django_db


def _session_text(client: Client) -> str:
    return repr(dict(client.session.items()))


def test_the_invitation_link_puts_the_credential_in_the_session_and_drops_it_from_the_url() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    client = Client()
    code = world.code(entry)
    response = client.get(f"/ballots/{ballot.pk}/vote/c/{code}/")
    assert response.status_code == 303
    assert response["Location"] == f"/ballots/{ballot.pk}/vote/ballot/"
    assert response["Referrer-Policy"] == "no-referrer"
    session = _session_text(client)
    assert code not in session
    assert code.replace("-", "") not in session
    assert entry.credential_hash in session
    page = client.get(response["Location"])
    assert page.status_code == 200
    names = [c.name for c in world.candidates]
    body = page.content.decode()
    assert [body.index(n) for n in names] == sorted(body.index(n) for n in names)
    assert "Ada Ashdown will listen." in body


def test_a_bad_link_goes_back_to_the_form_with_the_reason() -> None:
    world = open_ballot(voters=1)
    other = open_ballot(voters=1)
    client = Client()
    response = client.get(
        f"/ballots/{world.ballot.pk}/vote/c/{other.code(other.entries[0])}/", follow=True
    )
    assert "belongs to another ballot" in response.content.decode()
    assert "ballots.voter" not in client.session


def test_casting_through_the_pages_then_done_says_received_never_what() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    a, b, c = world.candidates
    client = Client()
    start = client.post(f"/ballots/{ballot.pk}/vote/", {"credential": world.code(entry).lower()})
    assert start.status_code == 302
    bad = client.post(f"/ballots/{ballot.pk}/vote/ballot/", {f"c{a.pk}": "1", f"c{c.pk}": "3"})
    assert bad.status_code == 200
    assert "beside Cy Crane holds 3" in bad.content.decode()
    assert not Return.objects.filter(entry=entry).exists()
    sent = client.post(f"/ballots/{ballot.pk}/vote/ballot/", {f"c{c.pk}": "1", f"c{a.pk}": "2"})
    assert sent.status_code == 302
    assert sent["Location"] == f"/ballots/{ballot.pk}/vote/done/"
    (held,) = Return.objects.filter(entry=entry)
    assert secrecy.unseal(ballot, held.sealed) == f"[{c.pk},{a.pk}]"
    done = client.get(sent["Location"]).content.decode()
    assert "Your vote was received" in done
    for candidate in (a, b, c):
        assert candidate.name not in done
    assert (
        "ballots.voter" not in dict(client.session.items())
        or str(ballot.pk) not in (client.session["ballots.voter"])
    )
    # The credential was used: the form now refuses it.
    again = client.post(f"/ballots/{ballot.pk}/vote/", {"credential": world.code(entry)})
    page = client.get(f"/ballots/{ballot.pk}/vote/ballot/").content.decode()
    assert again.status_code == 302
    assert "A vote was already received for you" in page


def test_a_wrong_credential_is_refused_on_the_form() -> None:
    world = open_ballot(voters=1)
    response = Client().post(
        f"/ballots/{world.ballot.pk}/vote/", {"credential": "AAAA-BBBB-CCCC-DDDD"}
    )
    assert response.status_code == 200
    assert "No voter of this ballot has this credential" in response.content.decode()


def test_a_signed_in_member_on_the_roll_goes_straight_to_the_ballot() -> None:
    world = open_ballot(kind="question")
    ballot, entry = world.ballot, world.entries[0]
    client = Client()
    client.force_login(entry.member.user)
    response = client.get(f"/ballots/{ballot.pk}/vote/")
    assert response["Location"] == f"/ballots/{ballot.pk}/vote/ballot/"
    page = client.get(response["Location"]).content.decode()
    assert "Should the rule change?" in page
    sent = client.post(f"/ballots/{ballot.pk}/vote/ballot/", {"answer": "no"})
    assert sent.status_code == 302
    assert secrecy.unseal(ballot, Return.objects.get(entry=entry).sealed) == '["no"]'


def test_a_closed_ballot_says_so_and_takes_nothing() -> None:
    world = open_ballot(voters=1)
    ballot = world.ballot
    type(ballot).objects.filter(pk=ballot.pk).update(state="closed")
    client = Client()
    page = client.get(f"/ballots/{ballot.pk}/vote/").content.decode()
    assert "closed at" in page
    response = client.post(
        f"/ballots/{ballot.pk}/vote/", {"credential": world.code(world.entries[0])}
    )
    assert response.status_code == 200
    assert "ballots.voter" not in client.session


def test_tellers_key_blind_and_resolve_on_the_pages() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    one, two, three = world.tellers
    a, b, _c = world.candidates
    url = f"/ballots/{ballot.pk}/papers/key/"
    first = Client()
    first.force_login(one)
    post = {
        "paper_number": entry.paper_number,
        "check_code": world.check(entry),
        f"c{a.pk}": "1",
    }
    assert first.post(url, post).status_code == 302
    second = Client()
    second.force_login(two)
    page = second.get(url).content.decode()
    assert "Keyed once, waiting for a second teller" in page
    assert secrecy.is_sealed(PaperKeying.objects.get(teller=one).sealed)
    differ = second.post(url, {**post, f"c{a.pk}": "", f"c{b.pk}": "1"}, follow=True)
    assert "the two keyings differ" in differ.content.decode()
    wrong = second.post(url, {**post, "check_code": "abc"})
    assert "check code does not match" in wrong.content.decode()
    third = Client()
    third.force_login(three)
    listing = third.get(f"/ballots/{ballot.pk}/papers/discrepancies/").content.decode()
    assert f"Paper {entry.paper_number}" in listing
    resolved = third.post(
        f"/ballots/{ballot.pk}/papers/discrepancies/",
        {"paper_number": entry.paper_number, f"c{b.pk}": "1", "reason": "the 1 is beside Bea"},
        follow=True,
    )
    assert "Select a valid choice" in resolved.content.decode()  # no free text about marks
    assert not PaperDecision.objects.exists()
    assert "record what it shows" not in listing
    resolved = third.post(
        f"/ballots/{ballot.pk}/papers/discrepancies/",
        {"paper_number": entry.paper_number, f"c{b.pk}": "1", "reason": "misread"},
        follow=True,
    )
    assert "discrepancy is resolved" in resolved.content.decode()
    assert PaperDecision.objects.get(paper_number=entry.paper_number).outcome == "resolved"


def test_teller_pages_refuse_members_and_anonymous() -> None:
    world = open_ballot(voters=1)
    member = Client()
    member.force_login(world.entries[0].member.user)
    for path in ("papers/key/", "papers/discrepancies/"):
        assert member.get(f"/ballots/{world.ballot.pk}/{path}").status_code == 403
        assert Client().get(f"/ballots/{world.ballot.pk}/{path}").status_code == 302


def test_turnout_is_public_and_hides_small_cells() -> None:
    world = open_ballot(voters=3)
    do = Client().get(f"/ballots/{world.ballot.pk}/turnout/")
    assert do.status_code == 200
    assert "fewer than 10" in do.content.decode()


def test_no_log_keeps_a_credential(caplog: pytest.LogCaptureFixture) -> None:
    code = "ABCD-EFGH-JKMN-PQRS"
    assert redact_credentials(f"GET /ballots/3/vote/c/{code}/ HTTP/1.1") == (
        "GET /ballots/3/vote/c/[credential]/ HTTP/1.1"
    )
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/ballots/3/vote/c/{code}/",),
        None,
    )
    RedactBallotCredentials().filter(record)
    assert code not in record.getMessage()
    atoms = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(f)s", None, None
    )
    atoms.args = {
        "r": f"GET /ballots/3/vote/c/{code}/ HTTP/1.1",
        "f": f"https://x/ballots/3/vote/c/{code}/",
    }
    RedactBallotCredentials().filter(atoms)
    assert code not in atoms.getMessage()


def test_gunicorn_access_atoms_are_redacted() -> None:
    gunicorn_conf = pytest.importorskip("moot.site.gunicorn_conf")
    logger = gunicorn_conf.logger_class.__mro__[1]
    assert logger.__name__ == "Logger"
    from moot.site.log_filters import redacted_access_atoms

    atoms = redacted_access_atoms(
        {"r": "GET /ballots/1/vote/c/ZZZZ-ZZZZ-ZZZZ-ZZZZ/ HTTP/1.1", "s": 303}
    )
    assert atoms == {"r": "GET /ballots/1/vote/c/[credential]/ HTTP/1.1", "s": 303}
