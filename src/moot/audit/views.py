"""The audit trail page: every recorded action, newest first, filtered by verb, object and
actor, with the hash chain verified on demand."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from moot.audit import checkpoint as cp
from moot.audit.models import AuditEvent
from moot.audit.queries import check_checkpoint, forged_rows, genuine_events, head
from moot.audit.redaction import shown_to

PAGE_SIZE = 50


class TrailFilterForm(forms.Form):
    verb = forms.CharField(
        required=False,
        max_length=80,
        help_text="e.g. members.change_member_status, or the start of one: members.",
    )
    object = forms.CharField(
        required=False,
        max_length=150,
        label="Object",
        help_text="A type (members.member) or a type and id (members.member:42).",
    )
    actor = forms.CharField(
        required=False, max_length=200, label="Who", help_text="Part of a name or e-mail address."
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_object(self) -> str:
        value = self.cleaned_data["object"].strip()
        if value and "." not in value.split(":", 1)[0]:
            raise forms.ValidationError(
                f"'{value}' is not an object type; write app.model, e.g. members.member or "
                "members.member:42."
            )
        return value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


def filtered_events(data: dict[str, Any]) -> QuerySet[AuditEvent]:
    qs = genuine_events()
    verb = (data.get("verb") or "").strip()
    if verb:
        qs = (
            qs.filter(verb=verb)
            if "." in verb and not verb.endswith(".")
            else qs.filter(verb__startswith=verb)
        )
    obj = data.get("object") or ""
    if obj:
        object_type, _, object_id = obj.partition(":")
        qs = qs.filter(object_type=object_type.strip().lower())
        if object_id.strip():
            qs = qs.filter(object_id=object_id.strip())
    actor = (data.get("actor") or "").strip()
    if actor:
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__email__icontains=actor))
    return qs


def _trail(request: HttpRequest, *, verification: dict[str, Any] | None = None) -> HttpResponse:
    if not request.user.has_perm("audit.view_trail"):
        raise PermissionDenied("The audit trail is for national staff and auditors.")
    form = TrailFilterForm(request.GET)
    events: list[AuditEvent] = []
    next_before = None
    if form.is_valid():
        qs = filtered_events(form.cleaned_data)
        if form.cleaned_data.get("before"):
            qs = qs.filter(seq__lt=form.cleaned_data["before"])
        rows = list(qs.select_related("actor").order_by("-seq")[: PAGE_SIZE + 1])
        events = rows[:PAGE_SIZE]
        if len(rows) > PAGE_SIZE:
            next_before = events[-1].seq
        actor = (form.cleaned_data.get("actor") or "").strip().lower()
        if actor:
            # A search must not confirm what the reader may not see: keep only the events whose
            # "who", as shown to this reader, matches — guessing a member's e-mail finds nothing.
            shown = {seen.pk: seen for seen in shown_to(events, request.user)}
            events = [
                event
                for event in events
                if event.pk in shown and actor in shown[event.pk].actor_label.lower()
            ]
    params = request.GET.copy()
    params.pop("before", None)
    latest_seq, latest_hash, _ = head()
    context = {
        "form": form,
        "events": events,
        "next_before": next_before,
        "paging_query": params.urlencode(),
        "first_page": not request.GET.get("before"),
        "latest_seq": latest_seq,
        "latest_hash": latest_hash,
        "verification": verification,
        "checkpoint": checkpoint_state(),
        "forged": forged_rows(),
    }
    return render(request, "audit/trail.html", context)


def checkpoint_state() -> dict[str, Any]:
    """The chain's head against the latest signed checkpoint (a few queries: shown on every
    view of the trail). The signature is checked with the public key alone where it is set
    (MOOT_AUDIT_PUBLIC_KEY), so the web server need not hold the signing key.

    ``state``: "matches", "broken" (the chain no longer reaches the signed head, or the
    signature fails), "none" (no checkpoint yet) or "unchecked" (no key to check it with, or an
    unreadable checkpoint directory)."""
    try:
        checkpoint = cp.latest_checkpoint()
    except cp.CheckpointError as exc:
        return {"state": "unchecked", "problems": [str(exc)]}
    if checkpoint is None:
        return {"state": "none", "directory": str(cp.checkpoint_dir())}
    try:
        key, _ = cp.trusted_public_key()
    except cp.CheckpointError as exc:
        return {"state": "unchecked", "checkpoint": checkpoint, "problems": [str(exc)]}
    problems, following = check_checkpoint(checkpoint, key)
    return {
        "state": "broken" if problems else "matches",
        "checkpoint": checkpoint,
        "problems": [p.message for p in problems],
        "following": following,
    }


@login_required
def trail(request: HttpRequest) -> HttpResponse:
    """GET /audit/: the audit trail (permission audit.view_trail)."""
    return _trail(request)


@login_required
@require_http_methods(["POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """POST /audit/verify/: walk the whole hash chain now and show what, if anything, broke."""
    if not request.user.has_perm("audit.view_trail"):
        raise PermissionDenied("Verifying the audit trail is for national staff and auditors.")
    from moot.audit.queries import verify_chain

    started = time.perf_counter()
    checked, problems = verify_chain()
    verification = {
        "checked": checked,
        "problems": problems[:200],
        "more_problems": max(0, len(problems) - 200),
        "ok": not problems,
        "seconds": round(time.perf_counter() - started, 2),
    }
    return _trail(request, verification=verification)
