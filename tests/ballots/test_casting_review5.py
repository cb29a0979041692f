"""Review 5 of casting and papers: the returning officer never resolves a paper (they hold the
print files that pair numbers with names), the keying pages show no voter, wrong credentials are
slowed on the page, the link and the API, a number repeated in three boxes names and marks the
three, the confirmation says what is true of the seal, and the turnout's first line is a
sentence."""

from __future__ import annotations

import pytest
from django.test import Client

from ballots.casting_world import open_ballot
from factories import UserFactory
from moot.ballots import credential_pacing
from moot.ballots.models import Ballot, PaperDecision, Return

pytestmark = pytest.mark.django_db

WRONG = "AAAA-BBBB-CCCC-DDDD"


def _discrepancy(world: object) -> int:
    from moot.ballots.actions.casting import do_key_paper

    ballot, entry = world.ballot, world.entries[0]  # type: ignore[attr-defined]
    one, two, _three = world.tellers  # type: ignore[attr-defined]
    a, b, _c = world.candidates  # type: ignore[attr-defined]
    check = world.check(entry)  # type: ignore[attr-defined]
    do_key_paper(ballot, entry.paper_number, check, [a.pk], acting_user=one)
    do_key_paper(ballot, entry.paper_number, check, [b.pk], acting_user=two)
    return int(entry.paper_number)


def test_the_returning_officer_cannot_open_or_post_the_discrepancies() -> None:
    world = open_ballot()
    number = _discrepancy(world)
    officer = UserFactory()
    Ballot.objects.filter(pk=world.ballot.pk).update(returning_officer=officer)
    client = Client()
    client.force_login(officer)
    url = f"/ballots/{world.ballot.pk}/papers/discrepancies/"
    assert client.get(url).status_code == 403
    posted = client.post(url, {"paper_number": number, "reason": "misread"})
    assert posted.status_code == 403
    api = client.post(
        f"/api/ballots/{world.ballot.pk}/papers/resolutions",
        {"paper_number": number, "choice": [], "reason": "misread"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert not PaperDecision.objects.exists()


def test_the_scrutineer_resolves_on_the_page_and_no_page_names_a_voter() -> None:
    world = open_ballot()
    number = _discrepancy(world)
    scrutineer = UserFactory()
    Ballot.objects.filter(pk=world.ballot.pk).update(scrutineer=scrutineer)
    client = Client()
    client.force_login(scrutineer)
    url = f"/ballots/{world.ballot.pk}/papers/discrepancies/"
    page = client.get(url).content.decode()
    assert f"Paper {number}" in page
    teller = Client()
    teller.force_login(world.tellers[0])
    key_page = teller.get(f"/ballots/{world.ballot.pk}/papers/key/").content.decode()
    for entry in world.entries:
        for text in (page, key_page):
            assert entry.member.first_name not in text
            assert entry.member.last_name not in text
    b = world.candidates[1]
    done = client.post(url, {"paper_number": number, f"c{b.pk}": "1", "reason": "typing_slip"})
    assert done.status_code == 302
    decision = PaperDecision.objects.get(paper_number=number)
    assert (decision.outcome, decision.decided_by, decision.reason) == (
        "resolved",
        scrutineer,
        "a typing slip in one keying",
    )


def _slow_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credential_pacing, "CLIENT_FREE", 2)


def test_wrong_credentials_are_slowed_on_the_page_never_locked_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _slow_down(monkeypatch)
    world = open_ballot()
    url = f"/ballots/{world.ballot.pk}/vote/"
    client = Client()
    for _ in range(2):
        assert "Too many wrong" not in client.post(url, {"credential": WRONG}).content.decode()
    slowed = client.post(url, {"credential": world.code(world.entries[0])}).content.decode()
    assert "Too many wrong credentials were tried: wait" in slowed
    # Another client (another address) is not slowed by this one's mistakes.
    other = Client(REMOTE_ADDR="192.0.2.9")
    right = other.post(url, {"credential": world.code(world.entries[0])})
    assert right.status_code == 302
    # After the pause the right credential gets in (a slowdown, not a lock-out).
    from moot.limits.models import LimitHit

    LimitHit.objects.filter(scope=credential_pacing.SCOPE).update(
        at=LimitHit.objects.values_list("at", flat=True).first() - credential_pacing.CLIENT_PACE
    )
    assert client.post(url, {"credential": world.code(world.entries[0])}).status_code == 302


def test_wrong_credentials_are_slowed_on_the_link_and_the_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _slow_down(monkeypatch)
    world = open_ballot()
    ballot = world.ballot
    client = Client()
    for _ in range(2):
        client.get(f"/ballots/{ballot.pk}/vote/c/{WRONG}/")
    link = client.get(f"/ballots/{ballot.pk}/vote/c/{world.code(world.entries[0])}/", follow=True)
    assert "Too many wrong credentials were tried" in link.content.decode()
    api = Client()
    answer = api.post(
        f"/api/ballots/{ballot.pk}/cast",
        {"credential": world.code(world.entries[1]), "choice": [world.candidates[0].pk]},
        content_type="application/json",
    )
    assert answer.status_code == 429  # the same client address: its mistakes count here too
    assert not Return.objects.exists()


def test_a_number_repeated_in_three_boxes_names_and_marks_all_three() -> None:
    world = open_ballot()
    ballot = world.ballot
    client = Client()
    client.get(f"/ballots/{ballot.pk}/vote/c/{world.code(world.entries[0])}/")
    a, b, c = world.candidates
    page = client.post(
        f"/ballots/{ballot.pk}/vote/ballot/", {f"c{a.pk}": "1", f"c{b.pk}": "1", f"c{c.pk}": "1"}
    ).content.decode()
    assert "The boxes beside Ada Ashdown, Bea Birch and Cy Crane all hold 1" in page
    for cand in (a, b, c):
        assert f'id="id_c{cand.pk}-error"' in page
    assert not Return.objects.exists()


def test_the_confirmation_says_what_is_true_of_the_seal() -> None:
    world = open_ballot()
    ballot = world.ballot
    client = Client()
    client.get(f"/ballots/{ballot.pk}/vote/c/{world.code(world.entries[0])}/")
    client.post(f"/ballots/{ballot.pk}/vote/ballot/", {f"c{world.candidates[0].pk}": "1"})
    done = client.get(f"/ballots/{ballot.pk}/vote/done/").content.decode()
    assert "not even the returning officer" not in done
    assert "key kept outside the database" in done
    assert "shuffled" in done
    assert "both that key and a copy of the database" in done


def test_the_turnout_starts_with_a_sentence() -> None:
    world = open_ballot(voters=40)
    page = Client().get(f"/ballots/{world.ballot.pk}/turnout/").content.decode()
    assert (
        "Turnout is hidden for now: of 40 voters, fewer than 10 have voted, or fewer than 10 "
        "have not." in page
    )
    assert "fewer than 10 of 40" not in page
