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


# The account menu (issue 9 item 6): (url name, label, what it is for). The member's own
# record is added by account_links_for, which knows the member.
ACCOUNT: list[tuple[str, str, str]] = [
    ("account_change_password", "Password", "Change the password you sign in with."),
    ("mfa_index", "Two-factor authentication", "Add an authenticator app or recovery codes."),
    ("accounts:tokens", "API tokens", "Personal tokens for the API; revoke one you no longer use."),
    ("members:my_details", "Your contact details", "Change your e-mail address, phone or address."),
]


def account_links_for(request: HttpRequest) -> list[tuple[str, str, str]]:
    """The signed-in user's account links: (url, label, description), the member's own record
    first when the account has one. Sessions and devices are not kept apart by moot (a session
    ends when its browser signs out or after its age)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = []
    member = getattr(user, "member", None)
    if member is not None:
        links.append(
            (
                reverse("members:detail", args=[member.pk]),
                "Your membership record",
                "Your standing, units, membership history and eligibility.",
            )
        )
    for url_name, label, description in ACCOUNT:
        if url_name == "members:my_details" and member is None:
            continue
        try:
            links.append((reverse(url_name), label, description))
        except NoReverseMatch:
            continue
    return links


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
