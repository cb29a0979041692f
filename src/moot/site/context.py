from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"MOOT_DEBUG": settings.DEBUG, "MOOT_NAV": nav_for(request)}


def nav_for(request: HttpRequest) -> list[tuple[str, str]]:
    """The main navigation for the signed-in user: (url name, label), filtered by permission."""
    from moot.site.navigation import navigation_for

    return navigation_for(request)
