"""Minutes: draft them from the meeting's record, edit the draft, approve them at a later meeting
(which seals their hash)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.meetings import queries
from moot.meetings.actions._common import lock_meeting, rule_refusal, when_text
from moot.meetings.audit_verbs import AuditVerb
from moot.meetings.errors import MeetingError
from moot.meetings.models import ItemKind, Meeting, Minutes, MinutesState, MinutesVersion

if TYPE_CHECKING:
    from moot.accounts.models import User


def _minutes_hash(sections: list[dict[str, Any]]) -> str:
    return hashlib.sha256(
        json.dumps(sections, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


@transaction.atomic(durable=True)
def do_draft_minutes(meeting: Meeting, *, acting_user: User | None) -> Minutes:
    """Draft (or redraft) the minutes from the records: the meeting's own sections and those
    motions and elections register. A redraft is a new version; approved minutes are final."""
    from moot.meetings.minutes import draft_sections

    meeting = lock_meeting(meeting)
    if not meeting.is_closed:
        raise MeetingError("Minutes are drafted once the meeting has closed.", code="state")
    minutes = Minutes.objects.select_for_update(of=("self",)).filter(meeting=meeting).first()
    if minutes is not None and minutes.state == MinutesState.APPROVED:
        raise MeetingError("These minutes are approved and can no longer change.", code="state")
    sections = draft_sections(meeting)
    if minutes is None:
        minutes = Minutes.objects.create(meeting=meeting, sections=sections, version=1)
    else:
        minutes.sections = sections
        minutes.version += 1
        minutes.save(update_fields=["sections", "version", "updated_at"])
    MinutesVersion.objects.create(
        minutes=minutes,
        number=minutes.version,
        sections=sections,
        note="drafted from the records",
        edited_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.DRAFT_MINUTES,
        obj=minutes,
        after={"version": minutes.version, "hash": _minutes_hash(sections)},
    )
    return minutes


@transaction.atomic(durable=True)
def do_edit_minutes(
    minutes: Minutes, *, texts: Mapping[str, str], note: str = "", acting_user: User | None
) -> Minutes:
    """The secretary's edit: new text for sections (by key; paragraphs separated by blank
    lines). The links to the records stay; each save is a new version, audited with the
    previous and the new text."""
    minutes = Minutes.objects.select_for_update(of=("self",)).get(pk=minutes.pk)
    if minutes.state == MinutesState.APPROVED:
        raise MeetingError("These minutes are approved and can no longer change.", code="state")
    keys = {section["key"] for section in minutes.sections}
    unknown = set(texts) - keys
    if unknown:
        raise MeetingError(f"No such section: {', '.join(sorted(unknown))}.")
    before = minutes.sections
    sections = []
    changed = []
    for original in minutes.sections:
        section = dict(original)
        if section["key"] in texts:
            paragraphs = [
                " ".join(p.split())
                for p in texts[section["key"]].replace("\r\n", "\n").split("\n\n")
            ]
            paragraphs = [p for p in paragraphs if p]
            if paragraphs != section["paragraphs"]:
                changed.append(section["key"])
                section["paragraphs"] = paragraphs
                section["edited"] = True
        sections.append(section)
    if not changed:
        return minutes
    minutes.sections = sections
    minutes.version += 1
    minutes.save(update_fields=["sections", "version", "updated_at"])
    MinutesVersion.objects.create(
        minutes=minutes,
        number=minutes.version,
        sections=sections,
        note=note.strip()[:300] or f"edited: {', '.join(changed)}",
        edited_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.EDIT_MINUTES,
        obj=minutes,
        before={s["key"]: s["paragraphs"] for s in before if s["key"] in changed},
        after={s["key"]: s["paragraphs"] for s in sections if s["key"] in changed},
    )
    return minutes


@transaction.atomic(durable=True)
def do_approve_minutes(
    minutes: Minutes, *, at_meeting: Meeting, corrections: str = "", acting_user: User | None
) -> Minutes:
    """Approve the minutes at the next meeting of the same unit, while it is in progress (and
    quorate, or allowed by the rulebook to take the minutes while inquorate), as read or as
    corrected: ``corrections`` agreed by the meeting are added as a last section (a new version)
    and the drafted text is left as it was. The approved text is sealed with its SHA-256 hash
    and can no longer change."""
    from moot import rulebook

    minutes = (
        Minutes.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=minutes.pk)
    )
    at_meeting = lock_meeting(at_meeting)
    earlier = minutes.meeting
    if minutes.state == MinutesState.APPROVED:
        raise MeetingError(
            f"These minutes were approved on {when_text(minutes.approved_at)}.", code="conflict"
        )
    if at_meeting.unit_id != earlier.unit_id or at_meeting.starts_at <= earlier.starts_at:
        raise MeetingError(
            "Minutes are approved at a later meeting of the same unit.", field="at_meeting"
        )
    if not at_meeting.is_open:
        raise MeetingError(
            "Minutes are approved while the meeting that approves them is in progress.",
            code="state",
        )
    state = queries.quorum_state(at_meeting)
    if not state.quorate:
        verdict = rulebook.check_inquorate_business(
            queries.edition_of(at_meeting), at_meeting.kind, ItemKind.MINUTES
        )
        if not verdict.allowed:
            raise rule_refusal(verdict, "An inquorate meeting may not approve minutes.")
    corrections = corrections.strip()
    if corrections:
        from django.urls import reverse

        paragraphs = [" ".join(p.split()) for p in corrections.replace("\r\n", "\n").split("\n\n")]
        minutes.sections = [
            *minutes.sections,
            {
                "key": "corrections",
                "title": "Corrections agreed when the minutes were approved",
                "paragraphs": [p for p in paragraphs if p],
                "source_note": f"Agreed by {at_meeting.title} ({when_text(timezone.now())}).",
                "refs": [[at_meeting.title, reverse("meetings:detail", args=[at_meeting.pk])]],
            },
        ]
        minutes.version += 1
        MinutesVersion.objects.create(
            minutes=minutes,
            number=minutes.version,
            sections=minutes.sections,
            note="corrections agreed at approval",
            edited_by=acting_user,
        )
    minutes.state = MinutesState.APPROVED
    minutes.approved_at_meeting = at_meeting
    minutes.approved_by = acting_user
    minutes.approved_at = timezone.now()
    minutes.content_hash = _minutes_hash(minutes.sections)
    minutes.save()
    record(
        actor=acting_user,
        verb=AuditVerb.APPROVE_MINUTES,
        obj=minutes,
        after={
            "approved_at_meeting": at_meeting.pk,
            "version": minutes.version,
            "hash": minutes.content_hash,
            "corrections": corrections,
        },
    )
    return minutes
