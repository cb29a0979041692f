"""The complainant's pages: the public form (/complain/, no account), the receipt code page
shown once, following a complaint with the code (/complain/follow-up/, rate-limited, then bound
to the browser session), and a signed-in member's form and own cases (/cases/mine/). Thin: the
actions in ``cases.actions.intake`` and ``cases.actions.casefile``."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from moot.cases import queries
from moot.cases.access import (
    SESSION_RECEIPTS,
    access_party_case,
    access_receipt_case,
    remember_receipt,
)
from moot.cases.actions._process import rules_on
from moot.cases.actions.casefile import do_add_evidence, do_answer_question
from moot.cases.actions.intake import do_submit_complaint, receipt_hash
from moot.cases.errors import CaseError
from moot.cases.forms import (
    AnswerForm,
    EvidenceForm,
    MemberComplaintForm,
    PublicComplaintForm,
    ReceiptForm,
)
from moot.cases.models import IntakeChannel, Party
from moot.errors import Refusal, RefusalCode, show_refusal

# Complaints from one address an hour (a shared office or library connection sends several).
SUBMIT_LIMIT = 30
SUBMIT_WINDOW = datetime.timedelta(hours=1)
# Wrong receipt codes from one address: the first RECEIPT_LIMIT in the window are checked at
# once; after that each attempt is checked only RECEIPT_PACE after the last wrong one — slowed,
# never blocked, so a correct code always gets through within seconds while guessing a 20-digit
# code stays hopeless (one try per RECEIPT_PACE).
RECEIPT_LIMIT = 20
RECEIPT_WINDOW = datetime.timedelta(minutes=15)
RECEIPT_PACE = datetime.timedelta(seconds=10)
RECEIPT_FAILED = "receipt_code_failed"


def _receipt_wait(request: HttpRequest) -> int:
    """Seconds before this address's next receipt code is checked (0: check it now)."""
    from moot.limits import paced_wait

    return paced_wait(
        RECEIPT_FAILED,
        _address_key(request),
        free=RECEIPT_LIMIT,
        window=RECEIPT_WINDOW,
        pace=RECEIPT_PACE,
    )


def _receipt_failed(request: HttpRequest) -> None:
    from moot.limits import note_failure

    note_failure(RECEIPT_FAILED, _address_key(request), window=RECEIPT_WINDOW)


def _retry_after(response: HttpResponse, exc: Refusal) -> HttpResponse:
    seconds = getattr(exc, "retry_after", None)
    if response.status_code == 429 and seconds:
        response["Retry-After"] = str(seconds)
    return response


def _address_key(request: HttpRequest) -> str:
    """The client's address as a hash (the limit needs to tell callers apart, not know them)."""
    from moot.accounts.throttle import client_address

    return "addr:" + hashlib.sha256(client_address(request).encode()).hexdigest()[:32]


def _limit(request: HttpRequest, scope: str, limit: int, window: datetime.timedelta) -> None:
    from moot.limits import hit

    wait = hit(scope, _address_key(request), limit=limit, window=window)
    if wait:
        minutes = max(1, round(wait / 60))
        refused = CaseError(
            f"Too many attempts from this connection; wait about {minutes} minute(s) and try "
            "again.",
            code=RefusalCode.RATE_LIMITED,
        )
        refused.retry_after = wait  # type: ignore[attr-defined]
        raise refused


def _too_large(request: HttpRequest, rules: Any) -> bool:
    """Whether the request body is larger than every allowed file together (refused unread)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > rules.evidence_max_files * rules.evidence_max_bytes + 1048576


def _page_status(exc: Refusal) -> int:
    """A form page's status after a refusal: 413 for files too large, 429 for too many attempts
    (with the API's meaning), else 400 (the form is shown again with the reason)."""
    return exc.status if exc.status in (413, 429) else 400


def _closed_page(request: HttpRequest, exc: Refusal) -> HttpResponse:
    return render(
        request,
        "site/error.html",
        {"title": "Complaints", "message": str(exc), "status": exc.code.status},
        status=exc.code.status,
    )


@require_http_methods(["GET", "POST"])
def public_complaint(request: HttpRequest) -> HttpResponse:
    """The public form: anyone, no account. A complaint sent shows its receipt code once."""
    try:
        rules = rules_on()
    except CaseError as exc:
        return _closed_page(request, exc)
    units = queries.constituencies()
    if request.method == "GET":
        form = PublicComplaintForm(rules=rules, units=units)
        return render(request, "cases/complain.html", {"form": form, "rules": rules})
    if _too_large(request, rules):
        return _closed_page(
            request,
            CaseError(
                f"The files sent are larger than {rules.evidence_max_files} files of "
                f"{rules.evidence_max_bytes // 1048576} MB; send fewer or smaller files.",
                code=RefusalCode.TOO_LARGE,
            ),
        )
    form = PublicComplaintForm(request.POST, request.FILES, rules=rules, units=units)
    status = 400
    refusal: Refusal | None = None
    if form.is_valid():
        try:
            _limit(request, "complaint_submit", SUBMIT_LIMIT, SUBMIT_WINDOW)
            case, code = do_submit_complaint(
                form.complaint(), channel=IntakeChannel.PUBLIC_FORM, acting_user=request.user
            )
        except Refusal as exc:
            show_refusal(form, exc)
            status, refusal = _page_status(exc), exc
        else:
            remember_receipt(request, case)
            response = render(request, "cases/receipt.html", {"case": case, "code": code})
            response["Cache-Control"] = "no-store"
            return response
    page = render(request, "cases/complain.html", {"form": form, "rules": rules}, status=status)
    return _retry_after(page, refusal) if refusal is not None else page


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponse:
    """Enter a receipt code; the session then follows that complaint (/complain/case/)."""
    form = ReceiptForm(request.POST or None, label_suffix="")
    status = 400 if request.method == "POST" else 200
    wait = 0
    if request.method == "POST" and form.is_valid():
        wait = _receipt_wait(request)
        try:
            if wait:
                # Checked later, not refused: a correct code gets through after the wait.
                raise CaseError(
                    f"Too many attempts with wrong codes from this connection: wait {wait} "
                    "second(s), then send your code again.",
                    code=RefusalCode.RATE_LIMITED,
                )
            case = queries.case_by_receipt(receipt_hash(form.cleaned_data["code"]))
            if case is None:
                _receipt_failed(request)
                raise CaseError(
                    "No complaint has this receipt code; check the 20 digits.", field="code"
                )
        except Refusal as exc:
            show_refusal(form, exc)
            status = _page_status(exc)
        else:
            remember_receipt(request, case)
            return redirect("cases:receipt_case")
    response = render(request, "cases/follow_up.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


def _party_context(case: Any, party: str) -> dict[str, Any]:
    return {
        "case": case,
        "events": queries.party_timeline(case, party),
        "communications": queries.communications_to(case, party),
        "evidence": queries.evidence_of(case, by_party=party),
        "answer_form": AnswerForm(label_suffix=""),
        "evidence_form": EvidenceForm(),
    }


@require_http_methods(["GET"])
def receipt_case(request: HttpRequest) -> HttpResponse:
    """The public complainant's view of their complaint (the session entered its code)."""
    case = access_receipt_case(request)
    context = _party_context(case, Party.COMPLAINANT)
    context["receipt"] = True
    response = render(request, "cases/party.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _party_post(request: HttpRequest, case: Any, party: str, what: str, user: Any) -> None:
    try:
        if what == "answer":
            form = AnswerForm(request.POST, label_suffix="")
            if not form.is_valid():
                raise CaseError("Write your answer.", field="answer")
            do_answer_question(
                case, party=party, answer=form.cleaned_data["answer"], acting_user=user
            )
            messages.success(request, "Your answer is in the case file.")
        elif what == "appeal":
            from moot.cases.actions.review import do_lodge_appeal
            from moot.cases.process_forms import PartyAppealForm

            appeal = PartyAppealForm(request.POST)
            if not appeal.is_valid():
                raise CaseError("Write your grounds of appeal.", field="grounds")
            do_lodge_appeal(
                case, by=party, grounds=appeal.cleaned_data["grounds"], acting_user=user
            )
            messages.success(request, "Your appeal is lodged; you will be told when it is heard.")
        else:
            rules = rules_on()
            if _too_large(request, rules):
                raise CaseError("The files are too large.", code=RefusalCode.TOO_LARGE)
            uploads = EvidenceForm().fields["files"].clean(request.FILES.getlist("files"))
            count = do_add_evidence(case, uploads, by_party=party, acting_user=user)
            messages.success(request, f"{count} file(s) added to the case file.")
    except Refusal as exc:
        show_refusal(request, exc)


@require_POST
def receipt_post(request: HttpRequest, what: str) -> HttpResponse:
    case = access_receipt_case(request)
    _party_post(request, case, Party.COMPLAINANT, what, None)
    return redirect("cases:receipt_case")


@require_POST
def forget_receipt(request: HttpRequest) -> HttpResponse:
    """Stop following the complaint in this browser (a shared computer)."""
    request.session.pop(SESSION_RECEIPTS, None)
    request.session.cycle_key()
    messages.success(request, "This browser no longer shows your complaint.")
    return redirect("cases:follow_up")


@login_required
@require_http_methods(["GET", "POST"])
def member_complaint(request: HttpRequest) -> HttpResponse:
    """A signed-in member's complaint (the respondent looked up by membership number)."""
    from moot.accounts.roles import roles_of

    if roles_of(request.user).member_id is None:
        raise PermissionDenied(
            "This form is for members signed in with their own account; anyone may use the "
            "public form at /complain/."
        )
    try:
        rules = rules_on()
    except CaseError as exc:
        return _closed_page(request, exc)
    if request.method == "GET":
        form = MemberComplaintForm(rules=rules)
        return render(request, "cases/complain_member.html", {"form": form, "rules": rules})
    if _too_large(request, rules):
        return _closed_page(
            request, CaseError("The files sent are too large.", code=RefusalCode.TOO_LARGE)
        )
    form = MemberComplaintForm(request.POST, request.FILES, rules=rules)
    status = 400
    try:
        if form.is_valid():
            case, _ = do_submit_complaint(
                form.complaint(), channel=IntakeChannel.MEMBER_FORM, acting_user=request.user
            )
            messages.success(
                request,
                f"Your complaint is received as {case.reference}; it is acknowledged below.",
            )
            return redirect("cases:party_case", case_id=case.pk)
    except Refusal as exc:
        show_refusal(form, exc, fields={"respondent": "respondent_number"})
        status = _page_status(exc)
    return render(
        request, "cases/complain_member.html", {"form": form, "rules": rules}, status=status
    )


@login_required
@require_http_methods(["GET"])
def my_cases(request: HttpRequest) -> HttpResponse:
    from moot.accounts.roles import roles_of

    cases = queries.party_cases(roles_of(request.user).member_id)
    return render(request, "cases/mine.html", {"cases": cases})


@login_required
@require_http_methods(["GET", "POST"])
def party_case(request: HttpRequest, case_id: int, what: str = "") -> HttpResponse:
    """A party's own view of their case (complainant or respondent, signed in)."""
    case = access_party_case(case_id, request.user)
    party = case.viewer_role  # type: ignore[attr-defined]
    if request.method == "POST":
        _party_post(request, case, party, what, request.user)
        return redirect("cases:party_case", case_id=case.pk)
    return render(request, "cases/party.html", _party_context(case, party))
