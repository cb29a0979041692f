"""Fetch a motion (or a meeting's motions, an amendment, a ruling, a unit's received motions)
and authorise the user in one step: 404 when it does not exist, 403 when the user may not do
what they ask."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from moot.motions.models import Amendment, Motion, Ruling

MANAGE_REFUSED = (
    "Only the chair or secretary of the meeting, the unit's officers or national staff can do this."
)
REFUSED = {
    "motions.view_motion": "You may not see this motion: it belongs to another unit.",
    "motions.manage_motion": MANAGE_REFUSED,
    "motions.rule_on_motion": "Only the chair of the meeting or national office can rule on "
    "competence.",
    "motions.propose_amendment": "Only members of the unit can propose amendments.",
    "motions.accept_amendment": "Only the mover of the motion can accept an amendment (or the "
    "chair or secretary, recording that the mover accepted it).",
}


def access_meeting(meeting_id: int, user: Any, *, for_tabling: bool = False) -> Any:
    """The meeting whose motions the user may see (``for_tabling``: may table one)."""
    from moot.meetings.models import Meeting

    meeting = (
        Meeting.objects.select_related("unit", "chair", "secretary").filter(pk=meeting_id).first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    permission = "motions.table_motion" if for_tabling else "motions.view_meeting_motions"
    if not user.has_perm(permission, meeting):
        raise PermissionDenied(
            f"Only members of {meeting.unit.name} and its officers can "
            + ("table motions for this meeting." if for_tabling else "see this meeting's motions.")
        )
    return meeting


def access_motion(motion_id: int, user: Any, *, permission: str = "motions.view_motion") -> Motion:
    """The motion, if the user has ``permission`` on it (view by default)."""
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
        .filter(pk=motion_id)
        .first()
    )
    if motion is None:
        raise Http404("No such motion.")
    if not user.has_perm(permission, motion):
        raise PermissionDenied(REFUSED.get(permission, "You may not do this."))
    return motion


def access_amendment(
    amendment_id: int, user: Any, *, permission: str = "motions.view_motion"
) -> Amendment:
    """The amendment; ``permission`` is checked on its motion, except
    ``motions.accept_amendment``, which is checked on the amendment."""
    amendment = (
        Amendment.objects.select_related("motion__meeting__unit", "poll")
        .filter(pk=amendment_id)
        .first()
    )
    if amendment is None:
        raise Http404("No such amendment.")
    target = amendment if permission == "motions.accept_amendment" else amendment.motion
    if not user.has_perm(permission, target):
        raise PermissionDenied(REFUSED.get(permission, "You may not do this."))
    return amendment


def access_ruling(ruling_id: int, user: Any, *, permission: str = "motions.view_motion") -> Ruling:
    ruling = (
        Ruling.objects.select_related("motion__meeting__unit", "challenge_poll")
        .filter(pk=ruling_id)
        .first()
    )
    if ruling is None:
        raise Http404("No such ruling.")
    if not user.has_perm(permission, ruling.motion):
        raise PermissionDenied(REFUSED.get(permission, "You may not do this."))
    return ruling


def access_received(unit_id: int, user: Any) -> Any:
    """The unit whose received (forwarded) motions the user may see."""
    from moot.units.models import Unit

    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("No such unit.")
    if not user.has_perm("motions.view_received", unit):
        raise PermissionDenied(f"Only the officers and members of {unit.name} can see this.")
    return unit
