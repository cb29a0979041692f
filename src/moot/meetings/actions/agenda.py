"""The agenda: check an item, add, edit, move and remove items while the agenda is still open."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, ProtectedError

from moot.audit.actions import record
from moot.meetings.actions._common import item_snapshot, lock_meeting
from moot.meetings.audit_verbs import AuditVerb
from moot.meetings.errors import MeetingError
from moot.meetings.models import SPEAKER_KINDS, AgendaItem, ItemKind, Meeting

if TYPE_CHECKING:
    from moot.accounts.models import User


def _check_agenda_open(meeting: Meeting, *, reorder: bool = False) -> None:
    if meeting.is_closed:
        raise MeetingError("The meeting is closed; its agenda is part of the record.", code="state")
    if reorder and not meeting.is_scheduled:
        raise MeetingError(
            "The agenda can be reordered or shortened only before the meeting starts.",
            code="state",
        )


def check_agenda_item(*, kind: str, title: str, speaker: str, topic: str) -> None:
    if kind not in ItemKind.values:
        raise MeetingError(
            f"Unknown kind of agenda item {kind!r}: use one of {', '.join(ItemKind.values)}.",
            field="kind",
        )
    if not title:
        raise MeetingError("Give the agenda item a title.", field="title")
    if kind in SPEAKER_KINDS:
        if not speaker:
            raise MeetingError("Name the invited speaker or trainer.", field="speaker")
        if not topic:
            raise MeetingError("Give the topic of the talk or training.", field="topic")


@transaction.atomic(durable=True)
def do_add_agenda_item(
    meeting: Meeting,
    *,
    kind: str,
    title: str,
    body: str = "",
    speaker: str = "",
    speaker_organisation: str = "",
    topic: str = "",
    position: int | None = None,
    acting_user: User | None,
) -> AgendaItem:
    """Add an item to the agenda (at the end, or at ``position`` moving the later items
    down). Items may be added while the meeting runs (an emergency item), not after."""
    meeting = lock_meeting(meeting)
    _check_agenda_open(meeting)
    title, speaker, topic = title.strip(), speaker.strip(), topic.strip()
    check_agenda_item(kind=kind, title=title, speaker=speaker, topic=topic)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    if position is None or position > last:
        position = last + 1
    elif position < 1:
        raise MeetingError("Positions start at 1.", field="position")
    else:
        _renumber(meeting, insert_at=position)
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        kind=kind,
        title=title,
        body=body.strip(),
        speaker=speaker,
        speaker_organisation=speaker_organisation.strip(),
        topic=topic,
    )
    record(actor=acting_user, verb=AuditVerb.ADD_AGENDA_ITEM, obj=item, after=item_snapshot(item))
    return item


@transaction.atomic(durable=True)
def do_edit_agenda_item(
    item: AgendaItem,
    *,
    title: str,
    body: str = "",
    speaker: str = "",
    speaker_organisation: str = "",
    topic: str = "",
    acting_user: User | None,
) -> AgendaItem:
    """Change an item's title, speaker, topic and details (a report's text) before or during
    the meeting; refused once the meeting has closed (its agenda is then part of the record).
    The kind and position stay: move the item, or remove it and add another."""
    meeting = lock_meeting(item.meeting)
    _check_agenda_open(meeting)
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    title, speaker, topic = title.strip(), speaker.strip(), topic.strip()
    check_agenda_item(kind=item.kind, title=title, speaker=speaker, topic=topic)
    before = {**item_snapshot(item), "body": item.body}
    item.title = title
    item.body = body.strip()
    item.speaker = speaker
    item.speaker_organisation = speaker_organisation.strip()
    item.topic = topic
    after = {**item_snapshot(item), "body": item.body}
    if after == before:
        raise MeetingError("Nothing was changed.", code="state")
    item.save(update_fields=["title", "body", "speaker", "speaker_organisation", "topic"])
    record(
        actor=acting_user,
        verb=AuditVerb.EDIT_AGENDA_ITEM,
        obj=item,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return item


def _renumber(meeting: Meeting, *, order: Sequence[int] | None = None, insert_at: int = 0) -> None:
    """Give the meeting's items positions 1..n in ``order`` (item ids), leaving a gap at
    ``insert_at``. Two passes, so the unique (meeting, position) constraint holds throughout."""
    items = list(meeting.items.order_by("position"))
    if order is not None:
        by_id = {item.pk: item for item in items}
        items = [by_id[pk] for pk in order]
    offset = 10_000
    for item in items:
        item.position += offset
    AgendaItem.objects.bulk_update(items, ["position"])
    position = 1
    for item in items:
        if position == insert_at:
            position += 1
        item.position = position
        position += 1
    AgendaItem.objects.bulk_update(items, ["position"])


@transaction.atomic(durable=True)
def do_move_agenda_item(
    item: AgendaItem, *, to_position: int, acting_user: User | None
) -> AgendaItem:
    """Move an item to ``to_position`` (1 = first), before the meeting starts."""
    meeting = lock_meeting(item.meeting)
    _check_agenda_open(meeting, reorder=True)
    ids = list(meeting.items.order_by("position").values_list("pk", flat=True))
    if not 1 <= to_position <= len(ids):
        raise MeetingError(f"Choose a position from 1 to {len(ids)}.", field="position")
    before = item.position
    ids.remove(item.pk)
    ids.insert(to_position - 1, item.pk)
    _renumber(meeting, order=ids)
    item.refresh_from_db()
    record(
        actor=acting_user,
        verb=AuditVerb.MOVE_AGENDA_ITEM,
        obj=item,
        before={"position": before},
        after={"position": item.position},
    )
    return item


@transaction.atomic(durable=True)
def do_remove_agenda_item(item: AgendaItem, *, acting_user: User | None) -> None:
    """Remove an item before the meeting starts; refused when a vote, motion or election is
    attached to it (move or withdraw that first)."""
    meeting = lock_meeting(item.meeting)
    _check_agenda_open(meeting, reorder=True)
    snapshot_before = item_snapshot(item)
    item_repr = str(item)
    item_id = item.pk
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError as exc:
        names = sorted({obj._meta.verbose_name for obj in exc.protected_objects})
        raise MeetingError(
            f"This item has a {' and a '.join(names)} attached to it: withdraw or move that first.",
            code="state",
        ) from exc
    _renumber(meeting)
    record(
        actor=acting_user,
        verb=AuditVerb.REMOVE_AGENDA_ITEM,
        object_type="meetings.agendaitem",
        object_id=item_id,
        object_repr=item_repr,
        before=snapshot_before,
    )
