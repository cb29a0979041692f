"""The candidate sees and corrects how they describe themselves for the women's minimum (issue
11 review): on the consent page, before the freeze, only they; audited; refused after it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ballots.nominations_world import candidate_member, national_ballot
from moot.audit.models import AuditEvent
from moot.ballots.actions import do_set_candidate_woman
from moot.ballots.errors import BallotError
from moot.ballots.models import BallotState, Candidate

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_candidate_sets_and_corrects_the_flag_on_the_consent_page(world: Any) -> None:
    ballot = national_ballot(world, state=BallotState.DRAFT)
    ada = candidate_member(world.riverside)
    cand = Candidate.objects.create(ballot=ballot, member=ada, name=ada.full_name)
    url = f"/ballots/{ballot.pk}/candidates/{cand.pk}/consent/"
    client = signed_in(ada.user)
    page = client.get(url).content.decode()
    assert "does not say you are a woman" in page
    assert client.post(url, {"which": "woman", "woman": "yes"}).status_code == 302
    cand.refresh_from_db()
    assert cand.woman is True
    page = client.get(url).content.decode()
    assert "Your candidacy says you are a woman" in page
    assert client.post(url, {"which": "woman", "woman": "no"}).status_code == 302
    cand.refresh_from_db()
    assert cand.woman is False
    assert AuditEvent.objects.filter(verb="ballots.set_candidate_woman").count() == 2
    # Someone else (the ballot's manager included) cannot set it.
    intruder = signed_in(world.users["national_staff"])
    assert intruder.post(url, {"which": "woman", "woman": "yes"}).status_code == 403
    cand.refresh_from_db()
    assert cand.woman is False


def test_the_flag_is_fixed_at_the_freeze(world: Any) -> None:
    ballot = national_ballot(world, state=BallotState.FROZEN, frozen_at=timezone.now())
    ada = candidate_member(world.riverside)
    cand = Candidate.objects.create(ballot=ballot, member=ada, name=ada.full_name)
    with pytest.raises(BallotError, match="fixed at the freeze") as caught:
        do_set_candidate_woman(cand, woman=True, acting_user=ada.user)
    assert caught.value.code == "state"
    cand.refresh_from_db()
    assert cand.woman is False
    assert not AuditEvent.objects.filter(verb="ballots.set_candidate_woman").exists()
    assert (
        "women-heading"
        not in signed_in(ada.user)
        .get(f"/ballots/{ballot.pk}/candidates/{cand.pk}/consent/")
        .content.decode()
    )
