"""Fetch a ballot and authorise the user in one step (moot.access). A ballot is public: any
ballot that exists may be read by anyone, so the 404 answer ("No such ballot.") means only that
there is none; what a user may not do to a ballot they can see is 403 with who can.

``access_ballot_role`` names the role wanted (docs/ballots.md, "Who does what"):

* ``manage``: the returning officer; a caller of the ballot's unit until one is appointed;
* ``appoint``: a caller of the ballot's unit, or its returning officer (appoints officers);
* ``scrutinise``: the scrutineer, or an auditor covering the unit (read only);
* ``oversee``: a manager or a scrutiniser (reads the administration);
* ``tell``: a teller, or the returning officer.
"""

from __future__ import annotations

from typing import Any

from moot.access import authorise
from moot.ballots.models import Ballot
from moot.ids import parse_id

NO_SUCH_BALLOT = "No such ballot."
PERMISSIONS = {
    "manage": "ballots.manage_ballot",
    "scrutinise": "ballots.scrutinise_ballot",
    "oversee": "ballots.oversee_ballot",
    "tell": "ballots.tell_ballot",
    "appoint": "ballots.appoint_ballot_officers",
}
REFUSED = {
    "manage": (
        "Only the ballot's returning officer, or whoever the rulebook lets call a ballot of this "
        "unit, can do this; never its scrutineer, a teller or a candidate."
    ),
    "scrutinise": "Only the ballot's scrutineer (and the auditor, to read) can do this.",
    "oversee": (
        "Only the ballot's returning officer, its callers, its scrutineer and the auditor read "
        "the ballot's administration."
    ),
    "tell": "Only the ballot's tellers and its returning officer key returned papers.",
    "appoint": (
        "Only whoever the rulebook lets call a ballot of this unit, or the ballot's returning "
        "officer, appoints its officers."
    ),
}


def _fetch(ballot_id: Any) -> Ballot | None:
    rows = Ballot.objects.select_related("unit", "returning_officer", "scrutineer")
    return rows.filter(pk=parse_id(ballot_id) or 0).first()


def access_ballot(ballot_id: Any, user: Any, *, for_write: bool = False) -> Ballot:
    """The ballot (anyone may read it); ``for_write``: the user may manage it (the returning
    officer or a caller of its unit), else 403."""
    return access_ballot_role(ballot_id, user, "manage") if for_write else _public(ballot_id, user)


def _public(ballot_id: Any, user: Any) -> Ballot:
    return authorise(_fetch(ballot_id), user, view="ballots.view_ballot", missing=NO_SUCH_BALLOT)


def access_ballot_role(ballot_id: Any, user: Any, role: str) -> Ballot:
    """The ballot, if the user holds ``role`` in it (``manage``, ``scrutinise``, ``oversee``,
    ``tell``): 404 when there is no such ballot, 403 when the user lacks the role."""
    if role not in PERMISSIONS:
        raise ValueError(f"unknown ballot role {role!r}; one of {', '.join(PERMISSIONS)}")
    return authorise(
        _fetch(ballot_id),
        user,
        view="ballots.view_ballot",
        missing=NO_SUCH_BALLOT,
        permission=PERMISSIONS[role],
        refused=REFUSED[role],
    )


def access_unit_to_call(unit_id: Any, user: Any) -> Any:
    """The unit, if the user may call a ballot of its members under the rulebook (403 with the
    rulebook's reason and clause otherwise; 404 when there is no such unit)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from moot.ballots.permissions import may_call
    from moot.units.models import Unit

    unit = Unit.objects.filter(pk=parse_id(unit_id) or 0).first()
    if unit is None:
        raise Http404("No such unit.")
    verdict = may_call(user, unit)
    if not verdict.allowed:
        raise PermissionDenied(
            f"You may not call this ballot: {verdict.text} (clause {verdict.clause})."
        )
    return unit
