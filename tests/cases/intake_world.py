"""Helpers for the intake and access tests: a complaint made through the actions, the keys and
evidence kept in the test's own directory."""

from __future__ import annotations

from typing import Any

import pytest

from moot.cases.actions.intake import Complaint, do_submit_complaint
from moot.cases.models import IntakeChannel


@pytest.fixture
def case_keys(settings, tmp_path):
    settings.MOOT_CASE_KEYS = tmp_path / "keys" / "case-keys"
    settings.MOOT_CASE_EVIDENCE_DIR = tmp_path / "evidence"
    return tmp_path


PDF = b"%PDF-1.4\n% a screenshot of the post\n"


def public_complaint(world: Any, **changes: Any) -> tuple[Any, str]:
    """A public complaint about the world's target member (as the public describes them)."""
    values = {
        "category": "bullying",
        "description": "At the branch meeting on 3 May she shouted at me and called me a liar.",
        "respondent_description": "the branch's press officer",
        "unit": world.riverside,
        "incident_dates": "3 May 2026",
        "complainant_name": "Sam Fictional",
        "complainant_email": "sam@example.org",
    }
    values.update(changes)
    return do_submit_complaint(
        Complaint(**values), channel=IntakeChannel.PUBLIC_FORM, acting_user=None
    )


def member_complaint(world: Any, user: Any, **changes: Any) -> Any:
    values = {
        "category": "other_racism",
        "description": "A racist remark in the branch WhatsApp group.",
        "respondent": world.members["target"],
    }
    values.update(changes)
    case, _ = do_submit_complaint(
        Complaint(**values), channel=IntakeChannel.MEMBER_FORM, acting_user=user
    )
    return case
