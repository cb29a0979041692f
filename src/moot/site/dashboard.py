"""What the dashboard shows each role. Apps contribute panels through PANELS."""

from collections.abc import Callable

from django.http import HttpRequest

# Each panel is a function (request) -> dict | None with keys "title", "template", and context;
# None hides the panel for this user.
PANELS: list[Callable[[HttpRequest], dict[str, object] | None]] = []


def dashboard_context(request: HttpRequest) -> dict[str, object]:
    panels = [panel for make in PANELS if (panel := make(request)) is not None]
    return {"panels": panels}
