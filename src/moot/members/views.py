"""The member pages: the list (search, filters, keyset pages, CSV export), a member's page
(details, status history, offices, eligibility, actions, audit history) and the CSV import.

Thin: reads go through ``members.access`` / ``members.queries``, writes through the forms,
which call the actions. Every form works without JavaScript; htmx only swaps regions in place.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from moot.dates import long_date
from moot.errors import show_refusal
from moot.members import queries
from moot.members.access import access_member
from moot.members.errors import ActionError
from moot.members.forms import DateInput, ImportForm, ResignationForm, StatusChangeForm
from moot.members.models import Member, MemberStatus, ResignationKind
from moot.site.paging import BadCursorError, bounded_count, keyset_page

PAGE_SIZE = 50
RULEBOOK_MISSING = (
    "Eligibility cannot be judged: the rulebook package (moot.rulebook) is not installed on "
    "this server. Ask the administrators to install moot completely."
)
# What eligibility can be asked about: (purpose passed to the rulebook, label).
DEFAULT_PURPOSES = (("meeting", "vote at a meeting"), ("ballot", "vote in a ballot"))


def _purposes() -> list[tuple[str, str]]:
    """The purposes offered by the eligibility filter and panel: those the edition in force
    defines (meeting, ballot, stand, nominate in the preset), each with its own title."""
    try:
        from moot.units.queries import edition_in_force

        edition = edition_in_force()
    except ImportError:  # the rulebook package is missing: the page says so elsewhere
        return list(DEFAULT_PURPOSES)
    return [(rule.purpose, rule.title[:1].lower() + rule.title[1:]) for rule in edition.eligibility]


class MemberFilterForm(forms.Form):
    """The list's filters (GET). Invalid values are reported beside their field."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=100,
        help_text="Name, member number or e-mail address (the start of it is enough).",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    unit = forms.ModelChoiceField(queryset=None, required=False, empty_label="All units")
    status = forms.ChoiceField(required=False)
    eligible_for = forms.ChoiceField(required=False, label="Eligible to")
    at = forms.DateField(
        required=False,
        label="On",
        widget=DateInput(),
        help_text="The date eligibility is judged on (today when empty).",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["unit"].queryset = queries.units_in_scope(user)
        self.fields["unit"].label_from_instance = lambda u: (
            f"{'— ' if u.kind == 'branch' else ''}{u.name}"
        )
        self.fields["status"].choices = [("", "Any status"), *MemberStatus.choices]
        self.fields["eligible_for"].choices = [("", "No eligibility filter"), *_purposes()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("at") and not data.get("eligible_for"):
            self.add_error("eligible_for", "Choose what members must be eligible for on that date.")
        return data


def _filtered(request: HttpRequest, form: MemberFilterForm) -> Any:
    data = form.cleaned_data
    unit = data.get("unit")
    return queries.search_members(
        request.user,
        q=data.get("q") or "",
        unit_id=unit.pk if unit else None,
        status=data.get("status") or None,
        eligible_for=data.get("eligible_for") or None,
        at=data.get("at") or None,
    )


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    """GET /members/: search and filter the members the user may see, 50 at a time."""
    if not request.user.has_perm("members.list_members"):
        raise PermissionDenied(
            "Only unit officers, national staff and auditors may list members. "
            "Your own record is on your dashboard."
        )
    # Bound even without parameters, so the first visit lists members straight away.
    form = MemberFilterForm(request.GET, user=request.user)
    page = None
    count: tuple[int, bool] | None = None
    problem = ""
    unit = None
    if form.is_valid():
        unit = form.cleaned_data.get("unit")
        try:
            qs = _filtered(request, form)
            page = keyset_page(
                qs,
                ("search_name", "id"),
                size=PAGE_SIZE,
                after=request.GET.get("after", ""),
                before=request.GET.get("before", ""),
            )
            count = bounded_count(qs)
        except queries.ListTooLargeError as exc:
            problem = f"The eligibility filter cannot run on this list: {exc}."
        except BadCursorError:
            problem = "The page link is damaged. Start again from the first page."
    context = {
        "form": form,
        "page": page,
        "count": count,
        "problem": problem,
        "paging_query": _query_without(request, "after", "before"),
        "may_export": request.user.has_perm("members.export_members", unit),
        "may_import": request.user.has_perm("members.import_members", unit),
        "may_see_proposals": request.user.has_perm("members.decide_register", None)
        or request.user.has_perm("members.propose_register", None),
        "export_query": _query_without(request, "after", "before"),
    }
    template = "members/list.html"
    if request.htmx and request.htmx.target == "member-results":
        template = "members/list.html#results"
    return render(request, template, context)


@login_required
def member_export(request: HttpRequest) -> HttpResponse:
    """GET /members/export.csv: the filtered list as CSV in the import format."""
    form = MemberFilterForm(request.GET or {}, user=request.user)
    if not form.is_valid():
        return render(request, "members/list.html", {"form": form, "page": None}, status=400)
    unit = form.cleaned_data.get("unit")
    if not request.user.has_perm("members.export_members", unit):
        raise PermissionDenied(
            "Exporting members is for secretaries (of their own units) and national staff."
        )
    try:
        qs = _filtered(request, form)
    except queries.ListTooLargeError as exc:
        return render(
            request,
            "members/list.html",
            {"form": form, "page": None, "problem": f"Nothing exported: {exc}."},
            status=400,
        )
    from moot.members.actions import export_members_csv
    from moot.members.disclosure import export_includes_sensitive, with_contact_visible

    # Need-to-know (members.disclosure): every row carries contact details, so only members
    # whose contact the user may see are exported; the gender only in national staff's.
    body = export_members_csv(
        with_contact_visible(request.user, qs),
        include_sensitive=export_includes_sensitive(request.user),
    )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.csv"'
    return response


def _eligibility_context(request: HttpRequest, member: Member) -> dict[str, Any]:
    """The "May they vote?" panel: a purpose and a date (next week by default)."""
    default_at = timezone.localdate() + datetime.timedelta(days=7)
    raw_at = request.GET.get("at", "")
    error = ""
    at = default_at
    if raw_at:
        try:
            at = datetime.date.fromisoformat(raw_at)
        except ValueError:
            error = f"'{raw_at}' is not a date; write it as YYYY-MM-DD, e.g. {default_at}."
    purposes = _purposes()
    purpose = request.GET.get("purpose") or purposes[0][0]
    if purpose not in dict(purposes):
        error = error or f"'{purpose}' is not something the rulebook judges eligibility for."
        purpose = purposes[0][0]
    verdict = None
    if not error:
        try:
            verdict = queries.eligibility(member, purpose, at=at)
        except (KeyError, ValueError) as exc:
            error = f"The rulebook in force on {at} cannot answer this: {exc}."
        except ImportError:
            # The rest of the record is still worth showing when the rules engine is absent.
            error = RULEBOOK_MISSING
    return {
        "eligibility_at": at,
        "eligibility_purpose": purpose,
        "eligibility_purpose_label": dict(purposes)[purpose],
        "eligibility_purposes": purposes,
        "eligibility_error": error,
        "verdict": verdict,
    }


def _member_context(request: HttpRequest, member: Member, **forms_: Any) -> dict[str, Any]:
    from moot.members.disclosure import disclosure_for, status_wording, visible_periods
    from moot.units.queries import holdings_of_member

    user = request.user
    may_change = user.has_perm("members.change_member", member)
    seen = disclosure_for(user, member)  # need-to-know: docs/security.md §3
    context: dict[str, Any] = {
        "member": member,
        "show_sensitive": seen.sensitive,
        "show_contact": seen.contact,
        "periods": visible_periods(user, member),
        "status_label": status_wording(user, member),
        "holdings": list(holdings_of_member(member.pk)),
        "today": timezone.localdate(),
        "may_change": may_change,
        "may_invite": member.user_id is None and user.has_perm("members.invite_member", member),
        "may_see_history": user.has_perm("audit.view_history", member),
        "register_role": (
            "decide"
            if user.has_perm("members.decide_register", member)
            else "propose"
            if user.has_perm("members.propose_register", member)
            else ""
        ),
        "resignations": list(member.resignations.select_related("holding__post")),
        "may_edit_details": user.has_perm("members.decide_register", member),
        "is_own_record": member.user_id is not None and member.user_id == user.pk,
        **_eligibility_context(request, member),
    }
    from moot.members.register import may_record_some_status

    context["may_record_status"] = may_record_some_status(member, user)
    # A unit secretary proposes a lapse or arrears to the office (nothing changes until it
    # approves); the same form, worded as a proposal.
    context["may_propose_status"] = not context["may_record_status"] and bool(
        user.has_perm("members.propose_register", member)
    )
    if context["may_record_status"] or context["may_propose_status"]:
        context["status_form"] = forms_.get("status_form") or StatusChangeForm(
            member=member, user=user
        )
    if may_change:
        context["resign_form"] = forms_.get("resign_form") or ResignationForm(member=member)
    if context["may_see_history"]:
        from moot.audit.queries import history_of

        context["history"] = list(history_of(member).order_by("-seq")[:100])
    elif context["is_own_record"]:
        from moot.members.contact import own_history

        context["own_history"] = own_history(member)
    return context


@login_required
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    """GET /members/<id>/: the member's record as far as the viewer may see it."""
    member = access_member(member_id, request.user)
    context = _member_context(request, member)
    template = "members/detail.html"
    if request.htmx and request.htmx.target == "eligibility":
        template = "members/detail.html#eligibility"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def member_change_status(request: HttpRequest, member_id: int) -> HttpResponse:
    """POST /members/<id>/status/: close the current status interval and open another."""
    from moot.members.register import (
        do_propose_status_change,
        may_record_some_status,
        proposes_status,
        status_change_refusal,
    )

    member = access_member(member_id, request.user)
    if not (
        may_record_some_status(member, request.user)
        or request.user.has_perm("members.propose_register", member)
        or request.user.has_perm("members.change_member", member)
    ):
        raise PermissionDenied("You may see this member but not record their status.")
    form = StatusChangeForm(request.POST or None, member=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        # Who records which status is the rulebook's (docs/security.md §1, finding A).
        data = form.cleaned_data
        refusal = status_change_refusal(member, data["status"], request.user)
        if refusal and proposes_status(member, data["status"], request.user):
            # A unit secretary proposes what the office records (a lapse, arrears); the office
            # decides in its proposals queue.
            try:
                do_propose_status_change(
                    member,
                    data["status"],
                    data["start"],
                    reason=data["reason"],
                    acting_user=request.user,
                )
            except ActionError as exc:
                show_refusal(form, exc)
            else:
                messages.success(
                    request,
                    f"Proposed to the membership office: {member.full_name} "
                    f"{MemberStatus(data['status']).label} from {long_date(data['start'])}. "
                    "Nothing changes until the office approves it.",
                )
                return redirect(reverse("members:detail", args=[member.pk]) + "#history")
        elif refusal:
            form.add_error("status", refusal)
    if request.method == "POST" and form.is_valid():
        try:
            period = form.save(acting_user=request.user)
        except ActionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"{member.full_name} is {period.get_status_display()} "
                f"from {long_date(period.start)}.",
            )
            return redirect(reverse("members:detail", args=[member.pk]) + "#history")
    return render(
        request,
        "members/action_form.html",
        {
            "member": member,
            "form": form,
            "title": f"Change the status of {member.full_name}",
            "action": reverse("members:change_status", args=[member.pk]),
            "submit": "Record the status change",
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_resign(request: HttpRequest, member_id: int) -> HttpResponse:
    """POST /members/<id>/resign/: record a resignation from an office or from membership."""
    member = access_member(member_id, request.user, for_write=True)
    form = ResignationForm(request.POST or None, member=member)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.cleaned_data["kind"] == ResignationKind.MEMBERSHIP
    ):
        # A resignation from membership recorded on the member's behalf ends the membership:
        # the register's authority records it, never a unit secretary (finding A).
        from moot.members.register import status_change_refusal

        refusal = status_change_refusal(member, MemberStatus.RESIGNED, request.user)
        if refusal:
            form.add_error("kind", refusal)
    if request.method == "POST" and form.is_valid():
        try:
            resignation = form.save(acting_user=request.user)
        except ActionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Recorded: {member.full_name} resigned {resignation.get_kind_display()} "
                f"from {long_date(resignation.effective_on)}.",
            )
            return redirect(reverse("members:detail", args=[member.pk]) + "#history")
    return render(
        request,
        "members/action_form.html",
        {
            "member": member,
            "form": form,
            "title": f"Record a resignation by {member.full_name}",
            "action": reverse("members:resign", args=[member.pk]),
            "submit": "Record the resignation",
        },
        status=400 if form.is_bound else 200,
    )


# --- import ---------------------------------------------------------------------------------


class ImportPageForm(ImportForm):
    """D's import form plus the constituency party the rows go into by default."""

    unit = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Constituency party",
        empty_label="Named in each row (national staff only)",
        help_text="Rows with an empty 'constituency' cell go here.",
    )
    field_order = ("file", "unit", "dry_run", "partial")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["unit"].queryset = queries.units_in_scope(user).filter(kind="constituency")


def _stash_path(user: Any, digest: str) -> str:
    return f"member-imports/{user.pk}-{digest}.csv"


def _is_national(user: Any) -> bool:
    from moot.accounts.roles import NATIONAL_STAFF, roles_of

    return user.is_superuser or roles_of(user).is_national(NATIONAL_STAFF)


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest) -> HttpResponse:
    """GET/POST /members/import/: upload a CSV, see the dry run's per-cell problems, confirm.

    The checked file is kept (under the media storage, by its SHA-256) so that confirming
    imports exactly the bytes that were checked, without a second upload."""
    user = request.user
    if not user.has_perm("members.import_members", None):
        raise PermissionDenied("Importing members is for secretaries and national staff.")
    context: dict[str, Any] = {}
    if request.method == "POST" and request.POST.get("confirm"):
        return _confirm_import(request)
    form = ImportPageForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data.get("unit")
        text = form.cleaned_data["file"]
        problem = _import_scope_problem(user, unit, text)
        if problem:
            form.add_error("unit", problem["message"])
            context["outside_rows"] = problem["rows"]
        else:
            form.unit_default = unit
            if not user.has_perm("members.decide_register", unit):
                # Only the register's authority imports (docs/security.md §1): anyone else's
                # upload is checked as a dry run, and confirming it proposes it to the office.
                # An unticked "Dry run" imported straight into the register before.
                form.cleaned_data["dry_run"] = True
            report = form.save(acting_user=user)
            context["report"] = report
            if report.dry_run and report.valid_rows:
                digest = hashlib.sha256(text.encode()).hexdigest()
                path = _stash_path(user, digest)
                if not default_storage.exists(path):
                    default_storage.save(path, ContentFile(text.encode()))
                context["confirm"] = {
                    "decides": user.has_perm("members.decide_register", unit),
                    "digest": digest,
                    "unit": unit.pk if unit else "",
                    "partial": "1" if form.cleaned_data["partial"] else "",
                    "name": getattr(request.FILES.get("file"), "name", ""),
                }
    context["form"] = form
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "members/import.html", context, status=status)


def _import_scope_problem(user: Any, unit: Any, text: str) -> dict[str, Any] | None:
    """A secretary imports only into their own constituency party (members.api does the same
    for the API)."""
    if _is_national(user):
        return None
    if unit is None:
        return {
            "message": "Choose your constituency party; only national staff may import into "
            "several constituencies at once.",
            "rows": [],
        }
    if not user.has_perm("members.import_members", unit):
        return {"message": f"You may not import members into {unit}.", "rows": []}
    from moot.members.api import rows_outside_unit

    rows = rows_outside_unit(text, unit)
    if rows:
        return {
            "message": f"{len(rows)} rows name another constituency party than {unit}; "
            "nothing was checked further.",
            "rows": rows,
        }
    return None


def _propose_import(request: HttpRequest, text: str, unit: Any, path: str) -> HttpResponse:
    """A unit officer's checked file goes to the register's authority as a proposal
    (rulebook [membership.register]); one who may not propose is refused with the clause."""
    from moot.members.register import do_propose_import

    user = request.user
    if not user.has_perm("members.propose_register", unit):
        from moot.members.actions import register_clause

        clause = register_clause()
        raise PermissionDenied(
            "Only the register's authority admits members"
            + (f" (clause {clause})" if clause else "")
            + "."
        )
    try:
        proposal = do_propose_import(
            text,
            unit_default=unit,
            source_name=request.POST.get("name", ""),
            reason=request.POST.get("reason", ""),
            acting_user=user,
        )
    except ActionError as error:
        messages.error(request, f"Nothing was proposed: {error}")
        return redirect("members:import")
    default_storage.delete(path)
    messages.success(
        request,
        f"Proposal {proposal.pk} sent to the membership office: "
        f"{proposal.payload['rows']} members. The office admits them or tells you why not.",
    )
    return redirect("members:proposals")


def _confirm_import(request: HttpRequest) -> HttpResponse:
    from moot.members.actions import do_import_members

    user = request.user
    digest = request.POST.get("confirm", "")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise PermissionDenied("The confirmation does not name a checked file.")
    path = _stash_path(user, digest)
    if not default_storage.exists(path):
        messages.error(
            request,
            "That checked file is no longer here (it was imported or expired). Upload it again.",
        )
        return redirect("members:import")
    with default_storage.open(path, "rb") as handle:
        text = handle.read().decode("utf-8")
    if hashlib.sha256(text.encode()).hexdigest() != digest:
        raise PermissionDenied("The checked file has changed since the dry run. Upload it again.")
    unit = None
    if request.POST.get("unit"):
        from moot.units.access import access_unit

        unit = access_unit(request.POST["unit"], user)
        if unit.kind != "constituency":
            unit = None
    problem = _import_scope_problem(user, unit, text)
    if problem:
        raise PermissionDenied(problem["message"])
    if not user.has_perm("members.decide_register", unit):
        return _propose_import(request, text, unit, path)
    report = do_import_members(
        text,
        unit_default=unit,
        dry_run=False,
        partial=bool(request.POST.get("partial")),
        acting_user=user,
        source_name=request.POST.get("name", ""),
        backdate_reason=request.POST.get("backdate_reason", ""),
    )
    if report.created:
        default_storage.delete(path)
        messages.success(request, f"Import finished: {report.summary()}.")
        return redirect("members:list")
    form = ImportPageForm(user=user)
    return render(request, "members/import.html", {"form": form, "report": report}, status=400)
