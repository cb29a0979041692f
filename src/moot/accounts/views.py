"""Account pages: inviting a member, claiming an invitation, personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from moot.accounts import actions
from moot.accounts.access import access_api_token
from moot.accounts.forms import ApiTokenForm, ClaimForm
from moot.accounts.queries import api_tokens_of
from moot.dates import long_date
from moot.errors import show_refusal
from moot.ids import parse_id
from moot.members.errors import ActionError


def _back_to_member(request: HttpRequest, member_id: int) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    try:
        return redirect(reverse("members:detail", args=[member_id]))
    except NoReverseMatch:
        return redirect("dashboard")


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    """POST ``member`` (the member's id) and optionally ``next``: send the member an
    invitation to claim their account, at the address on their record. An ``email`` field is
    refused: the sender does not choose where the claim link goes."""
    from moot.members.access import access_member

    member_id = parse_id(request.POST.get("member", ""))
    if member_id is None:
        return HttpResponseBadRequest("The form must send the member's id in the field 'member'.")
    member = access_member(member_id, request.user)
    if not request.user.has_perm("members.invite_member", member):
        raise PermissionDenied(f"You may not invite {member.full_name} to claim an account.")
    given = request.POST.get("email", "").strip().lower()
    if given and given != member.email:
        messages.error(
            request,
            "No invitation sent: an invitation goes only to the e-mail address on the member's "
            "record. To use another address, the register's authority changes the record first.",
        )
        return _back_to_member(request, member.pk)
    try:
        invitation = actions.do_invite_member(
            member, acting_user=request.user, base_url=request.build_absolute_uri("/")
        )
    except ActionError as error:
        messages.error(request, f"No invitation sent: {error}")
    else:
        messages.success(
            request,
            f"Invitation sent to {invitation.email}; the link works until "
            f"{long_date(invitation.expires_at)}.",
        )
    return _back_to_member(request, member.pk)


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """A member opens the link from their invitation and chooses a password."""
    invitation = actions.invitation_for_token(token)
    try:
        actions.check_claimable(invitation)
    except ActionError as error:
        return render(request, "accounts/claim_invalid.html", {"error": error}, status=410)
    assert invitation is not None
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_claim_invitation(invitation, password=form.cleaned_data["password1"])
        except ActionError as error:
            show_refusal(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                "Your account is ready. You can add an authenticator app for two-factor "
                "sign-in from your account settings.",
            )
            return redirect("dashboard")
    return render(
        request,
        "accounts/claim.html",
        {"form": form, "invitation": invitation, "member": invitation.member},
        status=400 if form.errors else 200,
    )


def second_factor_problem(request: HttpRequest) -> str:
    """Why this session may not create an API token, or "": an account with a second factor
    creates tokens only from a session signed in with it (a token is used without one)."""
    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.mfa.utils import is_mfa_enabled

    if not is_mfa_enabled(request.user):
        return ""
    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return ""
    return (
        "Your account has two-factor sign-in, and this session was not signed in with it. "
        "Sign out and sign in again with your second factor, then create the token."
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens and create one (the token is shown once, on this response)."""
    form = ApiTokenForm(request.POST or None)
    created_secret = ""
    status = 200
    if request.method == "POST":
        missing_factor = second_factor_problem(request)
        if missing_factor:
            form.add_error(None, missing_factor)
        elif form.is_valid():
            try:
                _token, created_secret = actions.do_create_api_token(
                    request.user,
                    name=form.cleaned_data["name"],
                    expires_on=form.cleaned_data["expires_on"],
                    acting_user=request.user,
                )
            except ActionError as error:
                show_refusal(form, error)
            else:
                form = ApiTokenForm()
        if form.errors:
            status = 400
    rows = api_tokens_of(request.user)
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": rows, "created_secret": created_secret},
        status=status,
    )
    if created_secret:
        # The one page that shows a secret must not be kept by any cache.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access_api_token(token_id, request.user)
    actions.do_revoke_api_token(token, acting_user=request.user)
    messages.success(request, f"The token “{token.name}” ({token.prefix}…) no longer works.")
    return redirect("accounts:tokens")
