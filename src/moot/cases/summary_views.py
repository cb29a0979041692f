"""Decision summaries: drafted on a decided case by complaints staff, approved by a second
officer from the queue, published on /cases/decisions/ (issue 10 item 12). The public list
shows category, outcome, quarter and text only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from moot.cases import summaries
from moot.cases.access import access_case_for_staff
from moot.cases.errors import CaseError
from moot.cases.statistics import Quarter, category_titles
from moot.errors import show_refusal
from moot.text import TextValidator


class SummaryForm(forms.Form):
    text = forms.CharField(
        label="Summary for publication",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=summaries.MAX_LENGTH,
        validators=[TextValidator("Summary", single_line=False)],
        help_text=(
            "What was found, the rule and the outcome, naming nobody: no party, witness, place, "
            "date or reference. A second officer approves it; it is published with the "
            "category, outcome and quarter only."
        ),
    )


def _officer(request: HttpRequest) -> None:
    try:
        summaries.check_summary_officer(request.user)
    except CaseError:
        raise Http404("No such page.") from None


@login_required
@require_http_methods(["GET", "POST"])
def draft_summary(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case_for_staff(case_id, request.user, what="summary")
    form = SummaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            summaries.do_draft_decision_summary(
                case.pk, text=form.cleaned_data["text"], acting_user=request.user
            )
        except CaseError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Summary drafted: a second officer approves it.")
            return redirect("case_statistics:summary_queue")
    return render(request, "cases/summary_draft.html", {"case": case, "form": form})


@login_required
def summary_queue(request: HttpRequest) -> HttpResponse:
    _officer(request)
    titles = category_titles()
    rows = [
        (summary, titles.get(summary.case.category, summary.case.category))
        for summary in summaries.drafts()
    ]
    return render(request, "cases/summary_queue.html", {"rows": rows})


@login_required
@require_POST
def approve_summary(request: HttpRequest, summary_id: int) -> HttpResponse:
    _officer(request)
    try:
        summaries.do_approve_decision_summary(summary_id, acting_user=request.user)
    except CaseError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "Summary approved and published.")
    return redirect("case_statistics:summary_queue")


def published(request: HttpRequest) -> HttpResponse:
    titles = category_titles()
    rows: list[dict[str, Any]] = []
    for summary in summaries.published_summaries():
        day = summaries.decided_on(summary.case)
        rows.append(
            {
                "category": titles.get(summary.case.category, summary.case.category),
                "outcome": summary.case.get_outcome_display() if summary.case.outcome else "",
                "quarter": Quarter.of(day).label if day else "",
                "text": summary.text,
            }
        )
    return render(request, "cases/summaries.html", {"rows": rows})
