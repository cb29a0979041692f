"""Returned papers keyed by two tellers independently (issue 11, item 7): agreeing keyings make a
post return through the same slots as an online vote; differing ones wait for a third person,
who resolves them with a reason; spoilt papers with a reason; every refusal writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ballots.casting_world import open_ballot
from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.ballots import secrecy
from moot.ballots.actions.casting import do_cast_online, do_key_paper, do_resolve_paper
from moot.ballots.errors import BallotError
from moot.ballots.models import (
    Ballot,
    PaperDecision,
    PaperKeying,
    Return,
    RevokedCredential,
    RollEntry,
)

pytestmark = pytest.mark.django_db


def test_two_agreeing_keyings_accept_the_paper_into_the_post_slot() -> None:
    world = open_ballot(precedence="paper_wins")
    ballot, entry = world.ballot, world.entries[1]
    one, two, _three = world.tellers
    a, b, _c = world.candidates
    first = do_key_paper(
        ballot, entry.paper_number, world.check(entry), [a.pk, b.pk], acting_user=one
    )
    assert first.outcome == "awaiting_second"
    assert not Return.objects.filter(entry=entry).exists()
    keyed = PaperKeying.objects.get(ballot=ballot, teller=one)
    assert secrecy.is_sealed(keyed.sealed)  # sealed like a return
    assert secrecy.unseal(ballot, keyed.sealed) == f"[{a.pk},{b.pk}]"
    second = do_key_paper(
        ballot, str(entry.paper_number), world.check(entry), [a.pk, b.pk], acting_user=two
    )
    assert second.outcome == "accepted"
    (held,) = Return.objects.filter(entry=entry)
    assert (held.slot, held.channel) == ("post", "post")
    assert secrecy.unseal(ballot, held.sealed) == f"[{a.pk},{b.pk}]"
    assert PaperDecision.objects.get(ballot=ballot, paper_number=entry.paper_number).outcome == (
        "accepted"
    )
    entry.refresh_from_db()
    assert entry.voted
    events = AuditEvent.objects.filter(verb="ballots.key_paper").order_by("seq")
    assert [e.after["outcome"] for e in events] == ["awaiting_second", "accepted"]
    assert all(set(e.after) == {"paper", "keying", "outcome"} for e in events)  # no content


def test_a_paper_after_an_online_vote_is_set_aside_when_the_first_counts() -> None:
    world = open_ballot(precedence="first_received")
    ballot, entry = world.ballot, world.entries[0]
    one, two, _ = world.tellers
    do_cast_online(ballot, entry, [world.candidates[0].pk])
    do_key_paper(
        ballot, entry.paper_number, world.check(entry), [world.candidates[1].pk], acting_user=one
    )
    result = do_key_paper(
        ballot, entry.paper_number, world.check(entry), [world.candidates[1].pk], acting_user=two
    )
    assert result.outcome == "set_aside"
    assert result.reason == "already voted online"
    decision = PaperDecision.objects.get(ballot=ballot, paper_number=entry.paper_number)
    assert (decision.outcome, decision.reason) == ("refused", "already voted online")
    assert Return.objects.filter(entry=entry).count() == 1


def test_differing_keyings_wait_for_a_third_person_who_resolves_with_a_reason() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[2]
    one, two, three = world.tellers
    a, b, c = world.candidates
    number, check = entry.paper_number, world.check(entry)
    do_key_paper(ballot, number, check, [a.pk, b.pk], acting_user=one)
    differ = do_key_paper(ballot, number, check, [a.pk, c.pk], acting_user=two)
    assert differ.outcome == "discrepancy"
    assert not PaperDecision.objects.filter(ballot=ballot).exists()
    with pytest.raises(BallotError, match="keyed twice and the keyings differ"):
        do_key_paper(ballot, number, check, [a.pk], acting_user=three)
    with pytest.raises(BallotError, match="a third person"):
        do_resolve_paper(ballot, number, [a.pk, b.pk], reason="misread", acting_user=one)
    with pytest.raises(BallotError, match="Choose why the keyings differed") as no_reason:
        do_resolve_paper(ballot, number, [a.pk, b.pk], reason=" ", acting_user=three)
    assert no_reason.value.field == "reason"
    # Review 5: a free description of the marks, kept beside the paper's number, told how a
    # member voted; only a reason from the fixed list is taken.
    with pytest.raises(BallotError, match="fixed list") as free_text:
        do_resolve_paper(
            ballot, number, [a.pk, c.pk], reason="the 2 is beside Cy Crane", acting_user=three
        )
    assert free_text.value.field == "reason"
    assert not PaperDecision.objects.exists()
    done = do_resolve_paper(ballot, number, [a.pk, c.pk], reason="misread", acting_user=three)
    assert done.outcome == "resolved"
    decision = PaperDecision.objects.get(ballot=ballot, paper_number=number)
    assert (decision.outcome, decision.reason, decision.decided_by) == (
        "resolved",
        "a mark misread in one keying",
        three,
    )
    assert secrecy.unseal(ballot, Return.objects.get(entry=entry).sealed) == f"[{a.pk},{c.pk}]"
    event = AuditEvent.objects.get(verb="ballots.resolve_paper")
    assert event.reason == "a mark misread in one keying"
    names = {cand.name for cand in world.candidates}
    for ev in AuditEvent.objects.filter(verb__startswith="ballots."):
        text = f"{ev.reason} {ev.after} {ev.before} {ev.object_repr}"
        assert not any(name in text for name in names), text
        assert not set(ev.after or {}) & {"choice", "marks", "content", "sealed"}, ev.after


def test_the_returning_officer_may_not_resolve_but_the_scrutineer_may() -> None:
    """Review 5: the returning officer may download the print files (number → name), so they
    never read a paper by its number; the scrutineer, or a teller who keyed neither, resolves."""
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    officer = world.tellers[2]
    ballot.returning_officer = officer
    ballot.save(update_fields=["returning_officer"])
    from moot.ballots.models import Teller

    Teller.objects.filter(ballot=ballot, user=officer).delete()
    one, two = world.tellers[:2]
    do_key_paper(
        ballot,
        entry.paper_number,
        world.check(entry),
        spoilt=True,
        spoilt_reason="unmarked",
        acting_user=one,
    )
    do_key_paper(
        ballot, entry.paper_number, world.check(entry), [world.candidates[0].pk], acting_user=two
    )
    with pytest.raises(BallotError, match="returning officer") as refused:
        do_resolve_paper(
            ballot,
            entry.paper_number,
            spoilt=True,
            spoilt_reason="identifies",
            reason="spoilt_or_not",
            acting_user=officer,
        )
    assert refused.value.code == "forbidden"
    assert not PaperDecision.objects.filter(ballot=ballot).exists()
    scrutineer = UserFactory()
    Ballot.objects.filter(pk=ballot.pk).update(scrutineer=scrutineer)
    ballot.refresh_from_db()
    result = do_resolve_paper(
        ballot,
        entry.paper_number,
        spoilt=True,
        spoilt_reason="identifies",
        reason="spoilt_or_not",
        acting_user=scrutineer,
    )
    assert result.outcome == "spoilt"
    decision = PaperDecision.objects.get(ballot=ballot, paper_number=entry.paper_number)
    assert decision.reason == "a mark or writing that identifies the voter"
    assert not Return.objects.filter(entry=entry).exists()


def test_spoilt_papers_are_recorded_with_a_reason() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    one, two, _ = world.tellers
    with pytest.raises(BallotError, match="Choose why the paper is spoilt") as why:
        do_key_paper(ballot, entry.paper_number, world.check(entry), spoilt=True, acting_user=one)
    assert why.value.field == "spoilt_reason"
    with pytest.raises(BallotError, match="fixed list") as free:
        do_key_paper(
            ballot,
            entry.paper_number,
            world.check(entry),
            spoilt=True,
            spoilt_reason="ranked Bea Birch only, wrote name",
            acting_user=one,
        )
    assert free.value.field == "spoilt_reason"
    assert not PaperKeying.objects.exists()
    do_key_paper(
        ballot,
        entry.paper_number,
        world.check(entry),
        spoilt=True,
        spoilt_reason="unmarked",
        acting_user=one,
    )
    result = do_key_paper(
        ballot,
        entry.paper_number,
        world.check(entry),
        spoilt=True,
        spoilt_reason="uncertain",
        acting_user=two,
    )
    assert result.outcome == "spoilt"
    decision = PaperDecision.objects.get(ballot=ballot, paper_number=entry.paper_number)
    assert (decision.outcome, decision.reason) == ("spoilt", "unmarked")
    assert not Return.objects.filter(entry=entry).exists()


def test_keying_refusals_say_what_and_write_nothing() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    one, two, three = world.tellers
    choice = [world.candidates[0].pk]
    number, check = entry.paper_number, world.check(entry)

    def refused(match: str, *args: object, **kwargs: object) -> BallotError:
        keyings = PaperKeying.objects.count()
        with pytest.raises(BallotError, match=match) as caught:
            do_key_paper(*args, **kwargs)  # type: ignore[arg-type]
        assert PaperKeying.objects.count() == keyings
        return caught.value

    assert refused(
        "No paper numbered 999", ballot, 999, "000000", choice, acting_user=one
    ).field == ("paper_number")
    assert refused("is not a paper number", ballot, "12a", check, choice, acting_user=one)
    wrong = "000000" if check != "000000" else "111111"
    assert refused(
        "check code does not match", ballot, number, wrong, choice, acting_user=one
    ).field == ("check_code")
    outsider = world.entries[1].member.user
    assert refused(
        "Only the ballot's tellers", ballot, number, check, choice, acting_user=outsider
    ).code == ("forbidden")
    do_key_paper(ballot, number, check, choice, acting_user=one)
    assert refused("already keyed paper", ballot, number, check, choice, acting_user=one).code == (
        "conflict"
    )
    do_key_paper(ballot, number, check, choice, acting_user=two)
    assert refused("already decided", ballot, number, check, choice, acting_user=three).code == (
        "conflict"
    )


def test_a_replaced_paper_is_refused_once_its_check_code_matches() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    old_number, old_check = entry.paper_number, world.check(entry)
    RevokedCredential.objects.create(
        ballot=ballot,
        entry=entry,
        paper_number=old_number,
        reason="lost in the post",
        revoked_at=timezone.now(),
    )
    RollEntry.objects.filter(pk=entry.pk).update(paper_number=100)
    with pytest.raises(BallotError, match="check code does not match"):
        do_key_paper(
            ballot,
            old_number,
            "999999" if old_check != "999999" else "000001",
            [world.candidates[0].pk],
            acting_user=world.tellers[0],
        )
    with pytest.raises(BallotError, match=f"Paper {old_number} was replaced on"):
        do_key_paper(
            ballot, old_number, old_check, [world.candidates[0].pk], acting_user=world.tellers[0]
        )
    assert not PaperKeying.objects.exists()


def test_no_keying_after_the_close() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    ballot.close_at = timezone.now() - datetime.timedelta(minutes=1)
    ballot.save(update_fields=["close_at"])
    with pytest.raises(BallotError, match="closed at"):
        do_key_paper(
            ballot,
            entry.paper_number,
            world.check(entry),
            [world.candidates[0].pk],
            acting_user=world.tellers[0],
        )
    assert not PaperKeying.objects.exists()


def test_a_bad_mark_on_a_keying_names_the_candidate() -> None:
    world = open_ballot(method="plurality", seats=1)
    ballot, entry = world.ballot, world.entries[0]
    with pytest.raises(BallotError, match="2 candidates are marked but you have 1 vote"):
        do_key_paper(
            ballot,
            entry.paper_number,
            world.check(entry),
            [c.pk for c in world.candidates[:2]],
            acting_user=world.tellers[0],
        )
