"""Staff pages for retention and subject access (issue 10 item 10): the destruction lists and
the cases due, a case's legal holds and reopening, and the subject access export. National
complaints staff only: anyone else gets the 404 of a page that does not exist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from moot.cases import sar
from moot.cases.actions import retention as actions
from moot.cases.errors import CaseError
from moot.cases.queries import member_by_number
from moot.cases.retention_queries import case_holds, destruction_lists, retention_case
from moot.errors import show_refusal
from moot.text import TextValidator


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[TextValidator("Reason", single_line=False)],
    )


class SubjectAccessForm(forms.Form):
    member_number = forms.CharField(
        label="Member number",
        max_length=20,
        validators=[TextValidator("Member number", single_line=True)],
    )
    request_reference = forms.CharField(
        label="Request reference",
        max_length=60,
        help_text="The request's reference in the data protection log, after checking identity.",
        validators=[TextValidator("Request reference", single_line=True)],
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("pdf", "PDF, to send"), ("json", "JSON, for records")],
        initial="pdf",
        widget=forms.RadioSelect,
    )


def _officer(request: HttpRequest) -> None:
    try:
        actions.check_retention_officer(request.user)
    except CaseError:
        raise Http404("No such page.") from None


@login_required
def retention_page(request: HttpRequest) -> HttpResponse:
    _officer(request)
    due = actions.due_for_destruction()
    context = {
        "due": due[:200],
        "due_count": len(due),
        "lists": destruction_lists(),
        "form": ReasonForm(),
    }
    return render(request, "cases/retention.html", context)


@login_required
@require_POST
def draw_up_list(request: HttpRequest) -> HttpResponse:
    _officer(request)
    try:
        listing = actions.do_draw_up_destruction_list(acting_user=request.user)
    except CaseError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request, f"Destruction list {listing.pk} drawn up: another officer reviews it."
        )
    return redirect("case_statistics:retention")


@login_required
@require_POST
def review_list(request: HttpRequest, list_id: int) -> HttpResponse:
    _officer(request)
    form = ReasonForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if not form.is_valid():
        messages.error(request, "Give the reason for your review.")
        return redirect("case_statistics:retention")
    try:
        actions.do_review_destruction_list(
            list_id, approve=approve, reason=form.cleaned_data["reason"], acting_user=request.user
        )
    except CaseError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "List approved." if approve else "List rejected.")
    return redirect("case_statistics:retention")


@login_required
@require_POST
def execute_list(request: HttpRequest, list_id: int) -> HttpResponse:
    _officer(request)
    try:
        listing = actions.do_execute_destruction_list(list_id, acting_user=request.user)
    except CaseError as exc:
        show_refusal(request, exc)
    else:
        destroyed = listing.report.get("destroyed", {}).get("cases", 0)
        messages.success(request, f"List carried out: {destroyed} cases destroyed.")
    return redirect("case_statistics:retention")


@login_required
@require_http_methods(["GET", "POST"])
def case_retention(request: HttpRequest, case_id: int) -> HttpResponse:
    _officer(request)
    case = retention_case(case_id)
    if case is None:
        raise Http404("No such case.")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        what = request.POST.get("what", "")
        try:
            if what == "hold":
                actions.do_place_legal_hold(case.pk, reason=reason, acting_user=request.user)
            elif what == "reopen":
                actions.do_reopen_case(case.pk, reason=reason, acting_user=request.user)
            elif what.startswith("lift-") and what[5:].isdigit():
                actions.do_lift_legal_hold(int(what[5:]), reason=reason, acting_user=request.user)
            else:
                raise Http404("No such step.")
        except CaseError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Done.")
            return redirect("case_statistics:case_retention", case_id=case.pk)
    context = {
        "case": case,
        "kept_until": actions.kept_until(case),
        "holds": case_holds(case),
        "form": form,
    }
    return render(request, "cases/case_retention.html", context)


def _download(response: dict[str, Any], number: str, kind: str) -> HttpResponse:
    if kind == "pdf":
        from weasyprint import HTML

        html = render_to_string("cases/subject_access_pdf.html", {"r": response})
        body: bytes | str = HTML(string=html).write_pdf() or b""
        content_type = "application/pdf"
    else:
        body, content_type = sar.response_json(response), "application/json; charset=utf-8"
    download = HttpResponse(body, content_type=content_type)
    download["Content-Disposition"] = f'attachment; filename="subject-access-{number}.{kind}"'
    return download


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest) -> HttpResponse:
    try:
        sar.check_subject_access_officer(request.user)
    except CaseError:
        raise Http404("No such page.") from None
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = member_by_number(form.cleaned_data["member_number"].strip().upper())
        if member is None:
            form.add_error("member_number", "No member has this number.")
        else:
            try:
                response = sar.do_export_subject_access(
                    member.pk,
                    request_reference=form.cleaned_data["request_reference"],
                    acting_user=request.user,
                )
            except CaseError as exc:
                show_refusal(form, exc)
            else:
                return _download(response, member.number, form.cleaned_data["format"])
    return render(request, "cases/subject_access.html", {"form": form})
