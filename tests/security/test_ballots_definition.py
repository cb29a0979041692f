"""Insiders against a ballot's definition and officers (docs/security.md, "Ballots: definition
and officers"): a caller of one faction changing the definition after the freeze, appointing
a partisan scrutineer, making a candidate the returning officer, a returning officer who
becomes a candidate, a secretary calling another constituency's ballot, the scrutineer or a
teller writing. Each refusal writes nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factories import BallotFactory, CandidateFactory, MemberFactory, UserFactory
from moot.accounts.actions import do_create_api_token
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
)
from moot.ballots.definition import definition_of, sha256_of
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, BallotState, BallotVersion

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int]:
    return (Ballot.objects.count(), BallotVersion.objects.count(), AuditEvent.objects.count())


def frozen(ballot: Ballot) -> Ballot:
    """The ballot as the freeze leaves it (B3's action): state, time and the definition hash."""
    Ballot.objects.filter(pk=ballot.pk).update(
        state=BallotState.FROZEN,
        frozen_at=timezone.now(),
        definition_hash=sha256_of(definition_of(ballot)),
    )
    return Ballot.objects.get(pk=ballot.pk)


def api(user: Any) -> Client:
    _row, secret = do_create_api_token(user, name="insider", acting_user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_caller_cannot_change_the_definition_after_the_freeze(world):
    """National staff of one faction try to lower the women's minimum once the roll is frozen,
    by the action, the page and the API: each refused, nothing written, the hash unchanged."""
    staff = world.users["national_staff"]
    ballot = frozen(BallotFactory(unit=world.national, acting_user=staff))
    by_api = api(staff)
    before = written()
    with pytest.raises(BallotError) as refusal:
        do_edit_ballot(ballot, {"min_women": 0}, acting_user=staff)
    assert refusal.value.clause == "5.2"
    client = Client()
    client.force_login(staff)
    page = client.post(reverse("ballots:definition", args=[ballot.pk]), {"min_women": "0"})
    assert page.status_code in (409, 422)
    patched = by_api.patch(
        f"/api/ballots/{ballot.pk}/definition",
        data=json.dumps({"min_women": 0}),
        content_type="application/json",
    )
    assert patched.status_code == 409
    assert written() == before
    ballot.refresh_from_db()
    assert ballot.min_women == 4
    assert ballot.definition_hash == sha256_of(definition_of(ballot))


def test_a_superuser_cannot_change_it_either(world):
    ballot = frozen(BallotFactory(unit=world.national))
    with pytest.raises(BallotError):
        do_edit_ballot(ballot, {"seats": 10}, acting_user=world.users["admin"])


def test_a_caller_cannot_appoint_a_partisan_scrutineer(world):
    """The caller names themselves, a colleague who may also call national ballots, the
    returning officer, a teller or a candidate: each refused."""
    staff = world.users["national_staff"]
    ballot = BallotFactory(unit=world.national, acting_user=staff)
    colleague = world.users["admin"]  # a superuser may call any ballot
    ro, teller = UserFactory(), UserFactory()
    do_appoint_returning_officer(ballot, ro, acting_user=staff)
    do_appoint_teller(ballot, teller, acting_user=staff)
    candidate = CandidateFactory(ballot=ballot).member.user
    before = written()
    for partisan in (staff, colleague, ro, teller, candidate):
        with pytest.raises(BallotError) as refusal:
            do_appoint_scrutineer(ballot, partisan, acting_user=staff)
        assert refusal.value.code == "conflict"
    assert written() == before
    assert Ballot.objects.get(pk=ballot.pk).scrutineer is None


def test_the_scrutineer_cannot_be_swapped_after_the_issue(world):
    staff = world.users["national_staff"]
    ballot = BallotFactory(unit=world.national, acting_user=staff)
    independent = UserFactory()
    do_appoint_scrutineer(ballot, independent, acting_user=staff)
    Ballot.objects.filter(pk=ballot.pk).update(state=BallotState.OPEN)
    with pytest.raises(BallotError):
        do_appoint_scrutineer(ballot, UserFactory(), acting_user=staff)
    assert Ballot.objects.get(pk=ballot.pk).scrutineer == independent


def test_a_candidate_cannot_be_the_returning_officer(world):
    staff = world.users["national_staff"]
    ballot = BallotFactory(unit=world.national, acting_user=staff)
    candidate = CandidateFactory(ballot=ballot, member=MemberFactory(with_account=True))
    before = written()
    with pytest.raises(BallotError) as refusal:
        do_appoint_returning_officer(ballot, candidate.member.user, acting_user=staff)
    assert "they are a candidate in this ballot" in str(refusal.value)
    assert written() == before


def test_a_returning_officer_who_becomes_a_candidate_loses_the_console(world):
    staff = world.users["national_staff"]
    ballot = BallotFactory(unit=world.national, acting_user=staff)
    member = MemberFactory(with_account=True)
    do_appoint_returning_officer(ballot, member.user, acting_user=staff)
    client = Client()
    client.force_login(member.user)
    assert client.get(reverse("ballots:manage", args=[ballot.pk])).status_code == 200
    CandidateFactory(ballot=ballot, member=member)
    assert client.get(reverse("ballots:manage", args=[ballot.pk])).status_code == 403
    response = client.post(
        reverse("ballots:officers", args=[ballot.pk]),
        {"role": "teller", "email": UserFactory().email},
    )
    assert response.status_code == 403


def test_a_caller_who_is_also_a_candidate_cannot_manage(world):
    """A constituency secretary standing in their own constituency's officer ballot."""
    secretary = world.users["secretary"]
    ballot = BallotFactory(
        preset="constituency_officer",
        unit=world.riverside,
        acting_user=secretary,
        position="Chair",
    )
    CandidateFactory(ballot=ballot, member=world.members["secretary"])
    client = Client()
    client.force_login(secretary)
    assert client.get(reverse("ballots:manage", args=[ballot.pk])).status_code == 403
    assert not secretary.has_perm("ballots.manage_ballot", Ballot.objects.get(pk=ballot.pk))


def test_a_secretary_cannot_ballot_another_constituency(world):
    preset = edition().ballots.preset("constituency_question")
    spec = dataclasses.replace(
        spec_from_preset(preset), question="Shall Elsewhere merge with Riverside?"
    )
    by_api = api(world.users["secretary"])
    before = written()
    with pytest.raises(BallotError) as refusal:
        do_create_ballot(world.elsewhere, spec, acting_user=world.users["secretary"])
    assert refusal.value.code == "forbidden"
    made = by_api.post(
        "/api/ballots/",
        data=json.dumps(
            {
                "unit_id": world.elsewhere.pk,
                "preset": "constituency_question",
                "question": "Merge?",
            }
        ),
        content_type="application/json",
    )
    assert made.status_code == 403
    assert written() == before


def test_the_scrutineer_and_a_teller_write_nothing(world):
    staff = world.users["national_staff"]
    ballot = BallotFactory(unit=world.national, acting_user=staff)
    scrutineer, teller = UserFactory(), UserFactory()
    do_appoint_scrutineer(ballot, scrutineer, acting_user=staff)
    do_appoint_teller(ballot, teller, acting_user=staff)
    clients = {user: api(user) for user in (scrutineer, teller)}
    before = written()
    for user, by_api in clients.items():
        client = Client()
        client.force_login(user)
        edit = client.post(reverse("ballots:definition", args=[ballot.pk]), {"seats": "8"})
        assert edit.status_code == 403
        patched = by_api.patch(
            f"/api/ballots/{ballot.pk}/definition",
            data=json.dumps({"seats": 8}),
            content_type="application/json",
        )
        assert patched.status_code == 403
        appointed = by_api.post(
            f"/api/ballots/{ballot.pk}/officers",
            data=json.dumps({"role": "teller", "email": user.email}),
            content_type="application/json",
        )
        assert appointed.status_code == 403
    assert written() == before
