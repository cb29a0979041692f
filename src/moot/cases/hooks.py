"""Panels other modules of the app add to a case's staff page (the process's stage controls,
assignments, retention ...) without editing the page's view: each is a function
(request, case) -> dict | None with "template" and its context (None: nothing for this viewer).
The case arrives with ``case.viewer_role`` set by ``access_case``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CASE_PANELS: list[Callable[[Any, Any], dict[str, Any] | None]] = []


def register_case_panel(panel: Callable[[Any, Any], dict[str, Any] | None]) -> None:
    if panel not in CASE_PANELS:
        CASE_PANELS.append(panel)


def case_panels(request: Any, case: Any) -> list[dict[str, Any]]:
    return [made for panel in CASE_PANELS if (made := panel(request, case)) is not None]
