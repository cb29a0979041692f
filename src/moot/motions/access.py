"""Fetch a motion (or a meeting's motions, an amendment, a ruling, a unit's received motions)
and authorise the user in one step (moot.access): 404 when it does not exist or the user may not
see it (the same answer), 403 when they may see it but not do what they ask."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from moot.access import authorise
from moot.ids import parse_id
from moot.motions.models import Amendment, Motion, Ruling

MANAGE_REFUSED = (
    "Only the chair or secretary of the meeting, the unit's officers or national staff can do this."
)
REFUSED = {
    "motions.manage_motion": MANAGE_REFUSED,
    "motions.rule_on_motion": "Only the chair of the meeting or national office can rule on "
    "competence.",
    "motions.propose_amendment": "Only members of the unit can propose amendments.",
    "motions.accept_amendment": "Only the mover of the motion can accept an amendment (or the "
    "chair or secretary, recording that the mover accepted it).",
}


def access_meeting_motions(meeting_id: Any, user: Any, *, for_write: bool = False) -> Any:
    """The meeting, if the user may see its motions (``for_write``: may table one).
    (``moot.meetings.access.access_meeting`` is the meeting itself, for the meetings pages.)"""
    from moot.meetings.models import Meeting

    meeting = (
        Meeting.objects.select_related("unit", "chair", "secretary")
        .filter(pk=parse_id(meeting_id))
        .first()
    )
    unit_name = meeting.unit.name if meeting is not None else ""
    return authorise(
        meeting,
        user,
        view="motions.view_meeting_motions",
        missing="No such meeting.",
        permission="motions.table_motion" if for_write else None,
        refused=f"Only members of {unit_name} and its officers can table motions for this meeting.",
    )


def access_motion(motion_id: Any, user: Any, *, permission: str | None = None) -> Motion:
    """The motion, if the user may see it; ``permission``: another permission on it (e.g.
    ``motions.manage_motion``, ``motions.rule_on_motion``)."""
    motion = (
        Motion.objects.select_related(
            "meeting__unit",
            "meeting__chair",
            "meeting__secretary",
            "proposer_member",
            "proposer_unit",
            "proposer_organisation",
            "mover",
            "seconder",
            "affiliate_to",
            "poll",
            "forwarded_to",
        )
        .filter(pk=parse_id(motion_id))
        .first()
    )
    return authorise(
        motion,
        user,
        view="motions.view_motion",
        missing="No such motion.",
        permission=permission,
        refused=REFUSED.get(permission or "", "You may not do this."),
    )


def access_amendment(amendment_id: Any, user: Any, *, permission: str | None = None) -> Amendment:
    """The amendment, if the user may see its motion; ``permission`` is checked on its motion,
    except ``motions.accept_amendment``, which is checked on the amendment."""
    amendment = (
        Amendment.objects.select_related("motion__meeting__unit", "poll")
        .filter(pk=parse_id(amendment_id))
        .first()
    )
    if amendment is None:
        raise Http404("No such amendment.")
    authorise(
        amendment.motion,
        user,
        view="motions.view_motion",
        missing="No such amendment.",
        permission=permission,
        refused=REFUSED.get(permission or "", "You may not do this."),
        target=amendment if permission == "motions.accept_amendment" else None,
    )
    return amendment


def access_ruling(ruling_id: Any, user: Any, *, permission: str | None = None) -> Ruling:
    """The ruling, if the user may see its motion (and has ``permission`` on the motion)."""
    ruling = (
        Ruling.objects.select_related("motion__meeting__unit", "challenge_poll")
        .filter(pk=parse_id(ruling_id))
        .first()
    )
    if ruling is None:
        raise Http404("No such ruling.")
    authorise(
        ruling.motion,
        user,
        view="motions.view_motion",
        missing="No such ruling.",
        permission=permission,
        refused=REFUSED.get(permission or "", "You may not do this."),
    )
    return ruling


def access_received(unit_id: Any, user: Any) -> Any:
    """The unit whose received (forwarded) motions the user may see."""
    from moot.units.models import Unit

    unit = Unit.objects.filter(pk=parse_id(unit_id)).first()
    return authorise(unit, user, view="motions.view_received", missing="No such unit.")
