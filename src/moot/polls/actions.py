"""Every write to polls: create, open, cast, enter teller counts, close. One transaction and one
audit event each; nothing is half-recorded."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.humanize.templatetags.humanize import apnumber
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.counting.model import CountError
from moot.polls import hooks
from moot.polls.audit_verbs import AuditVerb
from moot.polls.errors import PollError
from moot.polls.models import (
    Entitlement,
    MajorityBasis,
    NamedVote,
    Participation,
    Poll,
    PollKind,
    PollOption,
    PollState,
    SecretBallot,
    TellerCount,
    Voting,
)
from moot.polls.queries import (
    YES_NO_CODES,
    YES_NO_METHOD,
    ballot_kind,
    eligible_count,
    meetings_queries,
    open_poll_options,
    voter_standing,
)
from moot.polls.results import notes_at_close
from moot.polls.sealing import (
    create_poll_key,
    destroy_poll_key,
    is_sealed,
    padded_width,
    seal,
    unseal,
)
from moot.rows import instance_from_row, select_list

ALREADY_VOTED = "You have already voted in this poll."


def _when(moment: Any) -> str:
    from moot.dates import long_datetime

    return long_datetime(moment)


def snapshot(poll: Poll) -> dict[str, Any]:
    return {
        "title": poll.title,
        "kind": poll.kind,
        "method": poll.method,
        "seats": poll.seats,
        "secret": poll.secret,
        "voting": poll.voting,
        "state": poll.state,
        "majority": poll.majority,
        "majority_basis": poll.majority_basis,
    }


# ---------------------------------------------------------------------------------------------
# Creating and opening


TIE_BREAKS = ("backwards", "forwards", "candidate-order", "random", "lot")


def check_poll_spec(
    *,
    method: str,
    seats: int,
    options: Sequence[Any],
    voting: str,
    kind: str,
    tie_break: str = "backwards",
    seed: int | None = None,
    majority_basis: str = "cast",
) -> None:
    """Refuse, when it is created, a poll that could not be counted when it closes: unknown
    method or tie-break, more seats than candidates, a ranked ballot by show of hands."""
    if tie_break not in TIE_BREAKS:
        raise PollError(
            f"Unknown tie-break {tie_break!r}; use one of {', '.join(TIE_BREAKS)}.",
            field="tie_break",
        )
    if tie_break == "random" and seed is None:
        raise PollError("A random tie-break needs a published seed.", field="seed")
    if majority_basis not in MajorityBasis.values:
        raise PollError(
            f"Unknown majority basis {majority_basis!r}; use {' or '.join(MajorityBasis.values)}.",
            field="majority_basis",
        )
    from moot.counting.registry import get_method

    try:
        get_method(method)
    except CountError as exc:
        raise PollError(str(exc), field="method") from exc
    if kind not in PollKind.values:
        raise PollError(f"Unknown poll kind {kind!r}; use one of {', '.join(PollKind.values)}.")
    if voting not in Voting.values:
        raise PollError(f"Unknown voting {voting!r}; use one of {', '.join(Voting.values)}.")
    if seats < 1:
        raise PollError("A poll fills at least one seat.", field="seats")
    if method != YES_NO_METHOD:
        if not options:
            raise PollError("Add the candidates or answers to choose from.", field="options")
        if seats > len(options):
            raise PollError(
                f"{seats} seats but only {len(options)} candidates: reduce the seats or add "
                "candidates.",
                field="seats",
            )
    if voting != Voting.ELECTRONIC and ballot_kind(method) not in {"yes_no", "single"}:
        raise PollError(
            "Tellers can count only yes/no or single-choice votes; use electronic voting "
            "for a ranked or multiple-choice ballot.",
            field="voting",
        )


@transaction.atomic
def do_create_poll(
    *,
    title: str,
    kind: str,
    method: str,
    options: Sequence[str | tuple[str, Any]] = (),
    seats: int = 1,
    secret: bool = True,
    voting: str = Voting.ELECTRONIC,
    question: str = "",
    unit: Any = None,
    meeting: Any = None,
    agenda_item: Any = None,
    majority: str = "simple",
    majority_basis: str = "cast",
    tie_break: str = "backwards",
    seed: int | None = None,
    returning_officer: Any = None,
    constraints: str | None = None,
    acting_user: Any,
) -> Poll:
    """Create a draft poll with its options (a yes/no poll gets Yes, No and Abstain).

    ``options`` are labels or (label, member) pairs for candidates. ``constraints`` (STV
    only): minimum and maximum seats per group in OpenTally's CON format, candidates numbered
    from 1 in the order of ``options`` (``moot.counting.constraints``); the count applies
    them (guard/doom)."""
    title = title.strip()
    if not title:
        raise PollError("Give the poll a title.", field="title")
    check_poll_spec(
        method=method,
        seats=seats,
        options=options,
        voting=voting,
        kind=kind,
        tie_break=tie_break,
        seed=seed,
        majority_basis=majority_basis,
    )
    if voting != Voting.ELECTRONIC:
        # Hands raised in the room are seen by all; a paper ballot is always secret.
        secret = voting == Voting.PAPER
    extra: dict[str, Any] = {}
    if meeting is not None:
        extra["meeting"] = meeting
    if agenda_item is not None:
        extra["agenda_item"] = agenda_item
    poll = Poll.objects.create(
        title=title,
        question=question,
        kind=kind,
        method=method,
        seats=seats,
        secret=secret,
        voting=voting,
        unit=unit if unit is not None else getattr(meeting, "unit", None),
        majority=majority,
        majority_basis=majority_basis,
        tie_break=tie_break,
        seed=seed,
        returning_officer=returning_officer,
        constraints=constraints or None,
        created_by=acting_user,
        **extra,
    )
    if method == YES_NO_METHOD:
        labels: list[tuple[str, Any, str]] = [
            (code.capitalize(), None, code) for code in YES_NO_CODES
        ]
    else:
        labels = [
            (item, None, "") if isinstance(item, str) else (item[0], item[1], "")
            for item in options
        ]
    PollOption.objects.bulk_create(
        PollOption(poll=poll, label=label, member=member, code=code, order=i)
        for i, (label, member, code) in enumerate(labels, start=1)
    )
    record(actor=acting_user, verb=AuditVerb.CREATE_POLL, obj=poll, after=snapshot(poll))
    return poll


def _frozen_electorate(poll: Poll, electorate: Iterable[Any] | None) -> list[Entitlement]:
    """Entitlement rows for a poll with no meeting: the given members, or every member of the
    poll's unit assessed by the rulebook for "ballot" on the opening date (those refused are
    kept with the reason and clause, so a refusal can cite them)."""
    if electorate is not None:
        ids = {getattr(m, "pk", m) for m in electorate}
        return [Entitlement(poll=poll, member_id=member_id) for member_id in sorted(ids)]
    if poll.unit_id is None:
        raise PollError(
            "A poll outside a meeting needs an electorate: choose its unit or list the voters."
        )
    from moot.members.models import Member
    from moot.members.queries import assess_members
    from moot.units.queries import member_in_unit_q

    member_ids = Member.objects.filter(member_in_unit_q(poll.unit)).values_list("pk", flat=True)
    verdicts = assess_members(member_ids, "ballot", timezone.localdate())
    rows = []
    for member_id, verdict in verdicts.items():
        reasons = list(getattr(verdict, "reasons", ()) or ())
        rows.append(
            Entitlement(
                poll=poll,
                member_id=member_id,
                eligible=bool(verdict.allowed),
                reason="" if verdict.allowed else "; ".join(r.text for r in reasons),
                clause="" if verdict.allowed else next((r.clause for r in reasons if r.clause), ""),
            )
        )
    return rows


MEETING_NOT_OPEN = "The meeting has not been opened: the chair opens it first."


def check_meeting_in_progress(meeting_id: int | None, *, lock: bool = False) -> None:
    """A vote at a meeting is taken while the meeting is in progress: not before the chair opens
    it, not after the close. ``lock`` holds the meeting row, so the meeting cannot close while
    a vote is being opened (``do_close_meeting`` refuses while a vote is open)."""
    if meeting_id is None:
        return
    from moot.meetings.models import Meeting

    rows = Meeting.objects.filter(pk=meeting_id)
    if lock:
        rows = rows.select_for_update(of=("self",))
    refuse_unless_in_progress(*rows.values_list("state", "closed_at").get())


def refuse_unless_in_progress(state: str, closed_at: Any) -> None:
    """The refusal for a meeting's ``state`` that takes no votes (scheduled, adjourned, or
    closed at ``closed_at``)."""
    from moot.meetings.models import MeetingState

    if state == MeetingState.SCHEDULED:
        raise PollError(MEETING_NOT_OPEN, code="state")
    if state == MeetingState.ADJOURNED:
        raise PollError(
            "The meeting is adjourned: votes are taken again once the chair resumes it.",
            code="state",
        )
    if state == MeetingState.CLOSED:
        raise PollError(
            f"The meeting closed at {_when(closed_at)}: votes are no longer taken at it.",
            code="state",
        )


def do_open_poll(poll: Poll, *, acting_user: Any, electorate: Iterable[Any] | None = None) -> Poll:
    """Open a draft poll for voting. A poll not at a meeting freezes its electorate now; a poll
    at a meeting opens only while the meeting is in progress, and only while it is quorate
    unless the rulebook lets an inquorate meeting take that business."""
    with transaction.atomic():
        meeting_id = Poll.objects.filter(pk=poll.pk).values_list("meeting_id", flat=True).get()
        check_meeting_in_progress(meeting_id, lock=True)  # meeting before poll: the close's order
        poll = Poll.objects.select_for_update(of=("self",)).get(pk=poll.pk)
        if poll.state != PollState.DRAFT:
            raise PollError(f"This poll is already {poll.get_state_display().lower()}.")
        if meeting_id is not None:
            _refuse_if_inquorate(poll)
        if getattr(poll, "meeting_id", None) is None:
            rows = _frozen_electorate(poll, electorate)
            Entitlement.objects.bulk_create(rows, batch_size=2000)
            poll.electorate_size = sum(1 for row in rows if row.eligible)
        poll.state = PollState.OPEN
        poll.opened_at = timezone.now()
        poll.opened_by = acting_user
        if poll.secret and poll.voting == Voting.ELECTRONIC:
            # The key that seals its ballots until the close, outside the database (sealing.py).
            create_poll_key(poll.pk, poll.opened_at)
        poll.save(update_fields=["state", "opened_at", "opened_by", "electorate_size"])
        record(
            actor=acting_user,
            verb=AuditVerb.OPEN_POLL,
            obj=poll,
            before={"state": PollState.DRAFT},
            after={"state": poll.state, "electorate": poll.electorate_size},
        )
    return poll


def _refuse_if_inquorate(poll: Poll) -> None:
    """The business a vote at a meeting decides is its agenda item's (a challenge to a ruling
    is the motion's business), else the poll's own kind."""
    module = meetings_queries()
    if module is None or not hasattr(module, "inquorate_refusal"):
        return
    if poll.agenda_item_id is not None:
        business = poll.agenda_item.kind
    else:
        business = "election" if poll.kind == PollKind.ELECTION else "motion"
    refusal = module.inquorate_refusal(poll.meeting, business)
    if refusal is not None:
        raise PollError(
            f"{refusal.text} Wait for more members to check in before the vote.",
            clause=refusal.clause,
            code="state",
        )


# ---------------------------------------------------------------------------------------------
# Casting


def _option_by_ref(options: Sequence[PollOption], ref: Any, *, place: str) -> PollOption:
    for option in options:
        if str(ref) in (str(option.pk), option.code) and str(ref) != "":
            return option
    raise PollError(f"{place}: {ref!r} is not one of the choices on this ballot.")


def check_choice(poll: Poll, options: Sequence[PollOption], choice: Any) -> list[int]:
    """Validate a choice and return it as option ids (most preferred first).

    Yes/no: "yes", "no", "abstain" or the option id. Single choice: one option id.
    Multiple choice (approval, block): a list of option ids, at most ``seats`` for a block vote.
    Ranked: a list of option ids in order of preference, or a mapping option id → rank (1 = first
    choice) as the voting form sends it; ranks must run 1, 2, 3 … without repeats or gaps.
    """
    kind = ballot_kind(poll.method)
    label = {option.pk: option.label for option in options}
    if kind in {"yes_no", "single"}:
        if isinstance(choice, list | tuple):
            if len(choice) != 1:
                raise PollError("Choose exactly one answer.")
            choice = choice[0]
        if choice in (None, ""):
            raise PollError("Choose one answer before you submit your vote.")
        return [_option_by_ref(options, choice, place="Your choice").pk]
    if kind == "multi":
        refs = list(choice) if isinstance(choice, list | tuple | set) else [choice]
        chosen = [_option_by_ref(options, ref, place="Your choice").pk for ref in refs if ref]
        if len(set(chosen)) != len(chosen):
            raise PollError("You chose the same candidate twice.")
        if not chosen:
            raise PollError("Choose at least one candidate.")
        if poll.method == "block" and len(chosen) > poll.seats:
            raise PollError(
                f"You chose {len(chosen)} candidates; this ballot allows at most {poll.seats}."
            )
        return sorted(chosen, key=lambda pk: next(o.order for o in options if o.pk == pk))
    # Ranked.
    if isinstance(choice, Mapping):
        ranks: dict[int, int] = {}
        for ref, rank in choice.items():
            if rank in (None, ""):
                continue
            option = _option_by_ref(options, ref, place="Ranking")
            try:
                number = int(rank)
            except (TypeError, ValueError):
                raise PollError(
                    f"The rank for {option.label} must be a number, not {rank!r}."
                ) from None
            if not 1 <= number <= len(options):
                raise PollError(
                    f"The rank for {option.label} must be between 1 and {len(options)}."
                )
            ranks[option.pk] = number
        by_rank: dict[int, list[int]] = {}
        for option_pk, number in ranks.items():
            by_rank.setdefault(number, []).append(option_pk)
        for number in sorted(by_rank):
            if len(by_rank[number]) > 1:
                names = " and ".join(label[pk] for pk in by_rank[number])
                raise PollError(
                    f"You gave rank {number} to {apnumber(len(by_rank[number]))} candidates "
                    f"({names}); "
                    "give each rank to one candidate only."
                )
        for expected, number in enumerate(sorted(by_rank), start=1):
            if number != expected:
                raise PollError(
                    f"You gave rank {number} but no rank {expected}; number your choices "
                    "1, 2, 3 … without gaps."
                )
        ordered = [by_rank[number][0] for number in sorted(by_rank)]
    else:
        refs = list(choice) if isinstance(choice, list | tuple) else [choice]
        ordered = [_option_by_ref(options, ref, place="Ranking").pk for ref in refs]
        if len(set(ordered)) != len(ordered):
            raise PollError("You ranked the same candidate twice; rank each one once.")
    if not ordered:
        raise PollError("Rank at least one candidate: put 1 beside your first choice.")
    return ordered


def check_open(poll: Poll) -> None:
    if poll.state == PollState.DRAFT:
        raise PollError("This poll is not open yet.", code="state")
    if poll.state == PollState.CLOSED:
        raise PollError(
            f"This poll closed at {_when(poll.closed_at)}; votes are no longer taken.",
            code="state",
        )
    if poll.voting != Voting.ELECTRONIC:
        raise PollError(
            "This vote is taken by "
            + ("show of hands" if poll.voting == Voting.SHOW_OF_HANDS else "paper ballot")
            + "; the tellers enter the counts.",
            code="state",
        )


def _lock_poll_for_cast(poll_id: int) -> Poll:
    """The poll row, locked for the rest of the transaction.

    PostgreSQL: ``FOR SHARE`` — casts hold the lock together (they need not wait for each other:
    the unique constraint separates the voters), while ``do_close_poll``'s ``FOR UPDATE``
    waits for every cast in flight and blocks new ones until the count is stored. No ballot
    can therefore be written after, or during, the count. SQLite: the IMMEDIATE transaction
    already holds the database's write lock.
    """
    fields = ["id", "state", "closed_at", "voting", "secret", "title"]
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    sql = f"SELECT {select_list(Poll, 'p', fields)} FROM {Poll._meta.db_table} p WHERE p.id = %s"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        cursor.execute(sql + lock, [poll_id])
        row = cursor.fetchone()
    return instance_from_row(Poll, dict(zip(fields, row, strict=True)))


def _insert(model: type[Any], **values: Any) -> None:
    """One row, with plain SQL and the model's default primary key (a random key): the two
    rows of a cast (no signals, no instance; the cast is the hot path of a live vote)."""
    values = {model._meta.pk.attname: model._meta.pk.get_default(), **values}
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in values)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})",  # noqa: S608 - names from the model
            list(values.values()),
        )


def do_cast_ballot(poll: Poll, member: Any, choice: Any, *, acting_user: Any) -> None:
    """Record one member's vote: their Participation and, in the same transaction, either an
    anonymous SecretBallot or their NamedVote.

    One ballot per eligible member is enforced by the database: the poll row is locked
    (``SELECT … FOR SHARE``, see ``_lock_poll_for_cast``; SQLite's IMMEDIATE transactions
    serialise writers), so no vote
    is written while the poll is being closed, and ``Participation(poll, member)`` is unique, so
    a second vote fails even when two arrive at the same instant. A vote is always the voter's
    own: ``acting_user`` must be the member's account.

    Eligibility and the ballot are checked before the lock is taken (neither can change while
    the poll is open), so the locked part is only: re-read the state, two inserts, the audit
    event. This is the hot path of a live vote (2,000 voters in a minute): with ``poll`` from
    ``queries.poll_for_cast`` a secret ballot costs one read (the voter's attendance or
    entitlement) before the transaction, whose statements are the lock and the two inserts.
    """
    if acting_user is None or member is None or member.user_id != acting_user.pk:
        raise PollError("You can cast only your own vote.", code="forbidden")
    if poll.state != PollState.OPEN:
        check_open(Poll.objects.get(pk=poll.pk))  # says why (not open yet / closed at …)
    if poll.meeting_id is not None:
        # Read with the poll by ``queries.poll_for_cast`` (else one query here); the standing
        # below reuses it.
        refuse_unless_in_progress(poll.meeting.state, poll.meeting.closed_at)
    standing = voter_standing(poll, member)
    if not standing.allowed:
        raise PollError(standing.reason, clause=standing.clause, code="ineligible")
    if poll.voting != Voting.ELECTRONIC:
        check_open(poll)  # the tellers count it (and it has no key to seal with)
    options = open_poll_options(poll)
    content = json.dumps(check_choice(poll, options, choice), separators=(",", ":"))
    # Sealed under the poll's key while it is open: the database (and any copy of it) keeps the
    # order in which rows were written, so it must not hold the choice in that order.
    sealed = (
        seal(poll.pk, poll.opened_at, content, padded_width([o.pk for o in options]))
        if poll.secret
        else content
    )
    try:
        with transaction.atomic():
            locked = _lock_poll_for_cast(poll.pk)
            check_open(locked)
            # A second vote fails here, on the unique constraint (handled below).
            _insert(Participation, poll_id=locked.pk, member_id=member.pk)
            if locked.secret:
                # No audit event for a secret ballot: a dated event per vote would give each
                # participation a time (its position in the chain matches the order of the
                # rows until close), which is exactly what the schema refuses to store. The
                # chain records the opening (electorate) and the close (participations,
                # ballots — which must be equal — and the result).
                if not poll.secret:  # made secret since it was read: cannot happen while open
                    raise PollError("The poll changed while you voted; vote again.", code="state")
                _insert(SecretBallot, poll_id=locked.pk, content=sealed)
            else:
                NamedVote.objects.create(poll_id=locked.pk, member=member, content=content)
                record(
                    actor=acting_user,
                    verb=AuditVerb.CAST_BALLOT,
                    obj=locked,
                    object_repr=locked.title,
                    after={"member": member.number, "choice": json.loads(content)},
                )
    except IntegrityError as exc:
        # The unique constraint on Participation(poll, member) is the last word on a second
        # vote; the whole transaction was rolled back, so nothing of it remains.
        if Participation.objects.filter(poll_id=poll.pk, member=member).exists():
            raise PollError(ALREADY_VOTED, code="conflict") from exc
        raise


# ---------------------------------------------------------------------------------------------
# Tellers


def do_enter_teller_counts(
    poll: Poll, counts: Mapping[Any, Any], *, acting_user: Any, present: int | None = None
) -> list[TellerCount]:
    """Record the tellers' counts for a show-of-hands or paper vote (replacing earlier entries).

    Each count is a whole number ≥ 0, and together they cannot exceed the eligible members
    present (``present``, else the meeting's or the electorate's count)."""
    with transaction.atomic():
        poll = Poll.objects.select_for_update(of=("self",)).get(pk=poll.pk)
        if poll.voting == Voting.ELECTRONIC:
            raise PollError("This poll is electronic: the tellers do not enter counts.")
        check_meeting_in_progress(poll.meeting_id)
        if poll.state != PollState.OPEN:
            raise PollError(
                "Enter the counts while the vote is open."
                if poll.state == PollState.DRAFT
                else f"This poll closed at {_when(poll.closed_at)}; its counts are final."
            )
        options = list(poll.options.all())
        parsed: dict[int, int] = {}
        for ref, raw in counts.items():
            option = _option_by_ref(options, ref, place="Teller count")
            try:
                number = int(str(raw).strip())
            except ValueError:
                raise PollError(
                    f"The count for {option.label} must be a whole number, not {raw!r}.",
                    field=str(option.pk),
                ) from None
            if number < 0:
                raise PollError(
                    f"The count for {option.label} cannot be negative.", field=str(option.pk)
                )
            parsed[option.pk] = number
        limit = present if present is not None else eligible_count(poll)
        total = sum(parsed.values())
        if total > limit:
            raise PollError(
                f"The counts add up to {total}, but only {limit} eligible members are present; "
                "count again."
            )
        before = dict(TellerCount.objects.filter(poll=poll).values_list("option_id", "count"))
        rows = []
        for option_pk, number in parsed.items():
            row, _ = TellerCount.objects.update_or_create(
                poll=poll,
                option_id=option_pk,
                defaults={"count": number, "entered_by": acting_user},
            )
            rows.append(row)
        record(
            actor=acting_user,
            verb=AuditVerb.ENTER_TELLER_COUNTS,
            obj=poll,
            before={str(k): v for k, v in before.items()},
            after={str(k): v for k, v in parsed.items()},
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Closing


def _reshuffle_secret_ballots(poll: Poll) -> int:
    """Unseal the poll's ballots and re-insert them — and its participations — in a random
    order with fresh random keys, so that not even the physical order of rows on disk follows
    the order in which votes were cast (SQLite's cells and WAL, PostgreSQL's heap and ``xmin``
    keep insertion order; see ``sealing``). The key file is destroyed once this commits."""
    shuffle = secrets.SystemRandom().shuffle
    contents = [
        unseal(poll.pk, poll.opened_at, content) if is_sealed(content) else content
        for content in SecretBallot.objects.filter(poll=poll).values_list("content", flat=True)
    ]
    voters = list(Participation.objects.filter(poll=poll).values_list("member_id", flat=True))
    shuffle(contents)
    shuffle(voters)
    if connection.vendor == "sqlite":
        # Overwrite deleted cells with zeros instead of leaving them in free pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    SecretBallot.objects.filter(poll=poll).delete()
    Participation.objects.filter(poll=poll).delete()
    SecretBallot.objects.bulk_create(
        (SecretBallot(poll=poll, content=content) for content in contents), batch_size=2000
    )
    Participation.objects.bulk_create(
        (Participation(poll=poll, member_id=member_id) for member_id in voters), batch_size=2000
    )
    return len(contents)


def _vacuum_ballots() -> None:
    """Let PostgreSQL reclaim the dead, insertion-ordered copies of the rows just shuffled."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM polls_secretballot, polls_participation")


def do_close_poll(poll: Poll, *, acting_user: Any) -> Poll:
    """Close an open poll, count it through moot.counting and store the result, its report and
    chart. Results are hidden until this point. For a motion the result says whether it was
    carried by the majority the rulebook requires."""
    from moot.polls.counting import count_poll, round_table

    with transaction.atomic():
        poll = Poll.objects.select_for_update(of=("self",)).get(pk=poll.pk)
        if poll.state != PollState.OPEN:
            raise PollError(
                "This poll is not open yet."
                if poll.state == PollState.DRAFT
                else f"This poll already closed at {_when(poll.closed_at)}."
            )
        present = eligible_count(poll)
        participations = Participation.objects.filter(poll=poll).count()
        if poll.voting == Voting.ELECTRONIC and poll.secret:
            ballots = _reshuffle_secret_ballots(poll)
            poll_id, opened_at = poll.pk, poll.opened_at
            transaction.on_commit(lambda: destroy_poll_key(poll_id, opened_at))
        elif poll.voting == Voting.ELECTRONIC:
            ballots = NamedVote.objects.filter(poll=poll).count()
        else:
            ballots = sum(TellerCount.objects.filter(poll=poll).values_list("count", flat=True))
        if poll.voting == Voting.ELECTRONIC and ballots != participations:
            raise PollError(
                f"{participations} members voted but {ballots} ballots are stored; the poll was "
                "left open so that the discrepancy can be investigated."
            )
        poll.state = PollState.CLOSED
        poll.closed_at = timezone.now()
        poll.closed_by = acting_user
        poll.present_at_close = present
        summary: dict[str, Any] = {
            "ballots": ballots,
            "participations": participations if poll.voting == Voting.ELECTRONIC else None,
            "eligible": present,
            "method": poll.method,
            "seats": poll.seats,
            "options": [o.label for o in poll.options.all()],
        }
        if ballots == 0:
            summary.update(count=None, elected=[], carried=None, note="No votes were cast.")
        else:
            try:
                counted = count_poll(poll, present=present)
            except CountError as exc:
                raise PollError(f"The count could not be completed: {exc}") from exc
            summary.update(
                count=counted.json,
                table=round_table(counted.result),
                elected=list(counted.result.elected_names),
                carried=counted.result.carried,
                # For a motion, the majority test in words (the count's first note), e.g.
                # "two-thirds of votes cast (...): 81 of 120 needed 80 — carried".
                explanation=counted.result.notes[0]
                if counted.result.carried is not None and counted.result.notes
                else "",
            )
            poll.result_text = counted.text
            poll.result_chart_svg = counted.chart_svg
        # A small secret ballot shows totals only; a result on few votes is noted (polls.results).
        summary.update(notes_at_close(poll, summary))
        poll.result = summary
        poll.save(
            update_fields=[
                "state",
                "closed_at",
                "closed_by",
                "present_at_close",
                "result",
                "result_text",
                "result_chart_svg",
            ]
        )
        record(
            actor=acting_user,
            verb=AuditVerb.CLOSE_POLL,
            obj=poll,
            before={"state": PollState.OPEN},
            after={
                "state": poll.state,
                "ballots": ballots,
                "eligible": present,
                "elected": summary["elected"],
                "carried": summary["carried"],
            },
        )
        # What the poll decides moves on here, whichever page or API closed it (an amendment
        # carried or lost, a motion's outcome, a challenge): the one place (polls.hooks).
        hooks.after_close(poll, acting_user)
        transaction.on_commit(_vacuum_ballots)
    return poll
