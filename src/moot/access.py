"""The one rule every app's ``access_<thing>`` follows (DESIGN.md, "Fetch and authorise"):

* a record the user may not see is answered exactly as one that does not exist: ``Http404``
  with the same sentence ("No such meeting."), so the answer confirms nothing;
* a record the user may see but not change (or not do the named thing to) is ``PermissionDenied``
  (403) with a sentence saying who can.

Each app's ``access.py`` fetches its rows (with what its pages need joined) and calls
:func:`authorise`; views and routers call ``access_*`` and never ``Model.objects``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404


def authorise(
    obj: Any,
    user: Any,
    *,
    view: str,
    missing: str,
    permission: str | None = None,
    refused: str = "",
    target: Any = None,
) -> Any:
    """``obj`` if ``user`` has ``view`` on it (else :class:`Http404` with ``missing``, the
    sentence given when there is no such record) and, when ``permission`` is named, that
    permission too (on ``target`` if given, else on ``obj``; else :class:`PermissionDenied`
    with ``refused``). ``obj`` None is the record that does not exist."""
    if obj is None or not user.has_perm(view, obj):
        raise Http404(missing)
    if permission and not user.has_perm(permission, obj if target is None else target):
        raise PermissionDenied(refused or "Your roles do not allow this.")
    return obj
