"""The staff's pages: the case list (/cases/, filters: stage, category, overdue, assigned to
me), recording a complaint received otherwise, and a case's page (/cases/<id>/: its parties,
timeline, evidence, representations from outside the process and read log) with notes,
questions to a party, evidence and representations. Thin: ``access_*``, a form, an action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from moot.cases import evidence as files
from moot.cases import queries
from moot.cases.access import access_case, access_case_for_staff, access_evidence
from moot.cases.actions._process import rules_on
from moot.cases.actions.casefile import (
    do_add_evidence,
    do_add_note,
    do_ask_question,
    do_record_external_representation,
)
from moot.cases.actions.intake import do_record_complaint
from moot.cases.crypto import CaseKeyError, open_json, open_text
from moot.cases.errors import CaseError
from moot.cases.forms import (
    CaseFilterForm,
    EvidenceForm,
    NoteForm,
    QuestionForm,
    RepresentationForm,
    StaffComplaintForm,
)
from moot.cases.hooks import case_panels
from moot.cases.models import Party
from moot.cases.permissions import can_list_cases
from moot.cases.roles import AUDITOR, COMPLAINTS_STAFF
from moot.errors import Refusal, show_refusal

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET"])
def case_list(request: HttpRequest) -> HttpResponse:
    # The rule itself, not has_perm: the staff admin's blanket permissions do not reach cases.
    if not can_list_cases(request.user):
        raise Http404("No such page.")
    try:
        rules = rules_on()
    except CaseError as exc:
        messages.error(request, str(exc))
        return redirect("dashboard")
    form = CaseFilterForm(request.GET or None, rules=rules)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = queries.staff_case_list(
        request.user,
        stage=filters.get("stage", ""),
        category=filters.get("category", ""),
        overdue=bool(filters.get("overdue")),
        mine=bool(filters.get("mine")),
    )
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows = list(cases[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    titles = {c.slug: c.title for c in rules.categories}
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "rows": [(case, titles.get(case.category, case.category)) for case in rows[:PAGE_SIZE]],
            "page": page,
            "more": len(rows) > PAGE_SIZE,
            "query": _without_page(request),
            "can_record": _is_complaints_staff(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_complaint(request: HttpRequest) -> HttpResponse:
    """Complaints staff type in a complaint received by e-mail, letter or telephone."""
    if not _is_complaints_staff(request.user):
        raise Http404("No such page.")
    rules = rules_on()
    units = queries.constituencies()
    form = StaffComplaintForm(request.POST or None, request.FILES or None, rules=rules, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            case, code = do_record_complaint(
                form.complaint(),
                channel=form.cleaned_data["channel"],
                acting_user=request.user,
            )
        except Refusal as exc:
            show_refusal(form, exc, fields={"respondent": "respondent_number"})
        else:
            return render(
                request, "cases/receipt.html", {"case": case, "code": code, "staff": True}
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/record.html", {"form": form}, status=status)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _is_complaints_staff(user: Any) -> bool:
    from moot.accounts.roles import roles_of

    return roles_of(user).has_staff_role(COMPLAINTS_STAFF)


def grouped(digest: str) -> str:
    """A SHA-256 in groups of eight hex digits (it wraps on a phone; spaces are not part of it)."""
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))


def _named(item: Any, role: str) -> Any:
    item.filename = "" if role == AUDITOR else open_text(item, "filename_enc")
    item.sha256_shown = grouped(item.sha256)
    return item


def _case_context(request: HttpRequest, case: Any) -> dict[str, Any]:
    role = case.viewer_role
    rules = rules_on()
    category = rules.category(case.category)
    context: dict[str, Any] = {
        "case": case,
        "role": role,
        "category": category.title if category else case.category,
        "metadata_only": role == AUDITOR,
        "entries": [
            {
                "event": event,
                "body": "" if role == AUDITOR else open_text(event, "body_enc"),
                "reasons": "" if role == AUDITOR else open_text(event, "reasons_enc"),
                "sha256": grouped(event.sha256),
            }
            for event in queries.timeline(case)
        ],
        "evidence": [_named(item, role) for item in queries.evidence_of(case)],
        "representations": [
            {"representation": item, "summary": open_text(item, "summary_enc")}
            for item in queries.representations_of(case)
        ],
        "panels": case_panels(request, case),
        "assignments": queries.current_assignments(case),
        "reads": queries.reads_of(case) if role in {COMPLAINTS_STAFF, AUDITOR} else None,
        "is_staff": role == COMPLAINTS_STAFF,
    }
    if role != AUDITOR:
        context |= {
            "description": open_text(case, "description_enc"),
            "witnesses": open_text(case, "witnesses_enc"),
            "respondent_described": open_text(case, "respondent_unknown_description_enc"),
            "contact": open_json(case, "complainant_contact_enc"),
            "note_form": NoteForm(label_suffix=""),
            "evidence_form": EvidenceForm(),
        }
    if role == COMPLAINTS_STAFF:
        context |= {
            "question_form": QuestionForm(label_suffix=""),
            "representation_form": RepresentationForm(label_suffix=""),
        }
    return context


@login_required
@require_http_methods(["GET"])
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(case_id, request.user)
    try:
        context = _case_context(request, case)
    except CaseKeyError as exc:  # never shown as empty text: the page says why it cannot
        return render(
            request,
            "site/error.html",
            {"title": f"Case {case.reference} cannot be read", "message": str(exc), "status": 409},
            status=409,
        )
    response = render(request, "cases/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET"])
def evidence_download(request: HttpRequest, case_id: int, evidence_id: int) -> HttpResponse:
    case, item = access_evidence(case_id, evidence_id, request.user)
    try:
        data = files.read(item)
    except Refusal as exc:
        show_refusal(request, exc)
        return redirect("cases:detail", case_id=case.pk)
    name = open_text(item, "filename_enc")
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _act(
    request: HttpRequest,
    case_id: int,
    form_class: Any,
    act: Any,
    *,
    done: str,
    staff: bool = False,
) -> HttpResponse:
    if staff:
        case = access_case_for_staff(case_id, request.user, what="act")
    else:
        case = access_case(case_id, request.user, for_write=True, what="act")
    form = form_class(request.POST, label_suffix="")
    try:
        if not form.is_valid():
            first = next(iter(form.errors.values()))[0]
            raise CaseError(str(first))
        act(case, form.cleaned_data)
    except Refusal as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def add_note(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        NoteForm,
        lambda case, data: do_add_note(case, note=data["note"], acting_user=request.user),
        done="The note is in the case log.",
    )


@login_required
@require_POST
def ask_question(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        QuestionForm,
        lambda case, data: do_ask_question(
            case, to=data["to"], question=data["question"], acting_user=request.user
        ),
        done="The question is on the party's page.",
        staff=True,
    )


@login_required
@require_POST
def record_representation(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        RepresentationForm,
        lambda case, data: do_record_external_representation(
            case,
            from_description=data["from_description"],
            role_of_person=data["role_of_person"],
            summary=data["summary"],
            acting_user=request.user,
        ),
        done="The representation is recorded; the decision-maker and the auditor see it.",
        staff=True,
    )


@login_required
@require_POST
def add_evidence(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(case_id, request.user, for_write=True, what="act")
    try:
        uploads = EvidenceForm().fields["files"].clean(request.FILES.getlist("files"))
        count = do_add_evidence(case, uploads, by_party=Party.STAFF, acting_user=request.user)
    except Refusal as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, f"{count} file(s) added to the case file.")
    return redirect("cases:detail", case_id=case.pk)
