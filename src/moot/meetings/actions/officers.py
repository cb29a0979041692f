"""Who chairs a meeting, and a notice sent outside moot: each its own audited action with a
reason (issue 8, findings 4 and 15).

* The chair of a meeting is who the rulebook says: the holder of the unit's ``chair`` post on
  the meeting date, else its ``vice-chair`` (:func:`rulebook_chair`). Another member chairs
  only through :func:`do_change_meeting_chair`, with a reason, audited — and nobody appoints
  themself: before, a secretary could make themself chair on the meeting's edit form and so
  gain the chair's warning and the power to rule on competence.
* A meeting's notice is sent by moot (``do_send_notice`` records the date). A notice that went
  out another way (post, an earlier system) is recorded by :func:`do_record_outside_notice` with
  its date and a reason, audited, and shown on the meeting page; before, any past
  ``notice_sent_on`` typed into the schedule form satisfied the notice rule unseen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.dates import long_date
from moot.meetings import queries
from moot.meetings.actions._common import belongs_to, count_roll, lock_meeting, snapshot
from moot.meetings.actions.scheduling import check_notice_period
from moot.meetings.errors import MeetingError
from moot.meetings.models import Meeting

CHAIR_POSTS = ("chair", "vice-chair")
CHANGE_CHAIR_VERB = "meetings.change_meeting_chair"
OUTSIDE_NOTICE_VERB = "meetings.record_outside_notice"
REASON_LIMIT = 1000


def rulebook_chair(unit: Any, on: datetime.date) -> Any | None:
    """The member who chairs ``unit``'s meetings on ``on``: the holder of its chair post, else
    of its vice-chair post (the first appointed when a post is shared); None when neither is
    held."""
    from moot.units.queries import holdings_on

    holdings = [h for h in holdings_on(unit, on) if h.post.slug in CHAIR_POSTS]
    for slug in CHAIR_POSTS:
        for holding in holdings:
            if holding.post.slug == slug:
                return holding.member
    return None


def _acting_member_id(acting_user: Any) -> int | None:
    from moot.members.models import Member

    if acting_user is None or acting_user.pk is None:
        return None
    return Member.objects.filter(user_id=acting_user.pk).values_list("pk", flat=True).first()


def check_chair(unit: Any, chair: Any, *, on: datetime.date, acting_user: Any) -> Any | None:
    """The chair a new meeting of ``unit`` on ``on`` gets: ``chair`` when given (a member of
    the unit, and not the acting user unless the rulebook makes them chair), else the
    rulebook's chair."""
    expected = rulebook_chair(unit, on)
    if chair is None:
        return expected
    if not belongs_to(chair, unit):
        # No name: the number may be of a member the acting user may not see.
        raise MeetingError(
            f"No member of {unit.name} is numbered {chair.number}; choose a member of the unit "
            "as chair.",
            field="chair",
        )
    is_rulebook_chair = expected is not None and expected.pk == chair.pk
    if not is_rulebook_chair and chair.pk == _acting_member_id(acting_user):
        raise MeetingError(
            "You cannot appoint yourself chair: the chair is the unit's chair (else its "
            "vice-chair); another member may change the meeting's chair, with a reason.",
            field="chair",
            code="forbidden",
        )
    return chair


def may_change_chair(meeting: Meeting, acting_user: Any) -> bool:
    """Whether ``acting_user`` may change who chairs ``meeting``: the member the rulebook makes
    its chair (the unit's chair, else vice-chair, on the meeting date) handing the chair on,
    or staff over the unit (national staff record a chair the meeting elected from the floor
    when neither post holder is there). Not the secretary, nor a member someone else made
    chair: before, a secretary named an ally chair through the API, who then handed the
    chair to the secretary (review finding B)."""
    from moot.accounts.permissions import is_staff_over_unit

    if acting_user is None or not getattr(acting_user, "is_authenticated", False):
        return False
    if acting_user.is_superuser or is_staff_over_unit(acting_user, meeting.unit):
        return True
    expected = rulebook_chair(meeting.unit, timezone.localdate(meeting.starts_at))
    return expected is not None and expected.pk == _acting_member_id(acting_user)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise MeetingError(
            "Give the reason, e.g. 'the chair is ill; the vice-chair is away'.", field="reason"
        )
    if len(reason) > REASON_LIMIT:
        raise MeetingError(
            f"The reason is {len(reason):,} characters long; use at most {REASON_LIMIT:,}.",
            field="reason",
        )
    return reason


@transaction.atomic
def do_change_meeting_chair(
    meeting: Meeting, chair: Any, *, reason: str, acting_user: Any
) -> Meeting:
    """Have ``chair`` (a member of the meeting's unit) chair ``meeting`` instead of whoever
    does now, for ``reason``; audited with the chair before and after. Only the rulebook's
    chair of the meeting or staff over its unit may (:func:`may_change_chair`). Refused when
    the meeting is over, the member is not of the unit, or the acting user names themself
    (unless the rulebook makes them chair)."""
    meeting = lock_meeting(meeting)
    if not may_change_chair(meeting, acting_user):
        raise MeetingError(
            "Only the unit's chair (else its vice-chair) or national staff can change who "
            "chairs a meeting; a chair the meeting elects from the floor is recorded by them.",
            code="forbidden",
        )
    reason = _reason(reason)
    if meeting.state == "closed":
        raise MeetingError("The meeting is over: its chair cannot change.", code="state")
    on = timezone.localdate(meeting.starts_at)
    chair = check_chair(meeting.unit, chair, on=on, acting_user=acting_user)
    if chair is None or chair.pk == meeting.chair_id:
        raise MeetingError(f"{chair} already chairs this meeting.", field="chair", code="conflict")
    before = snapshot(meeting)
    meeting.chair = chair
    meeting.save(update_fields=["chair", "updated_at"])
    expected = rulebook_chair(meeting.unit, on)
    record(
        actor=acting_user,
        verb=CHANGE_CHAIR_VERB,
        obj=meeting,
        before={"chair": before["chair"]},
        after={
            "chair": chair.pk,
            "reason": reason,
            "rulebook_chair": expected.pk if expected is not None else None,
        },
        reason=reason,
    )
    return meeting


@dataclass(frozen=True)
class OutsideNotice:
    """A notice recorded as sent outside moot: when, by whom (a name), why."""

    sent_on: datetime.date
    recorded_by: str
    recorded_at: datetime.datetime
    reason: str


@transaction.atomic
def do_record_outside_notice(
    meeting: Meeting, sent_on: datetime.date, *, reason: str, acting_user: Any
) -> Meeting:
    """Record that the notice of ``meeting`` went out on ``sent_on`` another way than moot
    (post, an earlier system), for ``reason``. The notice periods are checked from that date;
    the record is audited and shown on the meeting page. Refused for a future date, a date
    before the meeting was scheduled in moot (a notice cannot announce a meeting not yet
    called: before, 2020-01-01 satisfied any notice period, review finding I), a meeting that
    has started, or one whose notice moot has already sent or recorded."""
    meeting = lock_meeting(meeting)
    reason = _reason(reason)
    if not meeting.is_scheduled:
        raise MeetingError("Notice is recorded before the meeting starts.", code="state")
    if meeting.notice_sent_on is not None:
        raise MeetingError(
            f"The notice is already recorded as sent on {long_date(meeting.notice_sent_on)}.",
            field="notice_sent_on",
            code="conflict",
        )
    today = timezone.localdate()
    if sent_on > today:
        raise MeetingError(
            "Notice cannot have been sent in the future: give the date it was sent.",
            field="notice_sent_on",
        )
    scheduled_on = timezone.localdate(meeting.created_at)
    if sent_on < scheduled_on:
        raise MeetingError(
            f"The notice cannot have been sent on {long_date(sent_on)}, before the meeting was "
            f"scheduled on {long_date(scheduled_on)}: give a date from {long_date(scheduled_on)} "
            "to today.",
            field="notice_sent_on",
        )
    check_notice_period(
        queries.edition_of(meeting),
        meeting.kind,
        meeting_date=timezone.localdate(meeting.starts_at),
        notice_date=sent_on,
    )
    meeting.notice_sent_on = sent_on
    meeting.save(update_fields=["notice_sent_on", "updated_at"])
    count_roll(meeting, sent_on)
    record(
        actor=acting_user,
        verb=OUTSIDE_NOTICE_VERB,
        obj=meeting,
        after={"notice_sent_on": sent_on, "reason": reason, "outside_moot": True},
        reason=reason,
    )
    return meeting


def outside_notice(meeting: Meeting) -> OutsideNotice | None:
    """The record of a notice sent outside moot, read from its audit event (None when moot
    sent the notice, or none is recorded)."""
    from moot.audit.models import AuditEvent

    if meeting.notice_sent_on is None:
        return None
    event = (
        AuditEvent.objects.filter(
            verb=OUTSIDE_NOTICE_VERB, object_type="meetings.meeting", object_id=str(meeting.pk)
        )
        .order_by("-seq")
        .first()
    )
    if event is None:
        return None
    return OutsideNotice(
        sent_on=meeting.notice_sent_on,
        recorded_by=event.actor_label,
        recorded_at=event.occurred_at,
        reason=event.reason,
    )
