"""What each reader of the audit trail may see of an event: only what they may see elsewhere.

The stored events are never changed (their hashes cover every field): redaction happens when an
event is shown, on the trail page and in an object's history. The rules are the member pages'
own permission predicates (docs/security.md §3, the need-to-know table), asked of the member an
event is about:

* e-mail address, phone, postal address, postcode and date of birth:
  ``members.view_member_contact``;
* the self-described gender: ``members.view_member_sensitive``;
* the reason and reference of a change of standing to or from a status whose reason the member
  pages keep back (a suspension's "Complaint 17: …"): ``members.view_standing_reason``; the
  standing and its date stay visible. Which statuses those are is the members app's rule,
  registered with ``register_standing_rule`` when it loads (until then, and for an event whose
  statuses cannot be read, every such reason is hidden);
* the e-mail address in the label of who acted, when that person is a member: their
  ``members.view_member_contact``.

The member an event is about is its object, or the member its object belongs to (an invitation,
a status period: their ``member``), or the member its change names (``"member": id``). An event
about no member (a staff account's work address, say) holds no member's personal data and is
shown as stored; one about a member who can no longer be found is shown with every such detail
hidden.

Permissions are asked by name and the member read by its model label, as the events themselves
name objects: the audit app sits below the members app and imports nothing of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings

from moot.audit.models import AuditEvent

HIDDEN = "(hidden)"
CONTACT_PERMISSION = "members.view_member_contact"
SENSITIVE_PERMISSION = "members.view_member_sensitive"
STANDING_REASON_PERMISSION = "members.view_standing_reason"

CONTACT_KEYS = frozenset({"email", "emails", "phone", "address", "postcode", "date_of_birth"})
SENSITIVE_KEYS = frozenset({"gender"})
# Events whose reason and reference explain a member's standing (e.g. a suspension).
STANDING_VERBS = frozenset({"members.change_member_status", "members.change_status"})
STANDING_KEYS = frozenset({"reason", "reference"})
_EMAIL = re.compile(r"[^\s<>@()\"',;:]+@[^\s<>@()\"',;:]+\.[^\s<>@()\"',;:]+")
_MEMBER_LABEL = "members.member"
_UNKNOWN = -1  # an event about a member whose id cannot be read: hide every detail


def _every_status_restricted(status: str) -> bool:
    return True


_standing_rule: list[Callable[[str], bool]] = [_every_status_restricted]

# Rules naming the events to withhold whole (confidential business: a motion ruled not competent
# as an individual disciplinary case), registered by the apps that keep such records.
_withheld_rules: list[Callable[[list[AuditEvent]], set[int]]] = []
WITHHELD = "(withheld: confidential business)"


def register_withheld_rule(rule: Callable[[list[AuditEvent]], set[int]]) -> None:
    """``rule(events)`` returns the ids of the events whose object, change and reason are shown
    to nobody on the trail (only the verb, time, actor and clause stay); the motions app
    registers its confidential business, without the audit app importing it."""
    if rule not in _withheld_rules:
        _withheld_rules.append(rule)


# Rules of what one reader is shown at all, registered by the apps that keep such records (the
# cases app: its events only to complaints staff and the auditor). ``rule(events, user)`` returns
# the ids of the events not listed for ``user`` and, by id, the events shown only as a change
# recorded by a process (the label names it): no actor, reason or reference.
_reader_rules: list[Callable[[list[AuditEvent], Any], tuple[set[int], dict[int, str]]]] = []


def register_reader_rule(
    rule: Callable[[list[AuditEvent], Any], tuple[set[int], dict[int, str]]],
) -> None:
    if rule not in _reader_rules:
        _reader_rules.append(rule)


def _by_process(event: ShownEvent, label: str) -> ShownEvent:
    def strip(side: Any) -> Any:
        if not isinstance(side, dict):
            return side
        return {
            k: HIDDEN if k in STANDING_KEYS and v not in (None, "") else v
            for k, v in side.items()
            if k != "replaced"
        }

    return replace(
        event,
        actor_id=None,
        actor_label=label,
        before=strip(event.before),
        after=strip(event.after),
        reason=HIDDEN if event.reason else "",
        redacted=True,
    )


def register_standing_rule(rule: Callable[[str], bool]) -> None:
    """Say which statuses keep their reason back (``rule(status)`` is True for those); the
    members app registers ``members.disclosure.reason_is_restricted`` so that the trail hides
    what the member pages hide, no more (an arrears note stays readable to who sees the
    record), without the audit app importing it."""
    _standing_rule[0] = rule


def _reason_restricted(event: AuditEvent) -> bool:
    sides = [side for side in (event.before, event.after) if isinstance(side, dict)]
    statuses = [side.get("status") for side in sides]
    readable = [status for status in statuses if isinstance(status, str)]
    if not statuses or len(readable) < len(statuses):
        return True
    return any(_standing_rule[0](status) for status in readable)


@dataclass(frozen=True)
class ShownEvent:
    """An event as one reader may see it (same attribute names as AuditEvent, for templates)."""

    pk: int
    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    verb: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    clause: str
    reason: str
    hash: str
    redacted: bool


@dataclass(frozen=True)
class _Sight:
    contact: bool
    sensitive: bool
    standing_reason: bool


def shown_to(events: Iterable[AuditEvent], user: Any) -> list[ShownEvent]:
    """``events`` as ``user`` may see them, in the same order."""
    events = list(events)
    member_model = apps.get_model("members", "Member")
    owners = _owners_of_objects(events)
    subject_ids = {event.pk: _subject_member_id(event, owners) for event in events}
    wanted = {i for i in subject_ids.values() if i is not None}
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    members = member_model.objects.filter(pk__in=wanted).select_related("branch", "constituency")
    by_id = {m.pk: m for m in members}
    actors = {
        m.user_id: m
        for m in member_model.objects.filter(user_id__in=actor_ids).select_related(
            "branch", "constituency"
        )
    }
    sights: dict[int | None, _Sight] = {}
    withheld: set[int] = set()
    for rule in _withheld_rules:
        withheld |= rule(events)
    unlisted: set[int] = set()
    by_process: dict[int, str] = {}
    for reader_rule in _reader_rules:
        dropped, relabelled = reader_rule(events, user)
        unlisted |= dropped
        by_process.update(relabelled)
    shown = []
    for event in events:
        if event.pk in unlisted:
            continue
        if event.pk in withheld:
            shown.append(_withhold(event))
            continue
        subject_id = subject_ids[event.pk]
        if subject_id not in sights:
            sights[subject_id] = _sight(user, subject_id, by_id)
        actor = actors.get(event.actor_id)
        actor_contact = (
            bool(user.has_perm(CONTACT_PERMISSION, actor)) if actor is not None else True
        )
        seen = _redact(event, sights[subject_id], actor_contact)
        if event.pk in by_process:
            seen = _by_process(seen, by_process[event.pk])
        shown.append(seen)
    return shown


def _owners_of_objects(events: list[AuditEvent]) -> dict[tuple[str, str], int]:
    """For events about an object that belongs to a member (``member_id``) or is a member's
    account: that member's id, one query per kind of object."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        object_id = _as_id(event.object_id)
        if event.object_type != _MEMBER_LABEL and object_id is not None:
            wanted.setdefault(event.object_type, set()).add(object_id)
    member_model = apps.get_model("members", "Member")
    owners: dict[tuple[str, str], int] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if label == settings.AUTH_USER_MODEL.lower():
            rows = member_model.objects.filter(user_id__in=ids).values_list("user_id", "pk")
        elif any(field.name == "member" for field in model._meta.concrete_fields):
            rows = model.objects.filter(pk__in=ids).values_list("pk", "member_id")
        else:
            continue
        owners.update({(label, str(pk)): member_id for pk, member_id in rows if member_id})
    return owners


def _subject_member_id(event: AuditEvent, owners: dict[tuple[str, str], int]) -> int | None:
    """The member an event is about: its object, the member its object belongs to, or the
    member its change names; None when it is about no member."""
    if event.object_type == _MEMBER_LABEL:
        return _as_id(event.object_id) or _UNKNOWN
    owner = owners.get((event.object_type, event.object_id))
    if owner is not None:
        return owner
    for side in (event.after, event.before):
        if isinstance(side, dict) and "member" in side and side["member"] is not None:
            return _as_id(side["member"]) or _UNKNOWN
    return None


def _as_id(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _sight(user: Any, member_id: int | None, members: dict[int, Any]) -> _Sight:
    if member_id is None:
        return _Sight(contact=True, sensitive=True, standing_reason=True)
    member = members.get(member_id)
    if member is None:
        return _Sight(contact=False, sensitive=False, standing_reason=False)
    return _Sight(
        contact=bool(user.has_perm(CONTACT_PERMISSION, member)),
        sensitive=bool(user.has_perm(SENSITIVE_PERMISSION, member)),
        standing_reason=bool(user.has_perm(STANDING_REASON_PERMISSION, member)),
    )


def _redact(event: AuditEvent, sight: _Sight, actor_contact: bool) -> ShownEvent:
    hidden: set[str] = set()
    if not sight.contact:
        hidden |= CONTACT_KEYS
    if not sight.sensitive:
        hidden |= SENSITIVE_KEYS
    standing = event.verb in STANDING_VERBS and _reason_restricted(event)
    if standing and not sight.standing_reason:
        hidden |= STANDING_KEYS
    changed = False

    def clean(value: Any, key: str = "") -> Any:
        """``value`` with hidden keys replaced and e-mail addresses scrubbed, at any depth."""
        nonlocal changed
        if key in hidden and value not in (None, ""):
            changed = True
            return HIDDEN
        if isinstance(value, dict):
            return {k: clean(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v, key) for v in value]
        if isinstance(value, str) and not sight.contact and _EMAIL.search(value):
            changed = True
            return _EMAIL.sub(HIDDEN, value)
        return value

    before, after = clean(event.before), clean(event.after)
    reason = event.reason
    if standing and reason and not sight.standing_reason:
        reason, changed = HIDDEN, True
    elif not sight.contact and _EMAIL.search(reason):
        reason, changed = _EMAIL.sub(HIDDEN, reason), True
    object_repr = event.object_repr
    if not sight.contact and _EMAIL.search(object_repr):
        object_repr, changed = _EMAIL.sub(HIDDEN, object_repr), True
    actor_label = event.actor_label
    if not actor_contact and _EMAIL.search(actor_label):
        actor_label, changed = _actor_without_email(actor_label, event.actor_id), True
    return ShownEvent(
        pk=event.pk,
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=actor_label,
        verb=event.verb,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        clause=event.clause,
        reason=reason,
        hash=event.hash,
        redacted=changed,
    )


def _withhold(event: AuditEvent) -> ShownEvent:
    return ShownEvent(
        pk=event.pk,
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        verb=event.verb,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=WITHHELD,
        before=WITHHELD if event.before else event.before,
        after=WITHHELD if event.after else event.after,
        clause=event.clause,
        reason=WITHHELD if event.reason else "",
        hash=event.hash,
        redacted=True,
    )


def _actor_without_email(label: str, actor_id: int | None) -> str:
    name = _EMAIL.sub("", label).replace("<>", "").strip()
    return name or f"account {actor_id}"
