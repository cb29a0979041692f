"""Fetch a case and authorise the user in one step (moot.access), writing the read log.

A case the user has no role on is answered exactly as one that does not exist (404, "No such
case."), for unit officers, national executive members and the staff admin alike; a role that
may see but not act (the auditor) gets 403 for a write. Every successful read writes a
:class:`CaseRead` (who, as what, what, why) in the same step: there is no way to read a case
file that leaves no line in its read log.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from moot.access import authorise
from moot.cases.models import Case, CaseRead, Evidence
from moot.cases.roles import AUDITOR, COMPLAINANT, case_role, party_role
from moot.ids import parse_id

NO_SUCH_CASE = "No such case."
NO_SUCH_EVIDENCE = "No such evidence."
ACT_REFUSED = "Only complaints staff and the people assigned to this case can act on it."
SESSION_RECEIPTS = "cases_receipt_cases"

WHY = {
    "complaints_staff": "complaints staff for the case's unit",
    "case_handler": "assigned case handler",
    "investigator": "assigned investigator",
    "panel_member": "member of the case's panel",
    "reviewer": "assigned independent reviewer",
    "appeal_panel_member": "member of the appeal panel",
    "auditor": "auditor (metadata, read log and representations only)",
    "complainant": "the complainant's own view",
    "respondent": "the respondent's own view",
}


def _fetch(case_id: Any) -> Case | None:
    pk = parse_id(case_id)
    if pk is None:
        return None
    return (
        Case.objects.select_related("unit", "respondent", "complainant_member")
        .filter(pk=pk)
        .first()
    )


def log_read(
    case: Case, user: Any, role: str, what: str, *, detail: str = "", why: str = ""
) -> None:
    """One line in the case's read log."""
    CaseRead.objects.create(
        case=case,
        user=user if getattr(user, "is_authenticated", False) else None,
        role=role,
        what=what,
        detail=detail[:100],
        why=(why or WHY.get(role, role))[:200],
        at=timezone.now(),
    )


def access_case(
    case_id: Any, user: Any, *, for_write: bool = False, what: str = "page", log: bool = True
) -> Case:
    """The case for the staff pages if ``user`` has a role on it (``case.viewer_role``), its
    read logged as ``what``; ``for_write``: act on it (not the auditor: 403)."""
    case = _fetch(case_id)
    role = case_role(user, case)
    if case is None or role is None:
        raise Http404(NO_SUCH_CASE)
    authorise(
        case,
        user,
        view="cases.view_case",
        missing=NO_SUCH_CASE,
        permission="cases.act_on_case" if for_write else None,
        refused=ACT_REFUSED,
    )
    case.viewer_role = role  # type: ignore[attr-defined]
    if log:
        log_read(case, user, role, what)
    return case


def access_case_for_staff(case_id: Any, user: Any, *, what: str = "page") -> Case:
    """The case for what complaints staff alone do (record a representation, ask a party)."""
    case = access_case(case_id, user, what=what, log=False)
    if case.viewer_role != "complaints_staff":  # type: ignore[attr-defined]
        raise PermissionDenied("Only complaints staff for this case's unit can do this.")
    log_read(case, user, case.viewer_role, what)  # type: ignore[attr-defined]
    return case


def access_evidence(case_id: Any, evidence_id: Any, user: Any) -> tuple[Case, Evidence]:
    """A file of the case for its text roles (never the auditor), its download logged."""
    case = access_case(case_id, user, log=False)
    evidence_pk = parse_id(evidence_id)
    evidence = (
        Evidence.objects.filter(case=case, pk=evidence_pk).first()
        if evidence_pk is not None
        else None
    )
    if evidence is None:
        raise Http404(NO_SUCH_EVIDENCE)
    authorise(
        case,
        user,
        view="cases.view_case",
        missing=NO_SUCH_CASE,
        permission="cases.read_case_text",
        refused="The auditor sees a case's metadata, not its evidence.",
    )
    role = case.viewer_role  # type: ignore[attr-defined]
    log_read(case, user, role, "evidence", detail=f"evidence {evidence.pk}")
    return case, evidence


def access_party_case(case_id: Any, user: Any) -> Case:
    """The case for its complainant or respondent, signed in (the party view)."""
    case = _fetch(case_id)
    role = party_role(user, case) if case is not None else None
    if case is None or role is None:
        raise Http404(NO_SUCH_CASE)
    authorise(case, user, view="cases.view_party_case", missing=NO_SUCH_CASE)
    case.viewer_role = role  # type: ignore[attr-defined]
    log_read(case, user, role, "party_view")
    return case


def receipt_cases(request: Any) -> list[int]:
    """The cases this browser session has opened with a receipt code."""
    return [int(pk) for pk in request.session.get(SESSION_RECEIPTS, [])]


def remember_receipt(request: Any, case: Case) -> None:
    cases = receipt_cases(request)
    if case.pk not in cases:
        request.session[SESSION_RECEIPTS] = [*cases, case.pk][-5:]
    request.session.cycle_key()


def access_receipt_case(request: Any) -> Case:
    """The case whose receipt code this session entered (the newest), for the public
    complainant's follow-up page; 404 when the session has none."""
    for pk in reversed(receipt_cases(request)):
        case = _fetch(pk)
        if case is not None and case.receipt_hash:
            case.viewer_role = COMPLAINANT  # type: ignore[attr-defined]
            log_read(case, None, COMPLAINANT, "receipt_view", why="the complainant's receipt code")
            return case
    raise Http404("Enter your receipt code to follow your complaint.")


__all__ = [
    "AUDITOR",
    "NO_SUCH_CASE",
    "access_case",
    "access_case_for_staff",
    "access_evidence",
    "access_party_case",
    "access_receipt_case",
    "log_read",
    "receipt_cases",
    "remember_receipt",
]
