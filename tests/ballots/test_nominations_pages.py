"""The nominations, candidate, consent, photo, endorsements and events pages: public reads,
writes by whose act it is, refusals shown on the form with their clause."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from ballots.nominations_world import candidate_member, national_ballot, nominating_poll
from factories import OrganisationFactory
from moot.ballots.models import BallotEvent, BallotState, Candidate, Endorsement, Nomination

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_secretary_records_the_units_nomination_and_anyone_reads_the_list(world: Any) -> None:
    ballot = national_ballot(world, state=BallotState.DRAFT)
    ada = candidate_member(world.riverside, first_name="Ada", last_name="Quill")
    poll = nominating_poll(world.riverside, [ada], secretary=None, ballot=ballot)
    client = signed_in(world.users["secretary"])
    url = f"/ballots/{ballot.pk}/nominations/record/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Your unit's nomination" in page.content.decode()
    answer = client.post(
        url, {"which": "unit", "unit-unit": world.riverside.pk, "unit-poll": poll.pk}
    )
    assert answer.status_code == 302
    assert Nomination.objects.filter(unit=world.riverside).count() == 1
    again = client.post(
        url, {"which": "unit", "unit-unit": world.riverside.pk, "unit-poll": poll.pk}
    )
    assert "already recorded its nominations" in again.content.decode()
    listing = Client().get(f"/ballots/{ballot.pk}/nominations/")
    body = listing.content.decode()
    assert "Ada Quill" in body
    assert "Riverside" in body
    assert "has not consented" in body


def test_the_record_page_is_refused_to_a_plain_member(world: Any) -> None:
    ballot = national_ballot(world)
    assert (
        signed_in(world.users["member"])
        .get(f"/ballots/{ballot.pk}/nominations/record/")
        .status_code
        == 403
    )


def test_candidate_consents_writes_statement_and_uploads_photo(world: Any, media: None) -> None:
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    cand = Candidate.objects.create(ballot=ballot, member=ada, name=ada.full_name)
    client = signed_in(ada.user)
    base = f"/ballots/{ballot.pk}/candidates/{cand.pk}/"
    assert client.post(base + "consent/", {"which": "consent"}).status_code == 302
    assert client.post(base, {"statement": "I will listen."}).status_code == 302
    image = io.BytesIO()
    Image.new("RGB", (10, 10)).save(image, format="JPEG")
    image.seek(0)
    image.name = "me.jpg"
    assert client.post(base + "photo/", {"photo": image}).status_code == 302
    cand.refresh_from_db()
    assert cand.consented_at is not None
    assert cand.statement == "I will listen."
    served = Client().get(base + "photo/")
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    page = Client().get(base).content.decode()
    assert "I will listen." in page
    assert "Photo of" in page


def test_someone_elses_candidacy_is_not_theirs_to_change(world: Any) -> None:
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    cand = Candidate.objects.create(ballot=ballot, member=ada, name=ada.full_name, statement="Mine")
    intruder = signed_in(world.users["secretary"])
    base = f"/ballots/{ballot.pk}/candidates/{cand.pk}/"
    assert intruder.post(base, {"statement": "Hacked"}).status_code == 403
    assert intruder.get(base + "consent/").status_code == 403
    assert intruder.post(base + "consent/", {"which": "consent"}).status_code == 403
    cand.refresh_from_db()
    assert cand.statement == "Mine"
    assert cand.consented_at is None
    assert Client().get(f"/ballots/{ballot.pk}/candidates/999999/").status_code == 404


def test_manager_records_endorsements_and_events(world: Any) -> None:
    staff = signed_in(world.users["national_staff"])
    ballot = national_ballot(world, returning_officer=world.users["national_staff"])
    ada = candidate_member(world.riverside)
    cand = Candidate.objects.create(
        ballot=ballot,
        member=ada,
        name=ada.full_name,
        on_ballot=True,
        position=1,
        consented_at=timezone.now(),
    )
    slate = OrganisationFactory(name="Open Slate")
    url = f"/ballots/{ballot.pk}/endorsements/"
    answer = staff.post(url, {"which": "record", "organisation": slate.pk, "candidate": cand.pk})
    assert answer.status_code == 200  # no reference of the organisation's decision
    assert not Endorsement.objects.filter(candidate=cand).exists()
    answer = staff.post(
        url,
        {
            "which": "record",
            "organisation": slate.pk,
            "candidate": cand.pk,
            "reference": "Open Slate AGM, motion 3",
        },
    )
    assert answer.status_code == 302
    assert Endorsement.objects.filter(candidate=cand).exists()
    public = Client().get(url).content.decode()
    assert "Open Slate" in public
    assert "Open Slate AGM, motion 3" in public
    candidate_page = Client().get(f"/ballots/{ballot.pk}/candidates/{cand.pk}/")
    assert "Open Slate AGM, motion 3" in candidate_page.content.decode()
    assert (
        signed_in(world.users["member"])
        .post(url, {"which": "record", "organisation": slate.pk, "candidate": cand.pk})
        .status_code
        == 403
    )
    ballot.state = BallotState.OPEN
    ballot.save(update_fields=["state"])
    events = f"/ballots/{ballot.pk}/events/"
    answer = staff.post(
        events,
        {
            "kind": "candidate_withdrawn",
            "candidate": cand.pk,
            "authority": "The candidate's letter",
            "reference": "L-12",
            "clause": "5.7",
            "notice": "Ada has withdrawn.",
        },
    )
    assert answer.status_code == 302
    assert BallotEvent.objects.get().notice == "Ada has withdrawn."
    assert "Ada has withdrawn." in Client().get(events).content.decode()
    assert (
        signed_in(world.users["member"])
        .post(events, {"kind": "candidate_reinstated", "candidate": cand.pk})
        .status_code
        == 403
    )


def test_the_public_page_and_console_show_candidates_endorsements_and_notices(world: Any) -> None:
    staff = world.users["national_staff"]
    ballot = national_ballot(world, state=BallotState.OPEN, returning_officer=staff)
    ada = candidate_member(world.riverside, first_name="Ada", last_name="Quill")
    cand = Candidate.objects.create(
        ballot=ballot,
        member=ada,
        name="Ada Quill",
        on_ballot=True,
        position=1,
        consented_at=timezone.now(),
    )
    slate = OrganisationFactory(name="Open Slate")
    Endorsement.objects.create(ballot=ballot, candidate=cand, organisation=slate)
    BallotEvent.objects.create(
        ballot=ballot,
        kind="candidate_suspended",
        candidate=cand,
        authority="The register",
        notice="Ada Quill is suspended.",
        occurred_at=timezone.now(),
    )
    body = Client().get(f"/ballots/{ballot.pk}/").content.decode()
    assert 'id="public-candidates"' in body
    assert "Open Slate endorses Ada Quill" in body
    assert "Ada Quill is suspended." in body
    console = signed_in(staff).get(f"/ballots/{ballot.pk}/manage/").content.decode()
    assert "1 candidate nominated" in console
    ballot.show_endorsements = False
    ballot.save(update_fields=["show_endorsements"])
    body = Client().get(f"/ballots/{ballot.pk}/").content.decode()
    assert "Open Slate endorses" not in body
