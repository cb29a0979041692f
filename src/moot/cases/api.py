"""Cases in the JSON API: the staff's list, one case, and a member's complaint. The same access
as the pages: a case the caller has no role on is the 404 of one that does not exist (unit
officers, national staff, the staff admin included); the auditor gets metadata with the text
fields null; every read of a case writes its read log. Errors are ``moot.api``'s ``Message``."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.cases import queries
from moot.cases.access import access_case
from moot.cases.actions.intake import Complaint, do_submit_complaint
from moot.cases.crypto import open_text
from moot.cases.errors import CaseError
from moot.cases.models import Case, IntakeChannel, Stage
from moot.cases.permissions import can_list_cases
from moot.cases.roles import AUDITOR
from moot.text import ModelText, Text

router = Router(tags=["cases"], auth=API_AUTH)
REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message, 429: Message}


class CaseOut(Schema):
    id: int
    reference: str
    stage: str
    category: str
    protected_characteristic: bool
    directed: bool
    unit: str  # the unit's slug
    opened_at: datetime.datetime
    deadline: datetime.date | None
    clock_stopped: bool
    outcome: str


class EventOut(Schema):
    kind: str
    at: datetime.datetime
    stage: str
    party: str
    clause: str
    body: str | None = Field(description="null for the auditor (metadata only)")


class EvidenceOut(Schema):
    id: int
    content_type: str
    size: int
    sha256: str
    by_party: str
    uploaded_at: datetime.datetime


class RepresentationOut(Schema):
    from_description: str
    role_of_person: str
    at: datetime.datetime
    summary: str


class CaseDetailOut(CaseOut):
    role: str = Field(description="Your role on the case")
    description: str | None = Field(description="null for the auditor (metadata only)")
    incident_dates: str
    events: list[EventOut]
    evidence: list[EvidenceOut]
    representations: list[RepresentationOut]


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "stage": case.stage,
        "category": case.category,
        "protected_characteristic": case.protected_characteristic,
        "directed": case.directed,
        "unit": case.unit.slug,
        "opened_at": case.opened_at,
        "deadline": case.deadline,
        "clock_stopped": case.clock_stopped,
        "outcome": case.outcome,
    }


@router.get(
    "/",
    response={200: list[CaseOut], **REFUSALS},
    summary="Cases you work on (complaints staff, the auditor, people assigned)",
)
def list_cases(
    request: HttpRequest,
    stage: str = "",
    category: str = "",
    overdue: bool = False,
    mine: bool = False,
) -> list[dict[str, Any]]:
    """Newest first, at most 200. Anyone else: 404 (the list does not exist for them)."""
    user = _user(request)
    if not can_list_cases(user):
        raise Http404("No such page.")
    if stage and stage not in Stage.values:
        raise CaseError(f"No stage {stage!r}; one of {', '.join(Stage.values)}.", field="stage")
    cases = queries.staff_case_list(
        user, stage=stage, category=category, overdue=overdue, mine=mine
    )
    return [_case_out(case) for case in cases[:200]]


@router.get("/{case_id}", response={200: CaseDetailOut, **REFUSALS}, summary="One case")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = _user(request)
    case = access_case(case_id, user, what="api")
    text = case.viewer_role != AUDITOR  # type: ignore[attr-defined]
    return {
        **_case_out(case),
        "role": case.viewer_role,  # type: ignore[attr-defined]
        "description": open_text(case, "description_enc") if text else None,
        "incident_dates": case.incident_dates,
        "events": [
            {
                "kind": event.kind,
                "at": event.at,
                "stage": event.stage,
                "party": event.party,
                "clause": event.clause,
                "body": open_text(event, "body_enc") if text else None,
            }
            for event in queries.timeline(case)
        ],
        "evidence": list(
            queries.evidence_of(case).values(
                "id", "content_type", "size", "sha256", "by_party", "uploaded_at"
            )
        ),
        "representations": [
            {
                "from_description": item.from_description,
                "role_of_person": item.role_of_person,
                "at": item.at,
                "summary": open_text(item, "summary_enc"),
            }
            for item in queries.representations_of(case)
        ],
    }


class ComplaintIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(description="A category slug of the rulebook's [complaints]")
    description: Annotated[str, Text(20000, single_line=False)]
    directed: bool = Field(description="Was the conduct directed at you?")
    respondent_number: Annotated[str, Text(20)] | None = Field(
        None, description="The respondent's membership number"
    )
    respondent_description: Annotated[str, Text(300)] = Field(
        "", description="Who it is, when not a member or not known"
    )
    incident_dates: Annotated[str, ModelText(Case, "incident_dates")] = ""
    witnesses: Annotated[str, Text(5000, single_line=False)] = ""


class ReceivedOut(Schema):
    id: int
    reference: str
    stage: str


@router.post(
    "/",
    response={201: ReceivedOut, **REFUSALS},
    summary="Make a complaint as a signed-in member",
    description="Evidence files are added on the case's page (/cases/mine/<id>/). The public, "
    "without an account, uses the form at /complain/.",
)
def make_complaint(request: HttpRequest, payload: ComplaintIn) -> Status:
    from moot.cases.queries import member_by_number
    from moot.limits import note_number_lookup

    user = _user(request)
    respondent = None
    if payload.respondent_number:
        respondent = member_by_number(payload.respondent_number.strip().upper())
        note_number_lookup(respondent, field="respondent_number")
        if respondent is None:
            raise CaseError(
                "No member has this number; leave it out and describe the person instead.",
                field="respondent_number",
            )
    case, _ = do_submit_complaint(
        Complaint(
            category=payload.category,
            description=payload.description,
            directed=payload.directed,
            respondent=respondent,
            respondent_description=payload.respondent_description,
            incident_dates=payload.incident_dates,
            witnesses=payload.witnesses,
        ),
        channel=IntakeChannel.MEMBER_FORM,
        acting_user=user,
    )
    return Status(201, {"id": case.pk, "reference": case.reference, "stage": case.stage})
