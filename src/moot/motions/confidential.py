"""Confidential business (issue 9 item 1; RULES.md §5 and §8): a motion ruled not competent
under a category the rulebook marks ``confidential`` (the preset: an individual disciplinary
case) is *withheld*.

Everyone — members, officers, the API, the agenda, the projector, the minutes — sees one
sentence instead of it: "A motion concerning an individual disciplinary matter was received and
ruled not competent (clause 15.6.1)." (``Motion.withheld_as``, written by the ruling). Its
title, text, mover and seconder are kept, and the motion's own page (and the API's detail)
shows them to the chair of the meeting, the unit's secretary and complaints staff over the
unit, recording each such read in the audit log (``motions.read_confidential``). Lists never
show them, not even to those three: the one place the text is read is the place it is logged.

A withheld copy is an in-memory stand-in: :func:`withhold` overwrites the fields that could
name anyone and marks the instance so that saving it is refused (``Motion.save``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from moot.motions.models import Motion

# Fields that could name the person or the case: replaced or cleared on a withheld copy.
WITHHELD_FIELDS = (
    "title",
    "text",
    "mover",
    "seconder",
    "proposer_member",
    "proposer_unit",
    "proposer_organisation",
)


def withheld_sentence(category: Any, clause: str) -> str:
    """The sentence shown instead of a motion ruled out under confidential ``category``."""
    return (
        f"A motion concerning {category.described_as} was received and ruled not competent "
        f"(clause {clause})."
    )


HELD_SENTENCE = (
    "A motion awaiting the chair's ruling on competence (it may concern {described_as})."
)


def held_pending_ruling(motion: Motion) -> bool:
    """Whether ``motion`` is *held* until the chair rules (issue 9 fix round, 6): not yet
    withheld, not ruled competent, and its title, text or an amendment names a member of the
    unit suspended pending investigation — the check behind the chair's "likely not
    competent" flag (``queries.names_member_under_process``) — under a category the rulebook
    keeps confidential. Held, it is shown and read as a withheld motion (with
    :data:`HELD_SENTENCE`); ruled competent, it is ordinary business. Computed on each read
    (and remembered on the instance)."""
    cached = getattr(motion, "_held_pending", None)
    if cached is not None:
        return bool(cached)
    from moot.motions import queries
    from moot.motions.models import RulingDecision

    held = False
    if not motion.withheld_as and motion.pk is not None:
        category = queries.category_for(motion.meeting, queries.DISCIPLINARY_CATEGORY)
        ruling = queries.current_ruling(motion)
        if (
            category is not None
            and category.confidential
            and (ruling is None or ruling.decision != RulingDecision.COMPETENT)
        ):
            amendments = motion.amendments.values_list("text", flat=True)
            text = "\n".join([motion.title, motion.text, *amendments])
            held = queries.names_member_under_process(text, motion.meeting.unit)
        if held and category is not None:
            motion._held_sentence = HELD_SENTENCE.format(  # type: ignore[attr-defined]
                described_as=category.described_as
            )
    motion._held_pending = held  # type: ignore[attr-defined]
    return held


def public_sentence(motion: Motion) -> str:
    """What everyone but its readers sees instead of a withheld or held motion ("" if neither)."""
    if motion.withheld_as:
        return motion.withheld_as
    if held_pending_ruling(motion):
        return str(motion._held_sentence)  # type: ignore[attr-defined]
    return ""


def is_withheld(motion: Motion) -> bool:
    """Withheld as confidential business, or held until the chair rules on it."""
    return bool(motion.withheld_as) or held_pending_ruling(motion)


def may_read_confidential(user: Any, motion: Motion) -> bool:
    """Whether ``user`` may read a withheld motion's title, text, mover and seconder: the chair
    of the meeting, the secretary of the meeting or of its unit, complaints staff over the unit.
    Not other officers, not national staff or the auditor, not a superuser as such."""
    from moot.accounts.roles import COMPLAINTS_STAFF, SECRETARY_POSTS, roles_of
    from moot.motions.permissions import chairs_meeting

    roles = roles_of(user)
    if roles.user_id is None:
        return False
    meeting = motion.meeting
    if chairs_meeting(user, meeting):
        return True
    if roles.member_id is not None and roles.member_id == meeting.secretary_id:
        return True
    if any(
        office.unit_id == meeting.unit_id and office.post_slug in SECRETARY_POSTS
        for office in roles.offices
    ):
        return True
    return roles.has_staff_role(COMPLAINTS_STAFF, meeting.unit)


def withhold(motion: Motion) -> Motion:
    """Replace, on this instance only, what could name anyone with the public sentence (a
    motion that is not withheld is returned as it is). The instance can no longer be saved."""
    if not is_withheld(motion) or getattr(motion, "_withheld", False):
        return motion
    sentence = public_sentence(motion)
    motion.title = sentence
    motion.text = sentence
    motion.proposer_kind = ""
    for name in ("mover", "seconder", "proposer_member", "proposer_unit", "proposer_organisation"):
        setattr(motion, name, None)
    motion.affiliate_to = None
    motion._withheld = True  # type: ignore[attr-defined]  # read by Motion.save
    return motion


def withheld(motions: Iterable[Motion]) -> list[Motion]:
    """The motions of a list, each withheld copy in place of a confidential one."""
    return [withhold(motion) for motion in motions]


def withheld_events(events: list[Any]) -> set[int]:
    """For the audit trail (``moot.audit.redaction.register_withheld_rule``): the events about a
    withheld motion, its amendments or its rulings — their object names and changes repeat the
    title and text (a motion is tabled, and so audited, before anyone rules it out)."""
    from moot.motions.models import Amendment, Ruling

    wanted: dict[str, set[int]] = {"motions.motion": set(), "motions.ruling": set()}
    wanted["motions.amendment"] = set()
    for event in events:
        if event.object_type in wanted and str(event.object_id).isdigit():
            wanted[event.object_type].add(int(event.object_id))
    if not any(wanted.values()):
        return set()
    motion_of: dict[tuple[str, int], int] = {
        ("motions.motion", pk): pk for pk in wanted["motions.motion"]
    }
    for label, model in (("motions.ruling", Ruling), ("motions.amendment", Amendment)):
        rows = model.objects.filter(pk__in=wanted[label]).values_list("pk", "motion_id")
        motion_of.update({(label, pk): motion_id for pk, motion_id in rows})
    involved = Motion.objects.filter(pk__in=set(motion_of.values())).select_related("meeting")
    confidential = {motion.pk for motion in involved if is_withheld(motion)}
    return {
        event.pk
        for event in events
        if str(event.object_id).isdigit()
        and motion_of.get((event.object_type, int(event.object_id))) in confidential
    }
