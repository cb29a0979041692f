"""Reads about motions: numbered lines, the text as amended, warnings, rulings, history, and the
chair-only "likely not competent" flag (computed here on every read, never stored)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from moot.motions.lines import Edit, Line, apply_edits, numbered_lines
from moot.motions.models import (
    APPLIED_STATES,
    Amendment,
    Motion,
    Ruling,
)

if TYPE_CHECKING:
    from moot import rulebook

DISCIPLINARY_CATEGORY = "individual_disciplinary_case"


def meeting_date(meeting: Any) -> datetime.date:
    return timezone.localtime(meeting.starts_at).date()


def edition_for(meeting: Any) -> rulebook.Edition:
    """The rulebook edition in force on the meeting's date."""
    from moot.units.queries import edition_in_force

    return edition_in_force(meeting_date(meeting))


def motions_of(meeting: Any) -> QuerySet[Motion]:
    return Motion.objects.filter(meeting=meeting).select_related(
        "proposer_member", "proposer_unit", "proposer_organisation", "mover", "seconder", "poll"
    )


def received_motions(unit: Any) -> QuerySet[Motion]:
    """Motions forwarded to ``unit`` by the units below it, newest first."""
    return (
        Motion.objects.filter(forwarded_to=unit)
        .select_related("meeting__unit", "mover")
        .order_by("-forwarded_at", "-id")
    )


def receiving_units_for(user: Any) -> list[Any]:
    """Units that have received forwarded motions and whose list the user may see."""
    from moot.units.models import Unit

    units = Unit.objects.filter(received_motions__isnull=False).distinct().order_by("path")
    return [unit for unit in units if user.has_perm("motions.view_received", unit)]


def next_number(meeting: Any) -> int:
    last = Motion.objects.filter(meeting=meeting).order_by("-number").values("number").first()
    return (last["number"] + 1) if last else 1


# ---------------------------------------------------------------------------------------------
# Text


def lines_of(motion: Motion) -> list[Line]:
    """The numbered lines of the motion as tabled (what amendments refer to)."""
    return numbered_lines(motion.text)


def as_edit(amendment: Amendment) -> Edit:
    return Edit(
        ref=f"amendment {amendment.number}",
        action=amendment.action,
        line_from=amendment.line_from,
        line_to=amendment.line_to,
        text=amendment.text,
    )


def applied_amendments(motion: Motion) -> list[Amendment]:
    return list(
        motion.amendments.filter(state__in=APPLIED_STATES).order_by("applied_order", "number")
    )


def text_as_amended(motion: Motion, extra: Iterable[Amendment] = ()) -> str:
    """The motion's text with the applied amendments (and ``extra``, to test one more)."""
    edits = [as_edit(a) for a in applied_amendments(motion)] + [as_edit(a) for a in extra]
    return apply_edits(motion.text, edits)


def amended_lines(motion: Motion) -> list[Line]:
    return numbered_lines(text_as_amended(motion))


# ---------------------------------------------------------------------------------------------
# Rulings


def current_ruling(motion: Motion) -> Ruling | None:
    """The ruling in force: the latest one (an overturned ruling stays, marked as such)."""
    return motion.rulings.order_by("-ruled_at", "-id").first()


def competence_categories(meeting: Any) -> list[Any]:
    """``edition.not_competent`` of the edition in force on the meeting's date."""
    return list(edition_for(meeting).not_competent)


def category_for(meeting: Any, slug: str) -> Any | None:
    for category in competence_categories(meeting):
        if category.slug == slug:
            return category
    return None


# ---------------------------------------------------------------------------------------------
# Warnings


@dataclass(frozen=True)
class Warning:
    text: str
    clause: str = ""


def public_warnings(motion: Motion) -> list[Warning]:
    """Warnings anyone who may see the motion may see: an affiliation the rulebook forbids
    (proscription and the affiliation rules are public)."""
    if motion.affiliate_to_id is None or motion.affiliation_id is not None:
        return []
    if motion.affiliation_refusal:
        return [Warning(motion.affiliation_refusal, motion.affiliation_refusal_clause)]
    from moot.members.errors import ActionError
    from moot.units.actions import check_affiliation

    try:
        check_affiliation(motion.meeting.unit, motion.affiliate_to, meeting_date(motion.meeting))
    except ActionError as exc:
        return [
            Warning(
                "If carried, this motion cannot take effect: " + str(exc),
                exc.clause,
            )
        ]
    return []


def _padded(text: str) -> str:
    from moot.members.models import normalise_for_search

    return f" {normalise_for_search(text)} "


def names_member_under_process(text: str, unit: Any) -> bool:
    """Whether ``text`` names a member of ``unit`` (or a unit under it) whose membership is
    "suspended pending investigation".

    Only the meeting's own members are looked at: matched against the whole party, the warning
    told a chair whether anyone anywhere was suspended (issue 8, finding 3). Names are compared
    as whole words after the members' search normalisation (case, accents and punctuation
    ignored), as "first last" or "last first". The answer is a bare yes/no: which member, and
    anything about them, never leaves this function."""
    from django.db.models import Q

    from moot.members.models import Member, MemberStatus

    haystack = _padded(text)
    of_unit = Q(constituency__path__startswith=unit.path) | Q(branch__path__startswith=unit.path)
    rows = (
        Member.objects.filter(status=MemberStatus.SUSPENDED)
        .filter(of_unit)
        .values_list("search_name", "search_name_reversed")
    )
    for last_first, first_last in rows.iterator(chunk_size=2000):
        for name in (first_last, last_first):
            if name and " " in name and f" {name} " in haystack:
                return True
    return False


def chair_flags(motion: Motion, user: Any) -> list[Warning]:
    """The chair's private warnings on ``motion``, for ``user``: empty unless the user may see
    them (the chair of the meeting and national staff — ``motions.see_chair_flags``).

    Computed on every read and stored nowhere: a motion that names a member under a disciplinary
    process is "likely not competent". The warning says nothing about who, or about any case."""
    from moot.motions.permissions import can_see_chair_flags

    # The predicate itself, not user.has_perm: Django lets a superuser pass every has_perm,
    # and this warning is for the chair and national staff only.
    if not can_see_chair_flags(user, motion):
        return []
    if not motion.is_open:
        return []
    amendments = motion.amendments.exclude(state="withdrawn").values_list("text", flat=True)
    text = "\n".join([motion.title, motion.text, *amendments])
    if not names_member_under_process(text, motion.meeting.unit):
        return []
    category = category_for(motion.meeting, DISCIPLINARY_CATEGORY)
    clause = category.clause if category is not None else ""
    where = f" (clause {clause})" if clause else ""
    return [
        Warning(
            "Likely not competent: it appears to concern an individual disciplinary case"
            f"{where}. Consider ruling it not competent; do not discuss any case in the meeting.",
            clause,
        )
    ]


# ---------------------------------------------------------------------------------------------
# History


def history(motion: Motion) -> QuerySet[Any]:
    """The audit events about the motion, its amendments and its rulings, oldest first."""
    from moot.audit.models import AuditEvent

    amendment_ids = [str(pk) for pk in motion.amendments.values_list("pk", flat=True)]
    ruling_ids = [str(pk) for pk in motion.rulings.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(
            Q(object_type="motions.motion", object_id=str(motion.pk))
            | Q(object_type="motions.amendment", object_id__in=amendment_ids)
            | Q(object_type="motions.ruling", object_id__in=ruling_ids)
        )
        .select_related("actor")
        .order_by("seq")
    )


def motions_visible_to(user: Any) -> list[Motion]:
    """Motions the user may see, newest meetings first (for the motions index)."""
    qs = Motion.objects.select_related("meeting__unit", "mover").order_by(
        "-meeting__starts_at", "number"
    )[:500]
    return [m for m in qs if user.has_perm("motions.view_motion", m)]


def member_by_number(number: str | None) -> Any | None:
    """The member with this membership number (case and spaces ignored), or None."""
    from moot.limits import note_number_lookup
    from moot.members.models import Member

    if not number or not number.strip():
        return None
    member = Member.objects.filter(number=number.strip().upper()).first()
    note_number_lookup(member)
    return member
