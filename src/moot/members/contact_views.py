"""Pages for editing people: the membership office's edit of a member's details, and a member's
own contact details with a confirmed change of e-mail address (members.contact)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from moot.errors import show_refusal
from moot.members import contact
from moot.members.access import access_member, can_see_sensitive
from moot.members.actions import register_clause
from moot.members.errors import ActionError
from moot.members.forms import ConfirmEmailForm, EmailChangeForm, OfficeEditForm, OwnContactForm
from moot.members.models import Member
from moot.members.queries import member_for_user


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    """GET/POST /members/<id>/edit/: the register's authority edits a member's details."""
    member = access_member(member_id, request.user)
    if not request.user.has_perm("members.decide_register", member):
        raise PermissionDenied(
            "Only the register's authority (the membership office) edits a member's details "
            f"(clause {register_clause()}); a unit secretary proposes changes from the member's "
            "page."
        )
    sensitive = can_see_sensitive(request.user, member)
    form = OfficeEditForm(request.POST or None, instance=member, show_sensitive=sensitive)
    if request.method == "POST" and form.is_valid():
        try:
            contact.do_edit_member_details(
                member,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except ActionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"The details of {member.full_name} are changed.")
            return redirect(reverse("members:detail", args=[member.pk]) + "#audit")
    return render(
        request,
        "members/action_form.html",
        {
            "member": member,
            "form": form,
            "title": f"Edit the details of {member.full_name}",
            "action": reverse("members:edit", args=[member.pk]),
            "submit": "Save the changes",
        },
    )


def _own_member(request: HttpRequest) -> Member:
    member = member_for_user(request.user.pk)
    if member is None:
        raise Http404("Your account has no membership record.")
    return member


@login_required
@require_http_methods(["GET", "POST"])
def my_details(request: HttpRequest) -> HttpResponse:
    """GET/POST /members/me/details/: a member's own telephone number and address; POST with
    ``email`` asks for a new e-mail address (confirmed by a link)."""
    member = _own_member(request)
    contact_form = OwnContactForm(
        request.POST if "save_contact" in request.POST else None,
        initial={"phone": member.phone, "address": member.address, "postcode": member.postcode},
        prefix="contact",
    )
    email_form = EmailChangeForm(
        request.POST if "change_email" in request.POST else None, prefix="email"
    )
    if request.method == "POST" and "save_contact" in request.POST and contact_form.is_valid():
        try:
            contact.do_update_own_contact(
                member, acting_user=request.user, **contact_form.cleaned_data
            )
        except ActionError as exc:
            show_refusal(contact_form, exc)
        else:
            messages.success(request, "Your contact details are saved.")
            return redirect("members:my_details")
    if request.method == "POST" and "change_email" in request.POST and email_form.is_valid():
        try:
            contact.do_request_email_change(
                member,
                email_form.cleaned_data["email"],
                acting_user=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ActionError as exc:
            show_refusal(email_form, exc)
        else:
            messages.success(
                request,
                "We sent a link to the new address. Open it while signed in to confirm; until "
                "then your mail keeps going to the current address.",
            )
            return redirect("members:my_details")
    pending = contact.pending_request_of(member)
    return render(
        request,
        "members/my_details.html",
        {
            "member": member,
            "contact_form": contact_form,
            "email_form": email_form,
            "pending": pending,
        },
    )


SESSION_SECRET = "members.email_change_secret"  # noqa: S105 - a session key name, not a secret


@require_http_methods(["GET"])
def open_email_link(request: HttpRequest, secret: str) -> HttpResponse:
    """GET /members/me/email/<secret>/, the link mailed to the new address: the secret goes into
    the session and the browser moves on to an address without it, so it is not written into
    the sign-in page's ``next``, the history or the logs a second time."""
    request.session[SESSION_SECRET] = secret[:100]
    return redirect("members:confirm_email_pending")


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest) -> HttpResponse:
    """GET shows what the link confirms; POST with the member's password confirms it (a link
    scanner that follows GET changes nothing; a stolen session alone cannot confirm)."""
    secret = request.session.get(SESSION_SECRET, "")
    change = contact.pending_change(secret)
    if change is None or change.member.user_id != request.user.pk:
        return render(request, "members/confirm_email.html", {"change": None}, status=404)
    form = ConfirmEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact.do_confirm_email_change(
                secret, password=form.cleaned_data["password"], acting_user=request.user
            )
        except ActionError as exc:
            show_refusal(form, exc)
        else:
            request.session.pop(SESSION_SECRET, None)
            messages.success(
                request,
                f"Your e-mail address is now {change.new_email}; you sign in with it too.",
            )
            return redirect("members:my_details")
    return render(request, "members/confirm_email.html", {"change": change, "form": form})


@require_http_methods(["GET", "POST"])
def cancel_email(request: HttpRequest, secret: str) -> HttpResponse:
    """The link mailed to the old address: GET says what it cancels, POST cancels (no sign-in:
    whoever reads the member's mail may stop a change made from a stolen session)."""
    change = contact.cancellable_change(secret)
    if request.method == "POST" and change is not None:
        try:
            contact.do_cancel_email_change(secret)
        except ActionError as exc:
            show_refusal(request, exc)
        else:
            return render(request, "members/cancel_email.html", {"cancelled": True})
    status = 200 if change is not None else 404
    return render(request, "members/cancel_email.html", {"change": change}, status=status)
