"""Rate limits shared by every worker and server: counters are rows in the database
(:class:`moot.limits.models.LimitHit`), so "30" means thirty whatever process answers.

The one limit today is on **looking up member numbers that the caller may not see**: a
motion's seconder, a nominee, a number typed at the door. Refusals never name such a person
(docs/security.md §3), but every answer still says whether a number exists and whether its
holder may take part; :func:`note_number_lookup` lets each user make ``NUMBER_MISS_LIMIT`` such
look-ups in ``NUMBER_MISS_WINDOW``, then refuses (429, ``rate_limited``) until the window
moves on. Numbers of members whose record the user may see (their own unit's, at the door)
are not counted, so a secretary checking in a hall of members is never slowed.

The user is the current request's (:func:`bind_request`, called by
``moot.site.middleware.CurrentRequestMiddleware``), so form fields and access functions that
resolve a number need no extra argument.
"""

from __future__ import annotations

import contextvars
import datetime
from typing import Any

NUMBER_MISS_SCOPE = "member_number_miss"
NUMBER_MISS_LIMIT = 30
NUMBER_MISS_WINDOW = datetime.timedelta(minutes=10)

_current_request: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "moot_current_request", default=None
)


def bind_request(request: Any) -> contextvars.Token[Any]:
    """Make ``request`` the current one (its user is asked for at look-up time, after the API
    token has set it)."""
    return _current_request.set(request)


def unbind_request(token: contextvars.Token[Any]) -> None:
    _current_request.reset(token)


def current_user() -> Any | None:
    request = _current_request.get()
    return getattr(request, "user", None) if request is not None else None


def hit(scope: str, key: str, *, limit: int, window: datetime.timedelta) -> int:
    """Count one use of ``scope`` by ``key``; 0 when within the limit, else the seconds until
    the oldest counted use leaves the window (the refused use is not counted). The row is
    written before counting, so simultaneous uses cannot all slip under the limit."""
    from django.db import transaction
    from django.utils import timezone

    from moot.limits.models import LimitHit

    now = timezone.now()
    since = now - window
    with transaction.atomic():
        LimitHit.objects.filter(scope=scope, key=key, at__lt=since).delete()
        row = LimitHit.objects.create(scope=scope, key=key, at=now)
        uses = list(
            LimitHit.objects.filter(scope=scope, key=key, at__gte=since)
            .order_by("at", "id")
            .values_list("id", "at")
        )
        if len(uses) <= limit or row.pk in {pk for pk, _ in uses[:limit]}:
            return 0
        row.delete()
    oldest = uses[0][1]
    return max(1, int((oldest + window - now).total_seconds()) + 1)


def note_number_lookup(member: Any, *, field: str = "") -> None:
    """Count a member-number look-up by the current user when its answer is a member they may
    not see (or nobody); refuse once they have made too many. Call it wherever a typed
    number is resolved, before anything is answered about the holder."""
    from moot.errors import Refusal, RefusalCode

    user = current_user()
    if user is None or not getattr(user, "is_authenticated", False):
        return
    if member is not None and user.has_perm("members.view_member", member):
        return
    wait = hit(
        NUMBER_MISS_SCOPE,
        f"user:{user.pk}",
        limit=NUMBER_MISS_LIMIT,
        window=NUMBER_MISS_WINDOW,
    )
    if wait:
        minutes = max(1, round(wait / 60))
        raise Refusal(
            f"You have looked up {NUMBER_MISS_LIMIT} member numbers outside your units in "
            f"{int(NUMBER_MISS_WINDOW.total_seconds() // 60)} minutes; wait about {minutes} "
            "minute(s) and check the numbers you type.",
            field=field or None,
            code=RefusalCode.RATE_LIMITED,
        )


def paced_wait(
    scope: str, key: str, *, free: int, window: datetime.timedelta, pace: datetime.timedelta
) -> int:
    """Seconds before ``key`` may try ``scope`` again: 0 while it has failed fewer than ``free``
    times in ``window``; after that, each try waits ``pace`` after the last failure (a slowdown,
    never a lock-out: whoever has the right answer gets in after the pause)."""
    from django.utils import timezone

    from moot.limits.models import LimitHit

    now = timezone.now()
    failed = LimitHit.objects.filter(scope=scope, key=key, at__gte=now - window)
    if failed.count() < free:
        return 0
    last = failed.order_by("-at").values_list("at", flat=True).first()
    if last is None:
        return 0
    wait = (last + pace - now).total_seconds()
    return max(0, int(wait) + (1 if wait > int(wait) else 0))


def note_failure(scope: str, key: str, *, window: datetime.timedelta) -> None:
    """Count one failure of ``scope`` by ``key`` (for :func:`paced_wait`), forgetting those older
    than ``window``."""
    from django.utils import timezone

    from moot.limits.models import LimitHit

    now = timezone.now()
    LimitHit.objects.filter(scope=scope, key=key, at__lt=now - window).delete()
    LimitHit.objects.create(scope=scope, key=key, at=now)
