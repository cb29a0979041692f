"""What the policies actions share: the rulebook's checks on a change to the register (the one
place they are written, used when a motion is tabled, when it is carried, and for a national
decision), and the one function that appends a version."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from moot.dates import long_date
from moot.errors import RefusalCode
from moot.motions.lines import Edit, LinesError, apply_edits
from moot.policies import queries
from moot.policies.errors import PolicyError
from moot.policies.models import Extent, Policy, PolicyVersion, VersionAction
from moot.text import check_text

if TYPE_CHECKING:
    from moot.accounts.models import User

EDIT_ACTIONS = ("replace", "insert", "delete")


@dataclass(frozen=True)
class Change:
    """A change to the register, checked: what the new version will say and rest on."""

    action: str
    policy: Policy | None  # None: a new policy
    kind: str
    title: str
    source: str
    source_policy: Policy | None
    extent: str
    text: str  # the full text of the new version ("" when rescinding)
    base_version: PolicyVersion | None
    clause: str
    summary: str


def lock_policy(policy: Policy) -> Policy:
    return Policy.objects.select_for_update(of=("self",)).select_related("unit").get(pk=policy.pk)


def parse_edits(raw: Any) -> list[Edit]:
    """Line-numbered edits (as motion amendments are: replace, insert after, delete) from a list
    of {"action", "line_from", "line_to", "text"}; refused with the edit's number when
    malformed."""
    if not isinstance(raw, list) or not raw:
        raise PolicyError(
            "List the changes to the policy's text: at least one replace, insert or delete of "
            "its numbered lines.",
            field="edits",
        )
    edits = []
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise PolicyError(f"Change {n} is not a change of lines.", field="edits")
        action = str(item.get("action", ""))
        if action not in EDIT_ACTIONS:
            raise PolicyError(
                f"Change {n}: say replace, insert or delete (got {action!r}).", field="edits"
            )
        try:
            line_from = int(item.get("line_from", -1))
            line_to = None if item.get("line_to") in (None, "") else int(item["line_to"])
        except (TypeError, ValueError):
            raise PolicyError(
                f"Change {n}: line numbers are whole numbers.", field="edits"
            ) from None
        text = str(item.get("text", "") or "")
        check_text(text, field="edits", single_line=False, max_length=20_000)
        edits.append(Edit(f"change {n}", action, line_from, line_to, text.strip()))
    return edits


def edits_json(edits: list[Edit]) -> list[dict[str, Any]]:
    return [
        {"action": e.action, "line_from": e.line_from, "line_to": e.line_to, "text": e.text}
        for e in edits
    ]


def _latest_or_conflict(policy: Policy, base_version: PolicyVersion | None) -> PolicyVersion:
    latest = queries.latest_version(policy)
    if latest is None:
        raise PolicyError(
            f"{policy.title} has no version yet.", code=RefusalCode.STATE, field="policy"
        )
    if base_version is not None and base_version.pk != latest.pk:
        raise PolicyError(
            f"{policy.title} has changed since this change was proposed: it was proposed to "
            f"version {base_version.number}, and version {latest.number} "
            f"({latest.how} by {latest.decision_label}) is now the latest. "
            "Propose the change again to the latest version.",
            code=RefusalCode.CONFLICT,
            field="base_version",
        )
    return latest


def check_after_latest(policy: Policy, latest: PolicyVersion | None, on: datetime.date) -> None:
    """A new version comes into force after the latest one's first day, on every path (adopt
    again, amend, rescind; national decision or motion): one dated before it would change what
    was in force on past dates (the register's answers "as at" would rewrite history), one on
    the same day would leave the latest version never in force."""
    if latest is None or on > latest.in_force_from:
        return
    start = long_date(latest.in_force_from)
    if on == latest.in_force_from:
        why = (
            f"a new version from the same day would mean version {latest.number} was never in force"
        )
    else:
        why = (
            f"a version in force from {long_date(on)} would change what the register says was "
            "in force on days already past"
        )
    raise PolicyError(
        f"Version {latest.number} of {policy.title} is in force from {start}; {why}. A new "
        f"version must come into force after {start}: record it in force from a later day (a "
        "motion: carried at a later meeting).",
        code=RefusalCode.INVALID,
        field="in_force_from",
    )


def check_change(
    unit: Any,
    *,
    action: str,
    policy: Policy | None,
    on: datetime.date,
    kind: str = "",
    title: str = "",
    source: str = "",
    source_policy: Policy | None = None,
    extent: str = "",
    text: str = "",
    edits: list[Edit] | None = None,
    base_version: PolicyVersion | None = None,
) -> Change:
    """Check a change ``unit`` would make to its register on ``on`` by the rulebook in force
    that day (``[policies]``, clause 1.9 in the preset), and return it with the new text.

    * Only a unit's own policies: no unit amends or rescinds another's, nor a national one
      (``amend_clause``).
    * The kind must be one the rulebook keeps; adopting a national policy, or an outside
      document, "in part" only where the kind allows it (``adopt``).
    * An amendment or rescission refers to the version it changes (``base_version``): when the
      policy has changed since, it is refused as a conflict (409), never applied to a text it
      was not written for."""
    rules = queries.edition_on(on).policies
    if not rules.kinds:
        raise PolicyError(
            "The rulebook in force keeps no policy documents: it has no [policies] chapter.",
            code=RefusalCode.RULE,
        )
    if action not in VersionAction.values:
        raise PolicyError(f"Say adopt, amend or rescind (got {action!r}).", field="action")
    if policy is not None and policy.unit_id != unit.pk:
        raise PolicyError(
            f"{unit.name} may not {action} {policy.title}, a policy of {policy.unit.name}: "
            f"{rules.amend_text or 'a unit changes only its own policies.'}",
            clause=rules.amend_clause,
            field="policy",
        )
    if action == VersionAction.ADOPT:
        return _check_adopt(
            unit, rules, on, policy, kind, title, source, source_policy, extent, text
        )
    if policy is None:
        raise PolicyError(f"Choose the policy to {action}.", field="policy")
    latest = _latest_or_conflict(policy, base_version)
    if latest.action == VersionAction.RESCIND:
        raise PolicyError(
            f"{policy.title} was rescinded from {long_date(latest.in_force_from)}; propose to "
            "adopt it again instead.",
            code=RefusalCode.STATE,
            field="policy",
        )
    check_after_latest(policy, latest, on)
    rule = rules.kind(policy.kind)
    clause = rule.clause if rule is not None else rules.clause
    if action == VersionAction.RESCIND:
        return Change(
            action,
            policy,
            policy.kind,
            policy.title,
            policy.source,
            policy.source_policy,
            "",
            "",
            latest,
            clause,
            "rescinded",
        )
    edits = edits or []
    if not edits:
        raise PolicyError(
            "List the changes to the policy's numbered lines (replace, insert or delete).",
            field="edits",
        )
    try:
        new_text = apply_edits(latest.text, edits)
    except LinesError as exc:
        message = str(exc).replace("the motion", f"version {latest.number} of the policy")
        raise PolicyError(message, field="edits") from None
    if new_text == latest.text:
        raise PolicyError("These changes leave the text as it is.", field="edits")
    summary = "; ".join(_edit_summary(e) for e in edits)
    extent = latest.extent
    if extent == Extent.FULL:
        # amended: no longer the whole document adopted, which the kind may not allow
        if rule is not None and Extent.PART not in rule.adopt:
            adopted = policy.source_policy.title if policy.source_policy else policy.source
            raise PolicyError(
                f"{policy.title} adopts {adopted} in full, and a {rule.title} may be adopted "
                f"in full only: {rule.text} Amending its text would adopt it in part. Rescind "
                "it and adopt a text of the unit's own, or adopt the document again in full.",
                clause=rule.clause,
                field="edits",
            )
        extent = Extent.PART
    return Change(
        action,
        policy,
        policy.kind,
        policy.title,
        policy.source,
        policy.source_policy,
        extent,
        new_text,
        latest,
        clause,
        summary[:300],
    )


def _edit_summary(edit: Edit) -> str:
    last = edit.line_to or edit.line_from
    lines = f"line {edit.line_from}" if last == edit.line_from else f"lines {edit.line_from}–{last}"
    if edit.action == "insert":
        return f"inserted after line {edit.line_from}" if edit.line_from else "inserted at start"
    return f"{lines} {'replaced' if edit.action == 'replace' else 'deleted'}"


def _check_adopt(  # noqa: PLR0917 -- the fields of one adoption, passed on from check_change
    unit: Any,
    rules: Any,
    on: datetime.date,
    policy: Policy | None,
    kind: str,
    title: str,
    source: str,
    source_policy: Policy | None,
    extent: str,
    text: str,
) -> Change:
    if policy is not None:  # adopting again a policy the unit rescinded
        latest = queries.latest_version(policy)
        if latest is not None and latest.action != VersionAction.RESCIND:
            raise PolicyError(
                f"{policy.title} is already adopted (version {latest.number}); propose to "
                "amend it instead.",
                code=RefusalCode.CONFLICT,
                field="policy",
            )
        check_after_latest(policy, latest, on)
        kind, title, source, source_policy = (
            policy.kind,
            policy.title,
            policy.source,
            policy.source_policy,
        )
        base = latest
    else:
        base = None
        title = " ".join(check_text(title, field="title", max_length=200).split())
        if not title:
            raise PolicyError("Give the policy a title.", field="title")
        if Policy.objects.filter(unit=unit, title=title).exists():
            raise PolicyError(
                f"{unit.name} already has a policy called {title!r}: amend it, or choose "
                "another title.",
                code=RefusalCode.CONFLICT,
                field="title",
            )
    rule = rules.kind(kind)
    if rule is None:
        known = ", ".join(k.slug for k in rules.kinds)
        raise PolicyError(
            f"{kind!r} is not a kind of policy the rulebook keeps ({known}).",
            clause=rules.clause,
            field="kind",
        )
    source = " ".join(check_text(source, field="source", max_length=300).split())
    if source_policy is not None:
        if source_policy.unit.kind != "national" or source_policy.kind != kind:
            raise PolicyError(
                f"A unit adopts a national policy of the same kind; {source_policy.title} is "
                f"a {source_policy.kind.replace('_', ' ')} of {source_policy.unit.name}.",
                field="source_policy",
            )
        national = queries.standing_on(source_policy, on)
        if not national.in_force or national.version is None:
            raise PolicyError(
                f"{source_policy.title} is not in force on {long_date(on)}.",
                code=RefusalCode.STATE,
                field="source_policy",
            )
        if extent == Extent.FULL:
            # adopted in full: the national policy's text as in force that day, nothing else
            national_text = national.version.text.strip()
            if text.strip() and text.strip() != national_text:
                raise PolicyError(
                    f"Adopting {source_policy.title} in full takes its text as in force on "
                    f"{long_date(on)} (version {national.version.number}): leave the text "
                    "empty, or adopt it in part with a text of the unit's own.",
                    field="text",
                )
            text = national_text
    if (source_policy is not None or source) and extent not in rule.adopt:
        allowed = " or ".join(f"in {e}" for e in rule.adopt)
        raise PolicyError(
            f"A {rule.title} may be adopted {allowed} only (say which): {rule.text}",
            clause=rule.clause,
            field="extent",
        )
    if source_policy is None and not source:
        if extent:
            raise PolicyError(
                f"Name the document adopted {Extent(extent).label} (the national policy or the "
                "outside document), or leave “adopted” empty for the unit's own text.",
                field="source",
            )
        extent = Extent.OWN
    text = check_text(text, field="text", single_line=False, max_length=200_000)
    if not text.strip():
        raise PolicyError("Write the text of the policy as adopted.", field="text")
    summary = f"adopted {Extent(extent).label}" if extent else "adopted"
    return Change(
        VersionAction.ADOPT,
        policy,
        kind,
        title,
        source,
        source_policy,
        extent,
        text.strip(),
        base,
        rule.clause,
        summary,
    )


def append_version(
    unit: Any,
    change: Change,
    *,
    in_force_from: datetime.date,
    decided_by: str,
    decision_body: str,
    decision_date: datetime.date,
    decision_ref: str = "",
    decision_text: str = "",
    motion: Any = None,
    acting_user: User | None,
) -> PolicyVersion:
    """The one place a version is written (inside the caller's transaction): the policy is
    created for a new adoption, the versions are numbered under the policy's row lock, and the
    caller's audit event (:func:`version_event`) holds the text's SHA-256, so a version changed
    later in the database is found by comparing it with the chain (``moot audit verify`` proves
    the chain whole)."""
    policy = change.policy
    if policy is None:
        try:
            with transaction.atomic():  # a savepoint: the unique title may be taken meanwhile
                policy = Policy.objects.create(
                    unit=unit,
                    kind=change.kind,
                    title=change.title,
                    source=change.source,
                    source_policy=change.source_policy,
                )
        except IntegrityError:
            raise PolicyError(
                f"{unit.name} adopted a policy called {change.title!r} meanwhile: amend it, or "
                "choose another title.",
                code=RefusalCode.CONFLICT,
                field="title",
            ) from None
    else:
        policy = lock_policy(policy)
        latest = queries.latest_version(policy)
        if (latest.pk if latest else None) != (
            change.base_version.pk if change.base_version else None
        ):
            raise PolicyError(
                f"{policy.title} changed while this was being recorded; try again.",
                code=RefusalCode.CONFLICT,
            )
    # The base is the latest version (checked under the lock above); a new policy starts at 1.
    number = (change.base_version.number if change.base_version else 0) + 1
    return PolicyVersion.objects.create(
        policy=policy,
        number=number,
        action=change.action,
        extent=change.extent,
        text=change.text,
        in_force_from=in_force_from,
        decided_by=decided_by,
        motion=motion,
        decision_body=decision_body[:200],
        decision_date=decision_date,
        decision_ref=decision_ref[:200],
        decision_text=decision_text,
        clause=change.clause,
        summary=change.summary,
        created_by=acting_user,
    )


def version_event(change: Change, version: PolicyVersion) -> dict[str, Any]:
    """The audit event's fields for a new version (``record(verb=..., obj=version, **these)``)."""
    policy = version.policy
    return {
        "before": {"version": change.base_version.number} if change.base_version else None,
        "after": {
            "policy": policy.pk,
            "unit": policy.unit_id,
            "title": policy.title,
            "version": version.number,
            "action": change.action,
            "extent": change.extent,
            "in_force_from": version.in_force_from,
            "decision": version.decision_label,
            "motion": version.motion_id,
            "text_sha256": hashlib.sha256(change.text.encode()).hexdigest(),
        },
        "clause": change.clause,
        "reason": change.summary,
    }


__all__ = ["Change", "append_version", "check_change", "edits_json", "parse_edits", "version_event"]
