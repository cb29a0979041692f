"""The dashboard panel "Nominations waiting for you": nominations the signed-in member must
accept or decline (as nominee or job-share partner) or second."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from moot.elections.queries import awaiting


def nominations_panel(request: HttpRequest) -> dict[str, Any] | None:
    nominations = awaiting(request.user)
    if not nominations:
        return None
    return {
        "title": "Nominations waiting for you",
        "template": "elections/_dashboard_panel.html",
        "nominations": nominations,
    }
