"""Calling a ballot and editing its definition while it is a draft (issue 11 items 0 and 1).

Any unit whose members the rulebook lets someone ballot (``[ballots.callers]``): the national
executive's election of its constituency section, a constituency putting an officer post or a
question to all its members. The caller starts from one of the rulebook's presets and may
change any value while the ballot is a draft; every saved state is a ``BallotVersion``. After
the freeze any change is refused with the clause that froze it.

The timetable must run in order: nominations open < nominations close ≤ freeze ≤ issue <
each reminder < close, with the freeze at least ``[ballots.freeze] min_days_before_issue``
days before the issue. Every refusal says what and why, names the field and the clause, and
writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.definition import definition_of, parse_utc, sha256_of, utc_text
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, BallotState, BallotVersion
from moot.dates import long_date
from moot.rulebook.ballots import (
    AFFILIATE,
    BALLOT_KINDS,
    CANDIDATE_ORDERS,
    CHANNELS,
    PRECEDENCES,
    TIE_BREAKS,
    BallotPreset,
)
from moot.text import text_problem

if TYPE_CHECKING:
    from moot.accounts.models import User


@dataclasses.dataclass(frozen=True)
class BallotSpec:
    """Every value of a ballot's definition a caller chooses (the candidates come from the
    nominations; the seed is drawn at the freeze)."""

    title: str
    kind: str
    position: str = ""
    question: str = ""
    seats: int = 1
    min_women: int = 0
    method: str = "irv"
    tie_break: str = "backwards"
    precedence: str = "first_received"
    channels: tuple[str, ...] = ("online", "post")
    candidate_order: str = "alphabetical"
    nomination_threshold: int = 0
    nominating_kinds: tuple[str, ...] = ()
    show_endorsements: bool = True
    nominations_open: datetime.date | None = None
    nominations_close: datetime.date | None = None
    freeze_date: datetime.date | None = None
    issue_at: datetime.datetime | None = None
    reminders: tuple[datetime.datetime, ...] = ()
    close_at: datetime.datetime | None = None
    clause: str = ""


SPEC_FIELDS = tuple(f.name for f in dataclasses.fields(BallotSpec))


def edition() -> Any:
    from moot.units.queries import edition_in_force

    return edition_in_force()


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def spec_from_preset(
    preset: BallotPreset, *, title: str = "", start: datetime.date | None = None
) -> BallotSpec:
    """A ballot as the rulebook's ``preset`` has it, with a timetable from ``start`` (today):
    nominations for four weeks from tomorrow (an election), the freeze when they close (a
    question: a week from tomorrow), the issue the preset's days after the freeze at 09:00, the
    close its voting days later at noon, reminders as ``[ballots.reminders]`` says."""
    from moot.rulebook.ballots import reminder_times

    start = start or timezone.localdate()
    opens = closes = None
    if preset.kind == "election":
        opens = start + datetime.timedelta(days=1)
        closes = opens + datetime.timedelta(days=28)
        freeze = closes
    else:
        freeze = start + datetime.timedelta(days=8)
    issue_at = _at(freeze + datetime.timedelta(days=preset.freeze_days_before_issue), 9)
    close_at = _at(issue_at.date() + datetime.timedelta(days=preset.voting_days), 12)
    reminders = tuple(t for t in reminder_times(edition().ballots, close_at) if t > issue_at)
    return BallotSpec(
        title=title or preset.title,
        kind=preset.kind,
        position=preset.position,
        seats=preset.seats,
        min_women=preset.min_women,
        method=preset.method,
        tie_break=preset.tie_break,
        precedence=preset.precedence,
        channels=preset.channels,
        candidate_order=preset.candidate_order,
        nomination_threshold=preset.nomination_threshold,
        nominating_kinds=preset.nominating_kinds,
        show_endorsements=preset.show_endorsements,
        nominations_open=opens,
        nominations_close=closes,
        freeze_date=freeze,
        issue_at=issue_at,
        reminders=reminders,
        close_at=close_at,
        clause=preset.clause,
    )


def spec_of(ballot: Ballot) -> BallotSpec:
    """The ballot's current values as a spec (to edit some of them)."""
    values = {name: getattr(ballot, name) for name in SPEC_FIELDS}
    values["channels"] = tuple(ballot.channels)
    values["nominating_kinds"] = tuple(ballot.nominating_kinds)
    values["reminders"] = tuple(parse_utc(r) for r in ballot.reminders)
    return BallotSpec(**values)


# -- checks ----------------------------------------------------------------------------------


def _refuse(message: str, field: str, clause: str = "") -> BallotError:
    return BallotError(
        message,
        field=field,
        clause=clause,
        code=RefusalCode.RULE if clause else RefusalCode.INVALID,
    )


def check_may_call(unit: Any, user: Any) -> None:
    """The rulebook must let ``user`` call a ballot of ``unit``'s members."""
    from moot.ballots.permissions import may_call

    verdict = may_call(user, unit)
    if not verdict.allowed:
        raise BallotError(
            f"You may not call a ballot of the members of {unit.name}: {verdict.text}.",
            clause=verdict.clause,
            code=RefusalCode.FORBIDDEN,
        )


def _check_text(spec: BallotSpec) -> None:
    for name, limit, single in (
        ("title", 200, True),
        ("position", 200, True),
        ("question", 4000, False),
    ):
        problem = text_problem(getattr(spec, name), single_line=single, max_length=limit)
        if problem:
            raise _refuse(f"{name.capitalize()}: {problem}.", name)
    if not spec.title.strip():
        raise _refuse("Give the ballot a title.", "title")


def _check_choices(spec: BallotSpec, unit_kinds: tuple[str, ...]) -> None:
    for name, allowed in (
        ("kind", BALLOT_KINDS),
        ("tie_break", TIE_BREAKS),
        ("precedence", PRECEDENCES),
        ("candidate_order", CANDIDATE_ORDERS),
    ):
        if getattr(spec, name) not in allowed:
            raise _refuse(
                f"{name.replace('_', ' ').capitalize()}: {getattr(spec, name)!r} is not one of "
                f"{', '.join(allowed)}.",
                name,
            )
    if not spec.channels or any(c not in CHANNELS for c in spec.channels):
        raise _refuse("Channels: offer online, post or both.", "channels")
    if len(set(spec.channels)) != len(spec.channels):
        raise _refuse("Channels: list each channel once.", "channels")
    wrong = [k for k in spec.nominating_kinds if k not in (*unit_kinds, AFFILIATE)]
    if wrong:
        raise _refuse(
            f"Nominating kinds: {wrong[0]!r} is not a kind of unit nor 'affiliate'.",
            "nominating_kinds",
        )


def _check_method(spec: BallotSpec) -> None:
    from moot.counting.registry import methods

    table = methods()
    method = table.get(spec.method)
    if method is None:
        raise _refuse(
            f"Method: {spec.method!r} is not a counting method; choose one of "
            f"{', '.join(sorted(table))}.",
            "method",
        )
    if spec.kind == "question":
        if spec.method != "yes-no":
            raise _refuse("A question is decided yes or no: use the method 'yes-no'.", "method")
        if not spec.question.strip():
            raise _refuse("Write the question put to the members.", "question")
        if spec.seats != 1 or spec.min_women or spec.nomination_threshold:
            raise _refuse(
                "A question has no seats, women's minimum or nominations: leave them at 1, 0, 0.",
                "seats",
            )
        return
    if spec.method == "yes-no":
        raise _refuse("An election is not decided yes or no: choose an election method.", "method")
    if not spec.position.strip():
        raise _refuse("Name the position elected.", "position")
    if spec.seats < 1:
        raise _refuse("Seats: at least one.", "seats")
    if spec.seats > 1 and not method.multi_seat:
        raise _refuse(
            f"Method: {spec.method} elects one; for {spec.seats} seats choose e.g. scottish-stv.",
            "method",
        )
    if spec.min_women > spec.seats:
        raise _refuse(
            f"At least {spec.min_women} women cannot be elected to {spec.seats} seats.",
            "min_women",
        )


def _check_timetable(spec: BallotSpec, rules: Any, *, now: datetime.datetime) -> None:
    """nominations open < close ≤ freeze ≤ issue < reminders < close; the freeze long enough
    before the issue; everything still to come."""
    if spec.freeze_date is None:
        raise _refuse("Set the day the roll and the definition freeze.", "freeze_date")
    if spec.issue_at is None:
        raise _refuse("Set when the ballot is issued.", "issue_at")
    if spec.close_at is None:
        raise _refuse("Set when the ballot closes.", "close_at")
    if spec.kind == "election" and (
        spec.nominations_open is None or spec.nominations_close is None
    ):
        field = "nominations_open" if spec.nominations_open is None else "nominations_close"
        raise _refuse(
            "An election needs a nominations window: set when it opens and closes.", field
        )
    issue_day = timezone.localdate(spec.issue_at)
    if spec.nominations_open and spec.nominations_close:
        if spec.nominations_open >= spec.nominations_close:
            raise _refuse("Nominations must open before they close.", "nominations_close")
        if spec.nominations_close > spec.freeze_date:
            raise _refuse(
                f"Nominations close on {long_date(spec.nominations_close)}, after the freeze on "
                f"{long_date(spec.freeze_date)}: the candidates are fixed at the freeze.",
                "freeze_date",
            )
    if spec.freeze_date > issue_day:
        raise _refuse(
            f"The freeze ({long_date(spec.freeze_date)}) must come before the issue "
            f"({long_date(issue_day)}).",
            "freeze_date",
        )
    gap = (issue_day - spec.freeze_date).days
    if gap < rules.min_freeze_days:
        raise _refuse(
            f"The roll is frozen {gap} days before the issue; the rulebook wants at least "
            f"{rules.min_freeze_days}.",
            "freeze_date",
            rules.freeze_clause,
        )
    if spec.close_at <= spec.issue_at:
        raise _refuse("The ballot must close after it is issued.", "close_at")
    for moment in spec.reminders:
        if not spec.issue_at < moment < spec.close_at:
            raise _refuse(
                f"A reminder at {utc_text(moment)} is not between the issue and the close.",
                "reminders",
            )
    if spec.freeze_date < timezone.localdate(now):
        raise _refuse(
            f"The freeze ({long_date(spec.freeze_date)}) has passed: choose a date to come.",
            "freeze_date",
        )


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(value) or "nobody"
    return str(value)


def check_preset(spec: BallotSpec, unit: Any, rules: Any) -> None:
    """The values the rulebook's preset fixes (``[ballots.presets.*]``: everything in
    ``LOCKABLE`` not listed in its ``editable``) are the preset's: a caller may not lower the
    seats, the women's minimum or the nominations needed, nor change who nominates, whether
    endorsements are shown, or the family of counting method."""
    from moot.rulebook.ballots import method_family

    preset = rules.preset_of(unit.kind, spec.clause)
    if preset is None:
        return
    for name in preset.locked():
        wanted, given = getattr(preset, name), getattr(spec, name)
        if name == "method":
            if method_family(given) == method_family(wanted):
                continue
        elif name == "nominating_kinds":
            if tuple(sorted(given)) == tuple(sorted(wanted)):
                continue
        elif given == wanted:
            continue
        label = name.replace("_", " ").capitalize()
        raise _refuse(
            f"{label}: the rulebook fixes it at {_show(wanted)} for {preset.title.lower()} "
            f"(clause {preset.clause}); {_show(given)} is not allowed.",
            name,
            preset.clause,
        )


def check_spec(spec: BallotSpec, unit: Any, *, now: datetime.datetime | None = None) -> None:
    """Every check a definition must pass, in the order a person fills the form in."""
    current = edition()
    _check_text(spec)
    _check_choices(spec, current.unit_kinds)
    _check_method(spec)
    check_preset(spec, unit, current.ballots)
    _check_timetable(spec, current.ballots, now=now or timezone.now())


# -- writes ----------------------------------------------------------------------------------


def _apply(ballot: Ballot, spec: BallotSpec) -> None:
    for name in SPEC_FIELDS:
        setattr(ballot, name, getattr(spec, name))
    ballot.channels = list(spec.channels)
    ballot.nominating_kinds = list(spec.nominating_kinds)
    ballot.reminders = [utc_text(r) for r in sorted(spec.reminders)]


def save_version(ballot: Ballot, acting_user: Any) -> BallotVersion:
    """Save the ballot's definition as it stands as its current version (inside the caller's
    transaction: the create and edit actions, and the freeze)."""
    definition = definition_of(ballot)
    return BallotVersion.objects.create(
        ballot=ballot,
        version=ballot.version,
        definition=definition,
        sha256=sha256_of(definition),
        created_by=acting_user,
    )


@transaction.atomic(durable=True)
def do_create_ballot(unit: Any, spec: BallotSpec, *, acting_user: User) -> Ballot:
    """Call a ballot of all the members of ``unit`` (a draft, version 1), if the rulebook lets
    ``acting_user`` call one (``[ballots.callers]``)."""
    check_may_call(unit, acting_user)
    check_spec(spec, unit)
    current = edition()
    ballot = Ballot(unit=unit, created_by=acting_user, edition=current.name, version=1)
    _apply(ballot, spec)
    ballot.clause = spec.clause or current.ballots.clause
    ballot.save()
    version = save_version(ballot, acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.CREATE_BALLOT,
        obj=ballot,
        after={"version": 1, "sha256": version.sha256, "unit": unit.pk, "kind": ballot.kind},
        clause=ballot.clause,
    )
    return ballot


def frozen_refusal(ballot: Ballot) -> BallotError:
    when = long_date(timezone.localtime(ballot.frozen_at)) if ballot.frozen_at else "its freeze"
    clause = edition().ballots.freeze_clause
    return BallotError(
        f"The definition was frozen on {when}: nothing on it changes afterwards. A change after "
        "the issue is recorded as an event (a candidate withdrawn, an endorsement withdrawn).",
        clause=clause,
        code=RefusalCode.STATE,
    )


@transaction.atomic(durable=True)
def do_edit_ballot(ballot: Ballot, changes: dict[str, Any], *, acting_user: User) -> Ballot:
    """Change some values of a draft ballot's definition (``changes``: field → value, fields of
    :class:`BallotSpec`); the whole definition is checked again and saved as the next version.
    Refused once frozen. Nothing changed writes nothing."""
    unknown = sorted(set(changes) - set(SPEC_FIELDS))
    if unknown:
        raise _refuse(f"{unknown[0]!r} is not part of a ballot's definition.", unknown[0])
    ballot = Ballot.objects.select_for_update(of=("self",)).select_related("unit").get(pk=ballot.pk)
    if ballot.state != BallotState.DRAFT:
        raise frozen_refusal(ballot)
    if "clause" in changes and changes["clause"] != ballot.clause:
        raise _refuse(
            "Clause: a ballot rests on the clause it was called under; call a new ballot "
            "under another.",
            "clause",
            ballot.clause,
        )
    before_spec = spec_of(ballot)
    values = dict(changes)
    for name in ("channels", "nominating_kinds", "reminders"):
        if name in values:
            values[name] = tuple(values[name])
    spec = dataclasses.replace(before_spec, **values)
    if spec == before_spec:
        return ballot
    check_spec(spec, ballot.unit)
    before = definition_of(ballot)
    _apply(ballot, spec)
    ballot.version += 1
    ballot.save()
    version = save_version(ballot, acting_user)
    from moot.ballots.definition import changed_fields

    record(
        actor=acting_user,
        verb=AuditVerb.EDIT_BALLOT,
        obj=ballot,
        before={"version": ballot.version - 1, "sha256": sha256_of(before)},
        after={
            "version": ballot.version,
            "sha256": version.sha256,
            "changed": changed_fields(before, version.definition),
        },
        clause=ballot.clause,
    )
    return ballot
