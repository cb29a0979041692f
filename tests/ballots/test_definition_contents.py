"""The frozen definition holds what the voter was shown (issue 11 review): each candidate's
statement and photo SHA-256, and the endorsements (organisation, candidate) as at the freeze —
a withdrawal or an endorsement after the freeze leaves the frozen hash as it was."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.utils import timezone

from ballots.nominations_world import national_ballot
from factories import OrganisationFactory
from moot.ballots.definition import definition_of, sha256_of
from moot.ballots.models import BallotState, Candidate, Endorsement


def test_statements_photos_and_endorsements_are_in_the_definition(world: Any) -> None:
    ballot = national_ballot(world, state=BallotState.DRAFT)
    ada = Candidate.objects.create(
        ballot=ballot, name="Ada Quill", statement="For the members.", photo_sha256="ab" * 32
    )
    ben = Candidate.objects.create(ballot=ballot, name="Ben Rowe")
    slate = OrganisationFactory(name="Open Slate", kind="campaign_group")
    union = OrganisationFactory(name="A Union", kind="trade_union")
    Endorsement.objects.create(
        ballot=ballot, candidate=ada, organisation=slate, reference="Slate AGM"
    )
    gone = Endorsement.objects.create(ballot=ballot, candidate=ben, organisation=union)
    gone.withdrawn_at = timezone.now()
    gone.save()
    definition = definition_of(ballot)
    by_name = {c["name"]: c for c in definition["candidates"]}
    assert by_name["Ada Quill"]["statement_sha256"] == (
        hashlib.sha256(b"For the members.").hexdigest()
    )
    assert by_name["Ada Quill"]["photo_sha256"] == "ab" * 32
    assert by_name["Ben Rowe"]["statement_sha256"] is None
    assert by_name["Ben Rowe"]["photo_sha256"] is None
    assert definition["endorsements"] == [
        {
            "candidate": ada.pk,
            "organisation": {"id": slate.pk, "name": "Open Slate"},
            "reference": "Slate AGM",
        }
    ]
    # A new statement changes the hash.
    before = sha256_of(definition)
    ada.statement = "For the members, and nobody else."
    ada.save()
    assert sha256_of(definition_of(ballot)) != before


def test_the_endorsements_are_as_at_the_freeze(world: Any) -> None:
    frozen_at = timezone.now() - datetime.timedelta(days=2)
    ballot = national_ballot(world, state=BallotState.OPEN, frozen_at=frozen_at)
    ada = Candidate.objects.create(ballot=ballot, name="Ada Quill", on_ballot=True, position=1)
    slate = OrganisationFactory(name="Open Slate", kind="campaign_group")
    union = OrganisationFactory(name="A Union", kind="trade_union")
    held = Endorsement.objects.create(ballot=ballot, candidate=ada, organisation=slate)
    late = Endorsement.objects.create(ballot=ballot, candidate=ada, organisation=union)
    Endorsement.objects.filter(pk=held.pk).update(
        recorded_at=frozen_at - datetime.timedelta(days=1)
    )
    frozen = definition_of(ballot)
    assert frozen["endorsements"] == [
        {
            "candidate": ada.pk,
            "organisation": {"id": slate.pk, "name": "Open Slate"},
            "reference": "",
        }
    ]
    # Withdrawn after the issue (an event): the frozen definition still lists it.
    Endorsement.objects.filter(pk=held.pk).update(withdrawn_at=timezone.now())
    assert definition_of(ballot) == frozen
    # Withdrawn before the freeze: not listed.
    Endorsement.objects.filter(pk=held.pk).update(
        withdrawn_at=frozen_at - datetime.timedelta(hours=1)
    )
    assert definition_of(ballot)["endorsements"] == []
    assert late.recorded_at > frozen_at
