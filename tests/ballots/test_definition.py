"""Calling a ballot of any unit the rulebook allows, editing its definition in draft with a
version per edit, refusing a change after the freeze, the timetable's order, the canonical
definition and its hash, and appointing the officers with their independence checks."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from factories import BallotFactory, CandidateFactory, MemberFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.ballots.actions.definition import (
    do_create_ballot,
    do_edit_ballot,
    edition,
    spec_from_preset,
)
from moot.ballots.actions.officers import (
    do_appoint_returning_officer,
    do_appoint_scrutineer,
    do_appoint_teller,
    do_remove_teller,
)
from moot.ballots.definition import FORMAT, canonical_json, definition_of, sha256_of
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, BallotState, BallotVersion, Teller

pytestmark = pytest.mark.django_db


def preset(slug: str) -> Any:
    return edition().ballots.preset(slug)


def nothing_written(ballot: Ballot | None = None) -> tuple[int, int, int]:
    return (Ballot.objects.count(), BallotVersion.objects.count(), AuditEvent.objects.count())


# -- calling ---------------------------------------------------------------------------------


def test_national_staff_call_the_national_executive_ballot(world, national_ballot):
    b = national_ballot
    assert (b.state, b.version, b.seats, b.min_women, b.method) == (
        BallotState.DRAFT,
        1,
        9,
        4,
        "scottish-stv",
    )
    assert b.channels == ["online", "post"]
    assert b.nominating_kinds == ["constituency", "affiliate"]
    assert b.clause == "5.7"
    assert b.edition == edition().name
    version = b.versions.get()
    assert version.sha256 == sha256_of(version.definition)
    event = AuditEvent.objects.filter(verb="ballots.create_ballot").get()
    assert event.after["sha256"] == version.sha256


def test_a_constituency_secretary_puts_a_question_to_all_members(world, riverside_question):
    q = riverside_question
    assert (q.unit, q.kind, q.method, q.created_by) == (
        world.riverside,
        "question",
        "yes-no",
        world.users["secretary"],
    )
    assert q.nominations_open is None


@pytest.mark.parametrize("role", ["member", "chair", "branch_secretary", "auditor"])
def test_who_may_not_call_a_constituency_ballot(world, role):
    spec = spec_from_preset(preset("constituency_officer"), title="Chair by ballot")
    spec = dataclasses.replace(spec, position="Chair")
    before = nothing_written()
    with pytest.raises(BallotError) as refusal:
        do_create_ballot(world.riverside, spec, acting_user=world.users[role])
    assert refusal.value.clause == "5.1.2"
    assert refusal.value.code == "forbidden"
    assert "the secretary or national staff" in str(refusal.value)
    assert nothing_written() == before


def test_a_secretary_may_not_call_another_constituencys_or_a_national_ballot(world):
    spec = dataclasses.replace(
        spec_from_preset(preset("constituency_officer")), position="Treasurer"
    )
    with pytest.raises(BallotError):
        do_create_ballot(world.elsewhere, spec, acting_user=world.users["secretary"])
    with pytest.raises(BallotError) as refusal:
        do_create_ballot(
            world.national,
            spec_from_preset(preset("national_executive")),
            acting_user=world.users["secretary"],
        )
    assert refusal.value.clause == "5.1.1"


def test_a_branch_cannot_be_balloted(world):
    spec = dataclasses.replace(spec_from_preset(preset("constituency_officer")), position="Chair")
    with pytest.raises(BallotError) as refusal:
        do_create_ballot(world.north, spec, acting_user=world.users["national_staff"])
    assert "nobody call a ballot of the members of a branch unit" in str(refusal.value)


# -- the definition --------------------------------------------------------------------------


def test_the_definition_is_canonical_and_hashed(national_ballot):
    d = definition_of(national_ballot)
    assert d["format"] == FORMAT
    assert d["unit"] == {"id": national_ballot.unit_id, "name": national_ballot.unit.name}
    assert d["timetable"]["issue_at"].endswith("Z")
    assert d["candidates"] == []
    text = canonical_json(d)
    assert json.loads(text) == d
    assert b" " not in text.replace(national_ballot.title.encode(), b"").replace(
        national_ballot.position.encode(), b""
    )
    assert sha256_of(d) == sha256_of(json.loads(text))
    assert sha256_of({**d, "seats": 8}) != sha256_of(d)


def test_draft_candidates_are_listed_by_name_not_withdrawn(national_ballot):
    zed = CandidateFactory(ballot=national_ballot, name="Zed Young")
    CandidateFactory(ballot=national_ballot, name="Ann Old", withdrawn_at=timezone.now())
    amy = CandidateFactory(ballot=national_ballot, name="Amy Able", woman=True)
    names = [(c["id"], c["name"], c["woman"]) for c in definition_of(national_ballot)["candidates"]]
    assert names == [(amy.pk, "Amy Able", True), (zed.pk, "Zed Young", False)]


def test_each_edit_is_a_version(world, national_ballot):
    staff = world.users["national_staff"]
    b = do_edit_ballot(
        national_ballot, {"tie_break": "forwards", "method": "meek"}, acting_user=staff
    )
    b = do_edit_ballot(b, {"title": "NEC 2027"}, acting_user=staff)
    assert b.version == 3
    versions = list(b.versions.order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3]
    assert [v.definition["tie_break"] for v in versions] == ["backwards", "forwards", "forwards"]
    assert versions[2].definition["title"] == "NEC 2027"
    edits = AuditEvent.objects.filter(verb="ballots.edit_ballot").order_by("seq")
    assert [e.after["changed"] for e in edits] == [["method", "tie_break"], ["title"]]
    assert edits[0].before["sha256"] == versions[0].sha256


def test_an_edit_changing_nothing_writes_nothing(world, national_ballot):
    before = nothing_written()
    do_edit_ballot(national_ballot, {"seats": 9}, acting_user=world.users["national_staff"])
    assert nothing_written() == before


def _freeze(ballot: Ballot) -> Ballot:
    # The freeze itself is B3's action; these tests need only its state.
    Ballot.objects.filter(pk=ballot.pk).update(state=BallotState.FROZEN, frozen_at=timezone.now())
    return Ballot.objects.get(pk=ballot.pk)


@pytest.mark.parametrize("state", [BallotState.FROZEN, BallotState.OPEN, BallotState.DECLARED])
def test_no_change_after_the_freeze(world, national_ballot, state):
    ballot = _freeze(national_ballot)
    Ballot.objects.filter(pk=ballot.pk).update(state=state)
    before = nothing_written()
    with pytest.raises(BallotError) as refusal:
        do_edit_ballot(ballot, {"seats": 8}, acting_user=world.users["national_staff"])
    assert refusal.value.code == "state"
    assert refusal.value.clause == "5.2"
    assert "The definition was frozen on" in str(refusal.value)
    assert nothing_written() == before
    assert Ballot.objects.get(pk=ballot.pk).seats == 9


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda b: {"nominations_close": b.nominations_open}, "nominations_close", "open before"),
        (
            lambda b: {"nominations_close": b.freeze_date + days(1)},
            "freeze_date",
            "after the freeze",
        ),
        (lambda b: {"freeze_date": b.issue_at.date() + days(1)}, "freeze_date", "before the issue"),
        (lambda b: {"freeze_date": b.issue_at.date() - days(3)}, "freeze_date", "at least 14"),
        (lambda b: {"close_at": b.issue_at}, "close_at", "close after it is issued"),
        (lambda b: {"reminders": [b.close_at + days(1)]}, "reminders", "between the issue"),
        (lambda b: {"seats": 3}, "min_women", "At least 4 women cannot"),
        (lambda b: {"method": "irv"}, "method", "elects one"),
        (lambda b: {"method": "no-such"}, "method", "is not a counting method"),
        (lambda b: {"method": "yes-no"}, "method", "not decided yes or no"),
        (lambda b: {"channels": []}, "channels", "offer online"),
        (lambda b: {"channels": ["online", "fax"]}, "channels", "offer online"),
        (lambda b: {"precedence": "newest"}, "precedence", "is not one of"),
        (lambda b: {"nominating_kinds": ["guild"]}, "nominating_kinds", "not a kind"),
        (lambda b: {"title": "NEC\n2027"}, "title", "line break"),
        (lambda b: {"position": ""}, "position", "Name the position"),
    ],
)
def test_bad_definitions_are_refused_with_the_field(world, national_ballot, change, field, words):
    before = nothing_written()
    with pytest.raises(BallotError) as refusal:
        do_edit_ballot(
            national_ballot, change(national_ballot), acting_user=world.users["national_staff"]
        )
    assert refusal.value.field == field
    assert words in str(refusal.value)
    assert nothing_written() == before


def test_the_freeze_gap_cites_its_clause(world, national_ballot):
    with pytest.raises(BallotError) as refusal:
        do_edit_ballot(
            national_ballot,
            {"freeze_date": national_ballot.issue_at.date() - days(3)},
            acting_user=world.users["national_staff"],
        )
    assert refusal.value.clause == "5.2"


def test_a_question_needs_its_words_and_yes_no(world):
    spec = dataclasses.replace(spec_from_preset(preset("constituency_question")), question="")
    with pytest.raises(BallotError) as refusal:
        do_create_ballot(world.riverside, spec, acting_user=world.users["secretary"])
    assert refusal.value.field == "question"
    spec = dataclasses.replace(spec, question="Agree?", method="irv")
    with pytest.raises(BallotError) as refusal:
        do_create_ballot(world.riverside, spec, acting_user=world.users["secretary"])
    assert refusal.value.field == "method"


def test_unknown_fields_are_refused(world, national_ballot):
    with pytest.raises(BallotError) as refusal:
        do_edit_ballot(national_ballot, {"state": "open"}, acting_user=world.users["admin"])
    assert refusal.value.field == "state"


# -- officers --------------------------------------------------------------------------------


def test_appointing_the_officers(world, national_ballot):
    staff = world.users["national_staff"]
    ro, scrutineer, teller = UserFactory(), UserFactory(), UserFactory()
    b = do_appoint_returning_officer(national_ballot, ro, acting_user=staff)
    b = do_appoint_scrutineer(b, scrutineer, acting_user=staff)
    do_appoint_teller(b, teller, acting_user=ro)
    b.refresh_from_db()
    assert (b.returning_officer, b.scrutineer) == (ro, scrutineer)
    assert list(Teller.objects.filter(ballot=b).values_list("user", flat=True)) == [teller.pk]
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="ballots.appoint").values_list("verb", flat=True)
    )
    assert verbs == [
        "ballots.appoint_returning_officer",
        "ballots.appoint_scrutineer",
        "ballots.appoint_teller",
    ]
    do_remove_teller(b, teller, acting_user=ro)
    assert not Teller.objects.filter(ballot=b).exists()


def test_only_a_caller_appoints_the_returning_officer(world, national_ballot):
    ro = UserFactory()
    do_appoint_returning_officer(national_ballot, ro, acting_user=world.users["national_staff"])
    with pytest.raises(BallotError) as refusal:
        do_appoint_returning_officer(national_ballot, UserFactory(), acting_user=ro)
    assert refusal.value.clause == "5.1.1"


def test_a_candidate_cannot_be_an_officer(world, national_ballot):
    staff = world.users["national_staff"]
    candidate = CandidateFactory(ballot=national_ballot, member=MemberFactory(with_account=True))
    user = candidate.member.user
    for appoint in (do_appoint_returning_officer, do_appoint_scrutineer, do_appoint_teller):
        before = nothing_written()
        with pytest.raises(BallotError) as refusal:
            appoint(national_ballot, user, acting_user=staff)
        assert "they are a candidate in this ballot" in str(refusal.value)
        assert refusal.value.code == "conflict"
        assert nothing_written() == before


def test_the_scrutineer_is_independent(world, national_ballot):
    staff = world.users["national_staff"]
    ro, teller = UserFactory(), UserFactory()
    do_appoint_returning_officer(national_ballot, ro, acting_user=staff)
    do_appoint_teller(national_ballot, teller, acting_user=staff)
    for user, words in (
        (ro, "they are the returning officer"),
        (teller, "they are a teller"),
        (staff, "they may call ballots of"),
    ):
        with pytest.raises(BallotError) as refusal:
            do_appoint_scrutineer(national_ballot, user, acting_user=staff)
        assert words in str(refusal.value)
    assert Ballot.objects.get(pk=national_ballot.pk).scrutineer is None


def test_the_scrutineer_is_appointed_before_the_issue(world, national_ballot):
    Ballot.objects.filter(pk=national_ballot.pk).update(state=BallotState.OPEN)
    with pytest.raises(BallotError) as refusal:
        do_appoint_scrutineer(national_ballot, UserFactory(), acting_user=world.users["admin"])
    assert refusal.value.code == "state"


def test_the_returning_officer_is_not_a_teller(world, national_ballot):
    staff = world.users["national_staff"]
    ro = UserFactory()
    do_appoint_returning_officer(national_ballot, ro, acting_user=staff)
    with pytest.raises(BallotError) as refusal:
        do_appoint_teller(national_ballot, ro, acting_user=staff)
    assert "they are the returning officer" in str(refusal.value)


def test_factory_overrides(world):
    b = BallotFactory(seats=3, min_women=1, title="Three seats")
    assert (b.seats, b.min_women, b.title) == (3, 1, "Three seats")
