"""The policy pages without a browser: "as at" answered on the page, the forms (typed
line-numbered changes, refusals shown with their clause and nothing written), a national decision
by staff, and a motion's page saying what it proposes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from moot.dates import long_date
from moot.motions.models import Motion
from moot.policies.forms import parse_edit_lines
from moot.policies.models import PolicyProposal, PolicyVersion
from policies.conftest import DEFINITION


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_policy_page_answers_as_at(assembly: Any, national_definition: Any) -> None:
    client = as_user(assembly.member.user)
    url = f"/policies/{national_definition.policy_id}/"
    day = national_definition.in_force_from
    page = client.get(url, {"as_at": day.isoformat()}).content.decode()
    assert f"In force on {long_date(day)}: version 1, adopted in part" in page
    assert "minute 14.2" in page
    before = day - datetime.timedelta(days=1)
    page = client.get(url, {"as_at": before.isoformat()}).content.decode()
    assert f"Not in force on {long_date(before)}: not yet adopted." in page
    assert "The text in force" not in page
    unit_page = client.get(f"/policies/units/{assembly.clp.pk}/").content.decode()
    assert "Binding on Riverside nationally" in unit_page
    assert "clause 1.9.3" in unit_page


def test_typed_changes_are_read_or_refused_naming_the_line() -> None:
    assert parse_edit_lines("replace 3-4: new words\n\ninsert after 0: first\ndelete 5") == [
        {"action": "replace", "line_from": 3, "line_to": 4, "text": "new words"},
        {"action": "insert", "line_from": 0, "line_to": None, "text": "first"},
        {"action": "delete", "line_from": 5, "line_to": None, "text": ""},
    ]
    with pytest.raises(ValidationError, match="Line 2 of the changes"):
        parse_edit_lines("delete 5\nchange line 2")


def _motion_form(assembly: Any, **fields: Any) -> dict[str, Any]:
    return {
        "motion_title": "Change the definition",
        "motion_text": "This party resolves as set out.",
        "seconder": assembly.seconder.number,
        **fields,
    }


def test_the_form_never_offers_amending_a_national_policy(
    assembly: Any, national_definition: Any
) -> None:
    """Only the unit's own policies are offered to amend or rescind (the action would refuse
    another's under clause 1.9.2, as the API does: test_api)."""
    client = as_user(assembly.mover.user)
    url = f"/policies/meetings/{assembly.next_meeting.pk}/propose/"
    offered = client.get(url).content.decode()
    assert f'<option value="{national_definition.policy_id}"' in offered  # to adopt, once
    response = client.post(
        url,
        _motion_form(
            assembly,
            action="amend",
            policy=national_definition.policy_id,
            edits="delete 1",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "That choice is not one of the available choices." in page
    assert not Motion.objects.exists()


def test_the_form_tables_a_motion_adopting_the_definition_in_part(
    assembly: Any, national_definition: Any
) -> None:
    client = as_user(assembly.mover.user)
    url = f"/policies/meetings/{assembly.next_meeting.pk}/propose/"
    response = client.post(
        url,
        _motion_form(
            assembly,
            action="adopt",
            kind="definition",
            title="Our definition",
            source_policy=national_definition.policy_id,
            extent="part",
            text=DEFINITION,
        ),
    )
    motion = Motion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/motions/{motion.pk}/"
    assert motion.mover == assembly.mover  # in their own name
    proposal = PolicyProposal.objects.get(motion=motion)
    assert (proposal.extent, proposal.source_policy_id) == ("part", national_definition.policy_id)
    page = client.get(f"/motions/{motion.pk}/").content.decode()
    assert "Proposes that Riverside adopts the policy “Our definition” in part" in page
    proposal_page = client.get(f"/policies/proposals/{proposal.pk}/").content.decode()
    assert "<ins>" in proposal_page


def test_staff_record_a_national_decision_by_the_form(
    assembly: Any, national_definition: Any
) -> None:
    url = f"/policies/units/{assembly.world.national.pk}/decide/"
    form = {
        "action": "amend",
        "policy": national_definition.policy_id,
        "edits": "delete 1",
        "body": "National executive committee",
        "decision_date": datetime.date.today().isoformat(),
        "minute": "minute 1.1",
    }
    assert as_user(assembly.secretary.user).post(url, form).status_code == 403
    response = as_user(assembly.staff).post(url, form)
    version = PolicyVersion.objects.get(number=2)
    assert response["Location"] == f"/policies/versions/{version.pk}/"
    page = as_user(assembly.member.user).get(response["Location"]).content.decode()
    assert "<del>" in page
    assert "1 line deleted, 0 lines inserted." in page
