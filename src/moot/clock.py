"""Today's date, one definition for every app."""

from __future__ import annotations

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today in the site's time zone (``settings.TIME_ZONE``), not the server's nor UTC: a
    meeting at 23:30 in London is on that London day. Tests move it with time-machine."""
    return timezone.localdate()
