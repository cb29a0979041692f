"""Members in the JSON API: list with filters and pages, detail, the caller's own record,
eligibility checks and CSV import. Thin: reads go through ``members.access`` and
``members.queries``, writes through ``members.actions``; every endpoint checks permissions.

Need-to-know (``moot.members.disclosure``, docs/security.md §3): contact details (e-mail,
phone, address, postcode, date of birth) only for callers with ``members.view_member_contact``,
the self-described gender only with ``members.view_member_sensitive`` — otherwise null and
named in ``hidden_fields`` — and a status interval's reason and reference only with
``members.view_standing_reason`` (otherwise empty, with ``reason_hidden``).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from moot.accounts.roles import NATIONAL_STAFF, roles_of
from moot.api_common import Message
from moot.members import queries
from moot.members.access import access_member
from moot.members.errors import ActionError
from moot.members.models import Member
from moot.text import ModelText

router = Router(tags=["members"])

StatusName = Literal[
    "applied", "active", "in_arrears", "lapsed", "suspended", "expelled", "resigned"
]
MAX_IMPORT_BYTES = 100 * 1024 * 1024


# --- schemas --------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    slug: str
    name: str
    kind: str


class MemberOut(Schema):
    id: int
    number: str
    first_name: str
    last_name: str
    status: str
    joined_on: datetime.date
    constituency: UnitRef
    branch: UnitRef | None
    has_account: bool
    email: str | None
    phone: str | None
    address: str | None
    postcode: str | None
    date_of_birth: datetime.date | None
    gender: str | None
    hidden_fields: list[str] = Field(
        description="Fields left null because the caller's roles may not see them."
    )


class PeriodOut(Schema):
    status: str
    start: datetime.date
    end: datetime.date | None = Field(description="Exclusive; null while current.")
    reason: str
    reference: str
    reason_hidden: bool = Field(
        description="The reason and reference are left empty because the caller's roles may "
        "not see them (the member and complaints staff may)."
    )


class OfficeOut(Schema):
    post: str
    title: str
    unit: UnitRef
    start: datetime.date
    end: datetime.date | None
    job_share: bool


class MemberDetailOut(MemberOut):
    periods: list[PeriodOut]
    offices: list[OfficeOut]


class MemberPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[MemberOut]


class MemberFilters(Schema):
    q: str = Field("", max_length=200, description="Name, member number or e-mail (prefix).")
    status: StatusName | None = None
    unit: str | None = Field(None, description="Unit id or slug: members of it and below.")
    eligible_for: str | None = Field(
        None, max_length=40, description="A purpose such as 'meeting' or 'vote'."
    )
    at: datetime.date | None = Field(None, description="Date for eligible_for (today).")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


class ReasonOut(Schema):
    clause: str
    text: str


class EligibilityOut(Schema):
    member: int
    number: str
    purpose: str
    unit: UnitRef | None
    at: datetime.date
    allowed: bool
    reasons: list[ReasonOut]


class EligibilityQuery(Schema):
    purpose: str = Field(..., min_length=1, max_length=40, description="e.g. meeting, vote")
    unit: str | None = Field(None, description="Unit id or slug (default: no unit condition).")
    at: datetime.date | None = Field(None, description="The date asked about (today).")


class RowErrorOut(Schema):
    row: int = Field(description="As a spreadsheet numbers it: the header is row 1.")
    column: str
    value: str
    message: str


class ImportOut(Schema):
    ok: bool
    summary: str
    dry_run: bool
    partial: bool
    total_rows: int
    valid_rows: int
    created: int
    skipped: int
    sha256: str
    errors: list[RowErrorOut]
    # Set when the file went to the register's authority as a proposal instead (a unit
    # officer's import, rulebook [membership.register]); nothing was imported then.
    proposal: int | None = None
    backdated_rows: int = 0


# --- helpers --------------------------------------------------------------------------------


def unit_ref(unit: Any) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"id": unit.pk, "slug": unit.slug, "name": unit.name, "kind": unit.kind}


def find_unit(value: str | None, user: Any, parameter: str = "unit") -> Any:
    """A unit by id or slug, or a 422 naming the parameter."""
    from moot.units.access import access_unit_by_ref

    if value is None or value.strip() == "":
        return None
    if not user.has_perm("units.view_unit", None):
        raise PermissionDenied("only members and staff may see the party's units")
    text = value.strip()
    try:
        return access_unit_by_ref(text, user)
    except Http404:
        raise HttpError(
            422,
            f"query parameter '{parameter}': no unit has the id or slug '{text}'; list the "
            "units with GET /api/units/",
        ) from None


def member_out(member: Member, user: Any) -> dict[str, Any]:
    """A member as the caller may see it (members.disclosure decides the fields)."""
    from moot.members.disclosure import member_fields

    data: dict[str, Any] = {
        "id": member.pk,
        "number": member.number,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "status": member.status,
        "joined_on": member.joined_on,
        "constituency": unit_ref(member.constituency),
        "branch": unit_ref(member.branch),
        "has_account": member.user_id is not None,
    }
    data.update(member_fields(member, user))
    return data


# --- endpoints ------------------------------------------------------------------------------


@router.get("/", response={200: MemberPage, 403: Message, 422: Message}, summary="List members")
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> Any:
    """Members the caller may see, filtered, in name order, one page at a time."""
    user = request.user
    if not user.has_perm("members.list_members"):
        raise PermissionDenied(
            "your roles do not include the members list; your own record is at GET /api/members/me"
        )
    unit = find_unit(filters.unit, user)
    try:
        qs = queries.search_members(
            user,
            q=filters.q,
            unit_id=unit.pk if unit else None,
            status=filters.status,
            eligible_for=filters.eligible_for,
            at=filters.at,
        )
        count = qs.count()
        start = (filters.page - 1) * filters.page_size
        rows = list(qs[start : start + filters.page_size])
    except queries.ListTooLargeError as error:
        raise HttpError(422, f"query parameter 'eligible_for': {error}") from None
    except (KeyError, ValueError) as error:
        if filters.eligible_for:
            raise HttpError(
                422,
                f"query parameter 'eligible_for': {error}; use a purpose the rulebook knows, "
                "such as 'meeting'",
            ) from None
        raise
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, math.ceil(count / filters.page_size)),
        "results": [member_out(member, user) for member in rows],
    }


def rows_outside_unit(csv_text: str, unit: Any) -> list[dict[str, Any]]:
    """Rows whose ``constituency`` cell names another constituency than ``unit``: a secretary
    may import only into their own constituency party."""
    reader = csv.reader(io.StringIO(csv_text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "constituency" not in header:
        return []
    index = header.index("constituency")
    allowed = {unit.slug.lower(), (unit.code or unit.slug).lower()}
    problems = []
    for row_no, cells in enumerate(reader, start=2):
        value = cells[index].strip() if index < len(cells) else ""
        if value and value.lower() not in allowed:
            problems.append(
                {
                    "row": row_no,
                    "column": "constituency",
                    "value": value,
                    "message": f"you may import only into {unit.name}; leave the cell empty or "
                    f"write '{unit.slug}'",
                }
            )
    return problems


@router.post(
    "/import",
    response={200: ImportOut, 202: ImportOut, 403: Message, 413: Message, 422: ImportOut | Message},
    summary="Import members from CSV (dry run by default)",
)
def import_members(  # noqa: PLR0917 - django-ninja takes each form field as a parameter
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
    unit: Form[str | None] = None,
    partial: Form[bool] = False,
    backdate_reason: Form[str] = "",
    reason: Form[str] = "",
) -> Any:
    """Upload a CSV in the import format (docs/members-import.md). With ``dry_run`` (the
    default) every row is checked and nothing is written. Problems come back with status 422,
    one entry per cell (row, column, value, message). All-or-nothing unless ``partial``.

    Only the register's authority imports (rulebook [membership.register]); rows joined before
    today need ``backdate_reason``. A unit officer's file (not a dry run) goes to the authority
    as a proposal instead: status 202 with ``proposal`` (its id), nothing imported."""
    from moot.members.actions import do_import_members

    user = request.user
    default_unit = find_unit(unit, user)
    if not user.has_perm("members.import_members", default_unit):
        raise PermissionDenied("your roles do not allow importing members here")
    national = user.is_superuser or roles_of(user).is_national(NATIONAL_STAFF)
    if default_unit is None and not national:
        raise HttpError(
            422,
            "form field 'unit': give your constituency party's slug; only national staff may "
            "import into several constituencies at once",
        )
    if file.size is not None and file.size > MAX_IMPORT_BYTES:
        raise HttpError(
            413, f"the file is {file.size:,} bytes; split it into files under {MAX_IMPORT_BYTES:,}"
        )
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HttpError(
            422,
            f"file '{file.name}': byte {error.start} is not UTF-8; save the file as CSV UTF-8 "
            "and upload it again",
        ) from None
    report_base = {
        "dry_run": dry_run,
        "partial": partial,
        "created": 0,
        "sha256": "",
    }
    if default_unit is not None and not national:
        outside = rows_outside_unit(text, default_unit)
        if outside:
            return Status(
                422,
                {
                    **report_base,
                    "ok": False,
                    "summary": f"nothing was imported: {len(outside)} rows name another "
                    "constituency party",
                    "total_rows": 0,
                    "valid_rows": 0,
                    "skipped": 0,
                    "errors": outside,
                },
            )
    if not dry_run and not user.has_perm("members.decide_register", default_unit):
        return _propose_import(user, text, default_unit, file.name or "", reason)
    report = do_import_members(
        text,
        unit_default=default_unit,
        dry_run=dry_run,
        acting_user=user,
        partial=partial,
        source_name=file.name or "",
        backdate_reason=backdate_reason,
    )
    body = {
        "ok": report.ok,
        "summary": report.summary(),
        "dry_run": report.dry_run,
        "partial": report.partial,
        "total_rows": report.total_rows,
        "valid_rows": report.valid_rows,
        "created": report.created,
        "skipped": report.skipped,
        "sha256": report.sha256,
        "backdated_rows": report.backdated_rows,
        "errors": [
            {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
            for e in report.errors
        ],
    }
    return Status(200 if report.ok or report.created else 422, body)


def _propose_import(user: Any, text: str, unit: Any, name: str, reason: str) -> Any:
    """A unit officer's import becomes a proposal to the register's authority (202), or is
    refused with the clause when the edition lets unit officers do nothing (403)."""
    from moot.members.actions import register_clause
    from moot.members.register import do_propose_import

    clause = register_clause()
    if not user.has_perm("members.propose_register", unit):
        raise PermissionDenied(
            "only the register's authority admits members"
            + (f" (clause {clause})" if clause else "")
        )
    try:
        proposal = do_propose_import(
            text, unit_default=unit, source_name=name, reason=reason, acting_user=user
        )
    except ActionError as error:
        raise HttpError(422, f"nothing was proposed: {error}") from None
    rows = proposal.payload["rows"]
    return Status(
        202,
        {
            "ok": True,
            "summary": f"proposed {rows} members to the membership office (proposal "
            f"{proposal.pk}); nothing is imported until it decides"
            + (f" (clause {clause})" if clause else ""),
            "dry_run": False,
            "partial": False,
            "total_rows": rows,
            "valid_rows": rows,
            "created": 0,
            "skipped": 0,
            "sha256": proposal.payload["sha256"],
            "errors": [],
            "proposal": proposal.pk,
            "backdated_rows": proposal.payload["backdated_rows"],
        },
    )


def _detail(member: Member, user: Any) -> dict[str, Any]:
    from moot.members.disclosure import visible_periods
    from moot.units.queries import holdings_of_member

    data = member_out(member, user)
    data["periods"] = [
        {
            "status": p.status,
            "start": p.start,
            "end": p.end,
            "reason": p.reason,
            "reference": p.reference,
            "reason_hidden": p.reason_hidden,
        }
        for p in visible_periods(user, member)
    ]
    data["offices"] = [
        {
            "post": h.post.slug,
            "title": h.post.title,
            "unit": unit_ref(h.post.unit),
            "start": h.start,
            "end": h.end,
            "job_share": h.job_share,
        }
        for h in holdings_of_member(member.pk)
    ]
    return data


@router.get("/me", response={200: MemberDetailOut, 404: Message}, summary="Your own record")
def my_record(request: HttpRequest) -> Any:
    mine = queries.member_for_user(request.user.pk)
    if mine is None:
        raise HttpError(404, "your account is not linked to a member record")
    return _detail(access_member(mine.pk, request.user), request.user)


class OwnContactIn(Schema):
    """The caller's own telephone number and address (each optional: only what is sent
    changes)."""

    model_config = ConfigDict(extra="forbid")
    phone: Annotated[str, ModelText(Member, "phone")] | None = None
    address: Annotated[str, ModelText(Member, "address")] | None = None
    postcode: Annotated[str, ModelText(Member, "postcode")] | None = None


class EmailChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(description="The new address; a link sent there confirms it")


class EmailChangeOut(Schema):
    id: int
    new_email: str
    expires_at: datetime.datetime
    detail: str


@router.patch(
    "/me",
    response={200: MemberDetailOut, 403: Message, 404: Message, 422: Message},
    summary="Change your own telephone number or address",
)
def update_my_contact(request: HttpRequest, payload: OwnContactIn) -> Any:
    from moot.members.contact import do_update_own_contact

    mine = queries.member_for_user(request.user.pk)
    if mine is None:
        raise HttpError(404, "your account is not linked to a member record")
    changes = payload.model_dump(exclude_none=True)
    member = do_update_own_contact(mine, acting_user=request.user, **changes)
    return _detail(access_member(member.pk, request.user), request.user)


@router.post(
    "/me/email-change",
    response={202: EmailChangeOut, 404: Message, 422: Message, 429: Message},
    summary="Ask to change your e-mail address (a link to the new address confirms it)",
)
def request_my_email_change(request: HttpRequest, payload: EmailChangeIn) -> Any:
    from moot.members.contact import do_request_email_change

    mine = queries.member_for_user(request.user.pk)
    if mine is None:
        raise HttpError(404, "your account is not linked to a member record")
    change = do_request_email_change(
        mine, payload.email, acting_user=request.user, base_url=request.build_absolute_uri("/")
    )
    return Status(
        202,
        {
            "id": change.pk,
            "new_email": change.new_email,
            "expires_at": change.expires_at,
            "detail": "a confirmation link was sent to the new address; the address on your "
            "record changes when you open it while signed in",
        },
    )


class OfficeEditIn(Schema):
    """The register's authority edits a member's details: only the fields sent change; the
    reason is kept in the audit trail."""

    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, ModelText(Member, "backdate_reason")] = Field(
        description="Why the record changes (kept in the audit trail)"
    )
    first_name: Annotated[str, ModelText(Member, "first_name")] | None = None
    last_name: Annotated[str, ModelText(Member, "last_name")] | None = None
    phone: Annotated[str, ModelText(Member, "phone")] | None = None
    address: Annotated[str, ModelText(Member, "address")] | None = None
    postcode: Annotated[str, ModelText(Member, "postcode")] | None = None
    date_of_birth: datetime.date | None = None
    gender: Literal["woman", "man", "non_binary", "other", "prefer_not_to_say", ""] | None = None
    constituency: str | None = Field(None, description="The constituency party's id or slug")
    branch: str | None = Field(
        None, description="The branch's id or slug; an empty string for none"
    )


@router.patch(
    "/{member_id}",
    response={200: MemberDetailOut, 403: Message, 404: Message, 422: Message},
    summary="Edit a member's details (the register's authority, with a reason)",
)
def edit_member(request: HttpRequest, member_id: int, payload: OfficeEditIn) -> Any:
    from moot.clock import today
    from moot.members.access import can_see_sensitive
    from moot.members.actions import register_clause
    from moot.members.contact import do_edit_member_details

    member = access_member(member_id, request.user)
    if not request.user.has_perm("members.decide_register", member):
        raise PermissionDenied(
            "only the register's authority (the membership office) edits a member's details "
            f"(clause {register_clause()})"
        )
    changes = payload.model_dump(exclude_none=True)
    reason = changes.pop("reason")
    if "constituency" in changes:
        changes["constituency"] = find_unit(changes["constituency"], request.user, "constituency")
    if "branch" in changes:
        changes["branch"] = find_unit(changes["branch"], request.user, "branch")
    if "gender" in changes and not can_see_sensitive(request.user, member):
        raise HttpError(422, "gender: only the officers who apply the balance rules see or set it")
    if (born := changes.get("date_of_birth")) and born > today():
        raise HttpError(422, "date_of_birth: a date of birth cannot be in the future")
    constituency = changes.get("constituency", member.constituency)
    branch = changes.get("branch", member.branch)
    if constituency is not None and constituency.kind != "constituency":
        raise HttpError(422, f"constituency: {constituency} is not a constituency party")
    if branch is not None and (branch.kind != "branch" or branch.parent_id != constituency.pk):
        raise HttpError(422, f"branch: {branch} is not a branch of {constituency}")
    member = do_edit_member_details(member, acting_user=request.user, reason=reason, **changes)
    return _detail(access_member(member.pk, request.user), request.user)


@router.get(
    "/{member_id}",
    response={200: MemberDetailOut, 404: Message, 422: Message},
    summary="A member, with status history and offices",
)
def member_detail(request: HttpRequest, member_id: int) -> Any:
    return _detail(access_member(member_id, request.user), request.user)


@router.get(
    "/{member_id}/eligibility",
    response={200: EligibilityOut, 404: Message, 422: Message},
    summary="May this member take part (vote, attend) in a unit on a date? With reasons",
)
def member_eligibility(request: HttpRequest, member_id: int, query: Query[EligibilityQuery]) -> Any:
    """The rulebook's answer, with the reasons and the clause each rests on (e.g. "joined 5
    weeks before the meeting; clause 7.2 needs 8")."""
    member = access_member(member_id, request.user)
    unit = find_unit(query.unit, request.user)
    at = query.at or queries.today()
    try:
        verdict = queries.eligibility(member, query.purpose.strip(), unit, at=at)
    except (KeyError, ValueError) as error:
        raise HttpError(
            422,
            f"query parameter 'purpose': {error}; use a purpose the rulebook edition in force on "
            f"{at} defines, such as 'meeting'",
        ) from None
    return {
        "member": member.pk,
        "number": member.number,
        "purpose": query.purpose.strip(),
        "unit": unit_ref(unit),
        "at": at,
        "allowed": bool(verdict.allowed),
        "reasons": [
            {"clause": str(getattr(r, "clause", "") or ""), "text": str(getattr(r, "text", r))}
            for r in verdict.reasons
        ],
    }
