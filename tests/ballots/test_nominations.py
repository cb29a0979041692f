"""Nominations, consent, statements, photos, the threshold and the ballot order (issue 11
item 2): each refusal names its clause or field and writes nothing."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from ballots.nominations_world import candidate_member, national_ballot, nominating_poll
from factories import AffiliationFactory, MemberFactory, OrganisationFactory, UnitFactory
from moot.audit.models import AuditEvent
from moot.ballots.actions.nominations import (
    do_consent_candidacy,
    do_record_affiliate_nomination,
    do_record_unit_nomination,
    do_update_candidate_statement,
    do_withdraw_candidacy,
)
from moot.ballots.errors import BallotError
from moot.ballots.models import (
    BallotState,
    Candidate,
    CandidateOrder,
    Nomination,
    NominationPoll,
)
from moot.ballots.photos import do_set_candidate_photo
from moot.ballots.queries_nominations import (
    candidates_reaching_ballot,
    nominations_by_candidate,
    order_for,
)

pytestmark = pytest.mark.django_db


def nominate(world: Any, ballot: Any, member: Any, unit: Any = None, secretary: Any = None):
    unit = unit or world.riverside
    poll = nominating_poll(unit, [member], secretary=secretary, ballot=ballot)
    return do_record_unit_nomination(
        ballot, unit=unit, poll=poll, acting_user=secretary or world.users["secretary"]
    )


def test_a_units_poll_winner_becomes_its_nominee(world: Any) -> None:
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside, first_name="Ada", last_name="Zephyr")
    ben = candidate_member(world.riverside)
    poll = nominating_poll(world.riverside, [ada], secretary=None, losers=(ben,), ballot=ballot)
    [nomination] = do_record_unit_nomination(
        ballot, unit=world.riverside, poll=poll, acting_user=world.users["secretary"]
    )
    assert nomination.candidate.member == ada
    assert nomination.meeting == poll.meeting
    assert nomination.poll == poll
    assert not Candidate.objects.filter(member=ben).exists()
    event = AuditEvent.objects.filter(verb="ballots.record_unit_nomination").get()
    assert event.after["candidates"] == [nomination.candidate_id]


def refused(call: Any, match: str, **kw: Any) -> BallotError:
    before = (Nomination.objects.count(), Candidate.objects.count())
    with pytest.raises(BallotError, match=match) as caught:
        call()
    assert (Nomination.objects.count(), Candidate.objects.count()) == before
    for key, value in kw.items():
        assert getattr(caught.value, key) == value
    return caught.value


def test_refusals_name_what_and_why_and_write_nothing(world: Any) -> None:
    ada = candidate_member(world.riverside)
    secretary = world.users["secretary"]
    poll = nominating_poll(world.riverside, [ada], secretary=None)
    # Outside the window (the meeting is tonight; the window closed yesterday).
    late = national_ballot(world, nominations_close=timezone.localdate() - datetime.timedelta(1))
    refused(
        lambda: do_record_unit_nomination(
            late, unit=world.riverside, poll=poll, acting_user=secretary
        ),
        "outside the nominations window",
        clause="5.7",
        field="poll",
    )
    # A unit kind the ballot does not take nominations from.
    branches_not = national_ballot(world, nominating_kinds=["affiliate"])
    refused(
        lambda: do_record_unit_nomination(
            branches_not, unit=world.riverside, poll=poll, acting_user=secretary
        ),
        "takes nominations from affiliate only",
        field="unit",
    )
    ballot = national_ballot(world)
    NominationPoll.objects.create(ballot=ballot, poll=poll, unit=world.riverside)
    # Not that unit's secretary (the member, and the secretary of another unit).
    refused(
        lambda: do_record_unit_nomination(
            ballot, unit=world.riverside, poll=poll, acting_user=world.users["member"]
        ),
        "Only the secretary of Riverside",
        code="forbidden",
    )
    # After the freeze.
    frozen = national_ballot(world, state=BallotState.FROZEN, frozen_at=timezone.now())
    refused(
        lambda: do_record_unit_nomination(
            frozen, unit=world.riverside, poll=poll, acting_user=secretary
        ),
        "fixed at the freeze",
        code="state",
    )
    # Twice by one unit.
    do_record_unit_nomination(ballot, unit=world.riverside, poll=poll, acting_user=secretary)
    refused(
        lambda: do_record_unit_nomination(
            ballot, unit=world.riverside, poll=poll, acting_user=secretary
        ),
        "already recorded its nominations",
        code="conflict",
    )


def test_a_nominee_who_may_not_stand_is_refused_with_the_rulebook_clause(world: Any) -> None:
    ballot = national_ballot(world)
    newcomer = MemberFactory(constituency=world.riverside, joined_weeks_ago=10)
    poll = nominating_poll(world.riverside, [newcomer], secretary=None, ballot=ballot)
    error = refused(
        lambda: do_record_unit_nomination(
            ballot, unit=world.riverside, poll=poll, acting_user=world.users["secretary"]
        ),
        "may not stand",
        code="ineligible",
        field="nominee",
    )
    assert error.clause == "7.4"


def test_a_poll_of_another_units_meeting_is_refused(world: Any) -> None:
    ballot = national_ballot(world)
    ada = candidate_member(world.elsewhere)
    poll = nominating_poll(world.elsewhere, [ada], secretary=None, ballot=ballot)
    refused(
        lambda: do_record_unit_nomination(
            ballot, unit=world.riverside, poll=poll, acting_user=world.users["secretary"]
        ),
        "held at a meeting of Riverside",
        field="poll",
    )


def test_affiliate_nomination_needs_an_affiliation_and_a_reference(world: Any) -> None:
    ballot = national_ballot(world)
    union = OrganisationFactory(name="Riverside Rail Union")
    ada = candidate_member(world.riverside)
    staff = world.users["national_staff"]
    today = timezone.localdate()

    def nominate_by_union(reference: str = "Letter of 3 March") -> Any:
        return do_record_affiliate_nomination(
            ballot,
            organisation=union,
            member=ada,
            reference=reference,
            decided_on=today,
            acting_user=staff,
        )

    refused(nominate_by_union, "was not affiliated", field="organisation")
    AffiliationFactory(unit=world.national, organisation=union)
    refused(lambda: nominate_by_union(""), "Give the organisation's reference", field="reference")
    nomination = nominate_by_union()
    assert nomination.organisation == union
    assert nomination.reference == "Letter of 3 March"
    refused(nominate_by_union, "already nominated", code="conflict")
    no_affiliates = national_ballot(world, nominating_kinds=["constituency"])
    refused(
        lambda: do_record_affiliate_nomination(
            no_affiliates,
            organisation=union,
            member=ada,
            reference="x",
            decided_on=today,
            acting_user=staff,
        ),
        "no nominations from affiliated organisations",
    )


def test_threshold_consent_and_withdrawal_decide_who_reaches_the_ballot(world: Any) -> None:
    ballot = national_ballot(world, nomination_threshold=2)
    ada = candidate_member(world.riverside, first_name="Ada", last_name="Young")
    ben = candidate_member(world.riverside, first_name="Ben", last_name="Abbot")
    third = UnitFactory(kind="constituency", parent=world.region, name="Third")
    third_secretary = candidate_member(third)
    from factories import OfficeHoldingFactory, PostFactory

    OfficeHoldingFactory(
        post=PostFactory(unit=third, slug="secretary", title="Secretary"),
        member=third_secretary,
        start=timezone.localdate() - datetime.timedelta(days=100),
    )
    nominate(world, ballot, ada)
    nominate(world, ballot, ada, unit=third, secretary=third_secretary.user)
    assert candidates_reaching_ballot(ballot) == []  # not consented yet
    ada_candidate = Candidate.objects.get(member=ada)
    with pytest.raises(BallotError, match="Only the candidate"):
        do_consent_candidacy(ada_candidate, acting_user=ben.user)
    do_consent_candidacy(ada_candidate, acting_user=ada.user)
    assert candidates_reaching_ballot(ballot) == [ada_candidate]
    # Ben: one nomination of the two needed.
    secretary_elsewhere = candidate_member(world.elsewhere)
    OfficeHoldingFactory(
        post=PostFactory(unit=world.elsewhere, slug="secretary", title="Secretary"),
        member=secretary_elsewhere,
        start=timezone.localdate() - datetime.timedelta(days=100),
    )
    nominate(world, ballot, ben, unit=world.elsewhere, secretary=secretary_elsewhere.user)
    ben_candidate = Candidate.objects.get(member=ben)
    do_consent_candidacy(ben_candidate, acting_user=ben.user)
    assert candidates_reaching_ballot(ballot) == [ada_candidate]
    listed = dict(nominations_by_candidate(ballot))
    assert [n.unit for n in listed[ada_candidate]] == [world.riverside, third]
    do_withdraw_candidacy(ada_candidate, reason="", acting_user=ada.user)
    assert candidates_reaching_ballot(ballot) == []


def test_ballot_order_alphabetical_by_surname_or_rotated(world: Any) -> None:
    ballot = national_ballot(world, nomination_threshold=0, candidate_order=CandidateOrder.ROTATED)
    people = [("Cal", "Moss"), ("Ada", "Young"), ("Ben", "Abbot")]
    for first, last in people:
        member = candidate_member(world.riverside, first_name=first, last_name=last)
        candidate = Candidate.objects.create(ballot=ballot, member=member, name=f"{first} {last}")
        do_consent_candidacy(candidate, acting_user=member.user)
    names = [c.name for c in order_for(ballot, 0)]
    assert names == ["Ben Abbot", "Cal Moss", "Ada Young"]
    assert [c.name for c in order_for(ballot, 1)] == ["Cal Moss", "Ada Young", "Ben Abbot"]
    assert [c.name for c in order_for(ballot, 5)] == ["Ada Young", "Ben Abbot", "Cal Moss"]
    ballot.candidate_order = CandidateOrder.ALPHABETICAL
    assert [c.name for c in order_for(ballot, 2)] == names


def test_statement_is_the_candidates_own_within_limits(world: Any) -> None:
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    candidate = Candidate.objects.create(ballot=ballot, member=ada, name=ada.full_name)
    with pytest.raises(BallotError, match="Only the candidate"):
        do_update_candidate_statement(candidate, "Hi", acting_user=world.users["secretary"])
    with pytest.raises(BallotError, match="the limit is 2,000"):
        do_update_candidate_statement(candidate, "x" * 2001, acting_user=ada.user)
    with pytest.raises(BallotError, match="right-to-left"):
        do_update_candidate_statement(candidate, "vote \u202e me", acting_user=ada.user)
    do_update_candidate_statement(candidate, "Line one\r\nLine two", acting_user=ada.user)
    candidate.refresh_from_db()
    assert candidate.statement == "Line one\nLine two"


def png_bytes(size: tuple[int, int] = (40, 30), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 20, 20)).save(out, format="PNG", **save)
    return out.getvalue()


def test_photo_is_re_encoded_without_metadata_under_a_random_name(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import tempfile

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tempfile.mkdtemp()},
        },
    }
    from django.core.files.storage import default_storage

    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    candidate = Candidate.objects.create(ballot=ballot, member=ada, name=ada.full_name)
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Author", "secret-metadata")
    sent = png_bytes(pnginfo=info) + b"<script>alert(1)</script>"
    do_set_candidate_photo(candidate, io.BytesIO(sent), acting_user=ada.user)
    candidate.refresh_from_db()
    assert candidate.photo.startswith("ballots/photos/")
    assert candidate.photo.endswith(".png")
    with default_storage.open(candidate.photo) as handle:
        stored = handle.read()
    assert b"secret-metadata" not in stored
    assert b"<script>" not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)
    first = candidate.photo
    with django_capture_on_commit_callbacks(execute=True):
        do_set_candidate_photo(candidate, io.BytesIO(png_bytes()), acting_user=ada.user)
    candidate.refresh_from_db()
    assert candidate.photo != first
    assert not default_storage.exists(first)
