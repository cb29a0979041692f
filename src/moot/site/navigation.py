"""The main navigation. Each entry names a URL and the permission that shows it.

Apps add their entries to NAV (url name, label, permission or None for any signed-in user).
"""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

NAV: list[tuple[str, str, str | None]] = [
    ("dashboard", "Dashboard", None),
    ("members:list", "Members", "members.list_members"),
    ("units:list", "Units", "units.view_unit"),
    ("units:organisations", "Organisations", "units.view_unit"),
    ("meetings:list", "Meetings", "meetings.list_meetings"),
    ("rulebook:current", "Rulebook", "rulebook.view"),
    ("audit:trail", "Audit trail", "audit.view_trail"),
]


def navigation_for(request: HttpRequest) -> list[tuple[str, str]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for url_name, label, permission in NAV:
        if permission is not None and not user.has_perm(permission):
            continue
        try:
            items.append((reverse(url_name), label))
        except NoReverseMatch:
            continue
    return items
