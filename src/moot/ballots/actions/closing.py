"""Close, count, the scrutineer's sign-off, the declaration and countbacks (issue 11 item 9;
docs/ballots.md, "Close, count and declaration").

open → closed (``do_close_ballot``, a manager, at or after ``close_at``) → counted
(``do_count_ballot``, a manager) → signed (``do_sign_scrutineer_report``, the scrutineer only)
→ declared (``do_declare_ballot``, the returning officer only, after the signature). A declared
ballot's casual vacancy is filled by ``do_countback`` (a manager).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.ballots import closing, count, hooks, scrutineer
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.definition import definition_of
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, BallotState, Candidate, Countback
from moot.on_commit import enqueue_on_commit
from moot.text import text_problem
from moot.verify.ballot_count import withdrawn_by_events

S52 = "TULRCA 1992 s.52"


def _lock(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).select_related("unit").get(pk=ballot.pk)


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y at %H:%M %Z")


def _sha256(data: object) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_can_close(ballot: Ballot, now: datetime.datetime) -> None:
    if ballot.state != BallotState.OPEN:
        raise BallotError(
            f"The ballot is {ballot.get_state_display().lower()}: only an open ballot is closed.",
            code=RefusalCode.STATE,
        )
    if ballot.close_at is not None and now < ballot.close_at:
        raise BallotError(
            f"The ballot closes on {_when(ballot.close_at)}: it can be closed from then, not "
            "before (the timetable is part of the frozen definition).",
            clause=ballot.clause,
            field="close_at",
            code=RefusalCode.STATE,
        )


@transaction.atomic(durable=True)
def do_close_ballot(ballot: Ballot, *, acting_user: Any) -> Ballot:
    """Close the ballot: per entitlement the return the declared precedence chooses, the others
    set aside with their reasons; the chosen contents unsealed, shuffled and written as
    anonymous counted ballots; returns and keyings deleted; the aggregates stored; the sealing
    key destroyed once this commits."""
    now = timezone.now()
    ballot = _lock(ballot)
    check_can_close(ballot, now)
    found = closing.gather(ballot)
    closing.write_counted(ballot, found.contents)
    hooks.run_on_close(ballot)  # a verifiable ballot's board closes (moot.verifiable)
    closing.delete_sealed(ballot)
    ballot.returns = found.as_returns(ballot.precedence, ballot.replaced_online)
    ballot.state = BallotState.CLOSED
    ballot.closed_at = now
    ballot.save(update_fields=["returns", "state", "closed_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.CLOSE_BALLOT,
        obj=ballot,
        after=ballot.returns,
        clause=ballot.clause,
    )
    from moot.ballots import secrecy

    closed = ballot
    transaction.on_commit(lambda: secrecy.destroy_key(closed))
    return ballot


@transaction.atomic(durable=True)
def do_count_ballot(ballot: Ballot, *, acting_user: Any) -> Ballot:
    """Count the closed ballot and store the result, its report and chart. The result stays
    locked until the scrutineer signs the report: the audit event commits to it by hash only."""
    ballot = _lock(ballot)
    if ballot.state != BallotState.CLOSED:
        raise BallotError(
            "The ballot has been counted already."
            if ballot.state in {BallotState.COUNTED, BallotState.DECLARED}
            else "The ballot must be closed before it is counted.",
            code=RefusalCode.STATE,
        )
    hooks.run_before_count(ballot)  # a verifiable ballot's decrypted votes (moot.verifiable)
    counted = count.count_ballot(ballot)
    ballot.result = counted.json
    ballot.result_text = counted.text
    ballot.result_chart_svg = counted.chart_svg
    ballot.state = BallotState.COUNTED
    ballot.counted_at = timezone.now()
    ballot.save(update_fields=["result", "result_text", "result_chart_svg", "state", "counted_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.COUNT_BALLOT,
        obj=ballot,
        after={
            "result_sha256": _sha256(counted.json),
            "ballots_blt_sha256": hashlib.sha256(counted.blt.encode()).hexdigest(),
        },
        clause=ballot.clause,
    )
    return ballot


def check_statements(statements: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each of (a), (b), (c): satisfied or not; reasons required when not (TULRCA s.52(2))."""
    clean: dict[str, dict[str, Any]] = {}
    for key in scrutineer.STATEMENTS:
        item = statements.get(key)
        if not isinstance(item, dict) or not isinstance(item.get("satisfied"), bool):
            raise BallotError(
                f"Statement ({key}): say whether you are satisfied (yes or no).",
                clause=S52,
                field=f"{key}_satisfied",
            )
        reasons = str(item.get("reasons") or "").strip()
        problem = text_problem(reasons, single_line=False, max_length=5000)
        if problem:
            raise BallotError(
                f"Statement ({key}), reasons: {problem}", clause=S52, field=f"{key}_reasons"
            )
        if not item["satisfied"] and not reasons:
            raise BallotError(
                f"Statement ({key}): you are not satisfied, so give your reasons (the report "
                "must state them).",
                clause=S52,
                field=f"{key}_reasons",
            )
        clean[key] = {"satisfied": item["satisfied"], "reasons": reasons}
    return clean


@transaction.atomic(durable=True)
def do_sign_scrutineer_report(
    ballot: Ballot, *, statements: dict[str, Any], acting_user: Any
) -> Ballot:
    """The scrutineer signs the report (the figures drawn from the count, the three statements
    theirs). Only then may the result be read and declared."""
    ballot = _lock(ballot)
    if acting_user is None or ballot.scrutineer_id != acting_user.pk:
        raise BallotError(
            "Only the ballot's scrutineer signs the scrutineer's report.",
            clause=S52,
            code=RefusalCode.FORBIDDEN,
        )
    if ballot.state != BallotState.COUNTED:
        raise BallotError(
            "The report is signed once the ballot is counted."
            if ballot.state in {BallotState.OPEN, BallotState.CLOSED, BallotState.FROZEN}
            else "The report can no longer be signed.",
            code=RefusalCode.STATE,
        )
    if ballot.signed_at is not None:
        raise BallotError(
            f"You signed the report on {_when(ballot.signed_at)}.", code=RefusalCode.CONFLICT
        )
    clean = check_statements(statements)
    now = timezone.now()
    name = acting_user.get_full_name() or acting_user.get_username()
    ballot.scrutineer_report = scrutineer.build_report(
        ballot, clean, signed_by=name, signed_at=now.isoformat()
    )
    ballot.signed_at = now
    ballot.save(update_fields=["scrutineer_report", "signed_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.SIGN_SCRUTINEER_REPORT,
        obj=ballot,
        after={
            "report_sha256": _sha256(ballot.scrutineer_report),
            "satisfied": {k: v["satisfied"] for k, v in clean.items()},
        },
        clause=S52,
    )
    return ballot


@transaction.atomic(durable=True)
def do_declare_ballot(ballot: Ballot, *, acting_user: Any) -> Ballot:
    """The returning officer declares the result, after the scrutineer has signed the report;
    from then the result and the record are public."""
    ballot = _lock(ballot)
    if acting_user is None or ballot.returning_officer_id != acting_user.pk:
        raise BallotError(
            "Only the ballot's returning officer declares its result.",
            code=RefusalCode.FORBIDDEN,
        )
    if ballot.state == BallotState.DECLARED:
        raise BallotError("The result has been declared already.", code=RefusalCode.CONFLICT)
    if ballot.state != BallotState.COUNTED:
        raise BallotError("The ballot must be counted first.", code=RefusalCode.STATE)
    if ballot.signed_at is None:
        raise BallotError(
            "The scrutineer has not signed the report: the result may not be declared or "
            "published before the report is received.",
            clause=S52,
            code=RefusalCode.STATE,
        )
    ballot.state = BallotState.DECLARED
    ballot.declared_at = timezone.now()
    ballot.save(update_fields=["state", "declared_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.DECLARE_BALLOT,
        obj=ballot,
        after={"elected": list((ballot.result or {}).get("elected") or [])},
        clause=ballot.clause,
    )
    # The published record (record.py): built and stored by a task once this commits; a
    # failure is kept on the ballot for the console (``do_note_record_failure``).
    from moot.ballots.results_tasks import publish_declared_record

    enqueue_on_commit(publish_declared_record, ballot.pk)
    return ballot


@transaction.atomic(durable=True)
def do_note_record_failure(ballot_id: int, reason: str) -> Ballot:
    """Keep why the declared ballot's record could not be written, for the returning officer's
    console and results page (which offer a retry); the task calls this, nobody else."""
    ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=ballot_id)
    ballot.record_failure = reason[:2000] or "The record could not be written."
    ballot.record_failed_at = timezone.now()
    ballot.save(update_fields=["record_failure", "record_failed_at"])
    record(
        actor=None,
        verb=AuditVerb.NOTE_RECORD_FAILURE,
        obj=ballot,
        after={"reason": ballot.record_failure},
        reason="the published record of the declared ballot",
    )
    return ballot


@transaction.atomic(durable=True)
def do_retry_ballot_record(ballot: Ballot, *, acting_user: Any) -> Ballot:
    """Queue the declared ballot's record to be written again after a failure (a manager);
    the failure is cleared, and noted again if the new attempt fails too."""
    ballot = _lock(ballot)
    if ballot.state != BallotState.DECLARED:
        raise BallotError(
            "The record is written after the declaration: this ballot has not been declared.",
            code=RefusalCode.STATE,
        )
    if ballot.bundle_sha256:
        raise BallotError(
            f"The record is published already (SHA-256 {ballot.bundle_sha256}).",
            code=RefusalCode.CONFLICT,
        )
    if not ballot.record_failure:
        raise BallotError(
            "The record is being written; a retry is offered only when writing it failed.",
            code=RefusalCode.CONFLICT,
        )
    before = ballot.record_failure
    ballot.record_failure = ""
    ballot.record_failed_at = None
    ballot.save(update_fields=["record_failure", "record_failed_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.RETRY_BALLOT_RECORD,
        obj=ballot,
        before={"reason": before},
        after={"queued": True},
        clause=ballot.clause,
    )
    from moot.ballots.results_tasks import publish_declared_record

    enqueue_on_commit(publish_declared_record, ballot.pk)
    return ballot


def check_vacancy_fillable(
    ballot: Ballot,
    definition: dict[str, Any],
    departed: Candidate,
    remaining: list[str],
    events: list[dict[str, Any]],
) -> None:
    """Refuse, saying why, a countback no candidate can answer: nobody left unelected and not
    withdrawn, or (with a women's minimum) nobody who keeps the minimum met."""
    withdrawn = withdrawn_by_events(definition, events)
    candidates = definition["candidates"]
    left = [
        c
        for i, c in enumerate(candidates)
        if i not in withdrawn and str(c["name"]) not in remaining
    ]
    if not left:
        raise BallotError(
            f"Nobody can fill the seat of {departed.name}: every other candidate on the ballot "
            "holds a seat or has withdrawn. Nothing was recorded; the seat stays vacant until "
            "it is filled another way (a by-election under the rulebook).",
            clause=ballot.clause,
            field="departed",
            code=RefusalCode.RULE,
        )
    minimum = int(definition.get("min_women") or 0)
    women = {str(c["name"]) for c in candidates if c.get("woman")}
    if minimum and len(women & set(remaining)) < minimum and not any(c.get("woman") for c in left):
        raise BallotError(
            f"Nobody can fill the seat of {departed.name} and keep at least {minimum} of the "
            f"{definition.get('seats')} seats to women: the members who keep their seats "
            f"include {len(women & set(remaining))} women and no woman candidate is left "
            "unelected and not withdrawn. Nothing was recorded; the seat stays vacant until it "
            "is filled another way (a by-election under the rulebook).",
            clause=ballot.clause,
            field="departed",
            code=RefusalCode.RULE,
        )


def seat_holders(ballot: Ballot) -> list[str]:
    """Who holds the ballot's seats now: the declared elected, as changed by each countback."""
    last = Countback.objects.filter(ballot=ballot).order_by("-requested_at", "-id").first()
    source = last.result if last is not None else ballot.result
    return list((source or {}).get("elected") or [])


@transaction.atomic(durable=True)
def do_countback(
    ballot: Ballot, departed: Candidate, *, reason: str, acting_user: Any
) -> Countback:
    """Fill a casual vacancy: re-run the stored count (same seats, same constraint, same
    tie-break) with the departed member withdrawn, as every earlier countback's departed, and
    the members who keep their seats deemed elected (a constraint of the count: they are never
    excluded), so exactly one newcomer fills the seat; record who, with the count's own report.
    Refused, with nothing written, when nobody can fill it."""
    ballot = _lock(ballot)
    if ballot.state != BallotState.DECLARED:
        raise BallotError(
            "A countback fills a vacancy among those declared elected: this ballot has not "
            "been declared.",
            code=RefusalCode.STATE,
        )
    if departed.ballot_id != ballot.pk:
        raise BallotError(
            "That candidate is not in this ballot.", field="departed", code=RefusalCode.NOT_FOUND
        )
    holders = seat_holders(ballot)
    if departed.name not in holders:
        raise BallotError(
            f"{departed.name} holds no seat from this ballot: a countback fills the seat of one "
            f"who does ({', '.join(holders) or 'nobody'}).",
            field="departed",
            code=RefusalCode.INVALID,
        )
    reason = reason.strip()
    problem = text_problem(reason, single_line=False, max_length=2000)
    if problem or not reason:
        raise BallotError(
            f"Reason: {problem or 'say why the seat is vacant (resigned, died, disqualified …)'}",
            field="reason",
        )
    now = timezone.now()
    gone = [*count.departed_events(ballot)]
    gone.append({"kind": "seat_vacated", "candidate": departed.pk, "occurred_at": now.isoformat()})
    remaining = [name for name in holders if name != departed.name]
    definition = definition_of(ballot)
    by_name = {str(c["name"]): c for c in definition["candidates"]}
    continuing = [by_name[name]["id"] for name in remaining if name in by_name]
    check_vacancy_fillable(ballot, definition, departed, remaining, count.events_of(ballot) + gone)
    counted = count.count_ballot(ballot, extra_events=gone, continuing=continuing)
    elected = counted.result.elected_names
    newcomers = [name for name in elected if name not in remaining]
    lost = [name for name in remaining if name not in elected]
    if lost or len(newcomers) != 1:
        raise BallotError(
            "The countback cannot fill the vacancy by this ballot's method without "
            f"changing another seat ({', '.join(lost) or 'no one'} would lose theirs; "
            f"{len(newcomers)} newcomers): nothing was recorded, the seat stays vacant.",
            clause=ballot.clause,
            field="departed",
            code=RefusalCode.RULE,
        )
    filled_by = Candidate.objects.get(ballot=ballot, on_ballot=True, name=newcomers[0])
    countback = Countback.objects.create(
        ballot=ballot,
        departed=departed,
        reason=reason,
        requested_by=acting_user,
        requested_at=now,
        result=counted.json,
        result_text=(
            f"Countback for the seat of {departed.name} ({now.date().isoformat()}): "
            f"{departed.name} left after the declaration: {reason}\n"
            f"The seat is filled by {filled_by.name}; the other members keep their seats "
            f"({', '.join(remaining)}).\n\n" + counted.text
        ),
        filled_by=filled_by,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.COUNTBACK,
        obj=ballot,
        after={
            "departed": departed.name,
            "filled_by": filled_by.name,
            "elected": elected,
        },
        reason=reason,
        clause=ballot.clause,
    )
    # The published record holds every countback (countback-<n>.json): built again once this
    # commits, as at the declaration.
    from moot.ballots.results_tasks import publish_declared_record

    enqueue_on_commit(publish_declared_record, ballot.pk)
    return countback
