"""The freeze, the issue and the reissue of credentials (issue 11, items 1, 4 and 5).

* ``do_freeze_ballot``: on or after the freeze date, nominations closed and the definition
  complete: the candidates reaching the ballot are fixed in ballot order, the seed drawn, the
  definition hashed into the audit chain, the credential key made, the roll built and
  committed to.
* ``do_issue_ballot``: at or after the issue time: the addresses frozen, a credential hash for
  every eligible entry, paper numbers 1..N in a random order for the post entries, the sealing
  key made and the invitations queued.
* ``do_reissue_credential``: a new credential (and paper number by post) for one entry, the old
  ones revoked; by the ballot's manager for any entry, or by the member for their own to their
  frozen address (``do_request_my_reissue``, rate-limited).
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from moot.audit.actions import record
from moot.ballots import hooks
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import (
    Ballot,
    BallotKind,
    BallotState,
    BallotVersion,
    Candidate,
    Channel,
    Delivery,
    DeliveryKind,
    DeliveryState,
    RevokedCredential,
    RollEntry,
)

__all__ = [
    "check_freeze",
    "check_issue",
    "do_freeze_ballot",
    "do_issue_ballot",
    "do_reissue_credential",
    "do_request_my_reissue",
]

# A member may ask for their credential again this many times a day.
SELF_REISSUE_LIMIT = 3
SELF_REISSUE_WINDOW = datetime.timedelta(days=1)


def _rules(ballot: Ballot) -> Any:
    from moot.units.queries import edition_in_force

    return edition_in_force(ballot.freeze_date or timezone.localdate()).ballots


def _lock(ballot_id: int) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).select_related("unit").get(pk=ballot_id)


def _when(day: datetime.date | datetime.datetime) -> str:
    from django.utils import formats

    if isinstance(day, datetime.datetime):
        return formats.date_format(timezone.localtime(day), "j F Y, H:i")
    return formats.date_format(day, "j F Y")


def check_freeze(ballot: Ballot, *, today: datetime.date | None = None) -> None:
    """What stops ``ballot`` being frozen today, as a refusal naming what to fix."""
    rules = _rules(ballot)
    clause = rules.freeze_clause or ballot.clause
    today = today or timezone.localdate()
    if ballot.state != BallotState.DRAFT:
        when = f" on {_when(ballot.frozen_at)}" if ballot.frozen_at else ""
        raise BallotError(
            f"This ballot was already frozen{when}: its definition and roll cannot change.",
            clause=clause,
            code=RefusalCode.STATE,
        )
    missing = []
    if ballot.freeze_date is None:
        missing.append("the freeze date")
    if ballot.issue_at is None:
        missing.append("the issue time")
    if ballot.close_at is None:
        missing.append("the close time")
    if not ballot.channels:
        missing.append("the channels (online, post)")
    if not ballot.method:
        missing.append("the counting method")
    if ballot.kind == BallotKind.ELECTION and ballot.nominations_close is None:
        missing.append("the close of nominations")
    if ballot.kind == BallotKind.QUESTION and not ballot.question.strip():
        missing.append("the question")
    if ballot.returning_officer_id is None:
        missing.append("a returning officer")
    if missing:
        raise BallotError(
            "The definition is incomplete: set " + ", ".join(missing) + " on the definition "
            "page before freezing.",
            field="definition",
            code=RefusalCode.STATE,
        )
    assert ballot.freeze_date is not None
    assert ballot.issue_at is not None
    assert ballot.close_at is not None
    if not (ballot.freeze_date <= timezone.localdate(ballot.issue_at)):
        raise BallotError(
            "The freeze date is after the issue: move one of them on the definition page.",
            clause=clause,
            field="freeze_date",
            code=RefusalCode.RULE,
        )
    if today < ballot.freeze_date:
        raise BallotError(
            f"The roll is frozen on or after the freeze date, {_when(ballot.freeze_date)}; "
            f"today is {_when(today)}.",
            clause=clause,
            field="freeze_date",
            code=RefusalCode.STATE,
        )
    if ballot.nominations_close is not None and today <= ballot.nominations_close:
        raise BallotError(
            f"Nominations are open until {_when(ballot.nominations_close)}: the ballot is frozen "
            "after they close.",
            clause=clause,
            field="nominations_close",
            code=RefusalCode.STATE,
        )


def _fix_candidates(ballot: Ballot) -> list[Candidate]:
    """The candidates (or answers) reaching the ballot, in ballot order, marked on it."""
    from moot.ballots.queries_nominations import candidates_reaching_ballot, order_for

    reaching = candidates_reaching_ballot(ballot)
    if not reaching:
        raise BallotError(
            "No candidate has reached the ballot (consent and the nomination threshold): "
            "there is nothing to vote on.",
            clause=ballot.clause,
            field="candidates",
            code=RefusalCode.STATE,
        )
    ordered = order_for(ballot)  # in draft: those reaching the ballot, in the base order
    Candidate.objects.filter(ballot=ballot).update(on_ballot=False, position=None)
    for position, candidate in enumerate(ordered, start=1):
        candidate.on_ballot = True
        candidate.position = position
        candidate.save(update_fields=["on_ballot", "position"])
    return ordered


@transaction.atomic(durable=True)
def do_freeze_ballot(ballot_id: int, *, acting_user: Any) -> Ballot:
    """Freeze the definition and the roll of a ballot (its manager, on or after the freeze
    date). Writes the credential key file before the commit; removes it if anything fails."""
    from moot.ballots import credentials, roll
    from moot.ballots.access import access_ballot
    from moot.ballots.definition import definition_of, sha256_of

    access_ballot(ballot_id, acting_user, for_write=True)
    ballot = _lock(ballot_id)
    check_freeze(ballot)
    if ballot.kind != "question":  # a question's answers are yes and no: nobody is nominated
        _fix_candidates(ballot)
    ballot.seed = secrets.randbelow(2**62)
    ballot.frozen_at = timezone.now()
    key_file = credentials.create_ballot_key(ballot)
    try:
        ballot.version += 1
        ballot.state = BallotState.FROZEN  # the definition lists the candidates on the ballot
        definition = definition_of(ballot)
        ballot.definition_hash = sha256_of(definition)
        BallotVersion.objects.create(
            ballot=ballot,
            version=ballot.version,
            definition=definition,
            sha256=ballot.definition_hash,
            created_by=acting_user,
        )
        figures = roll.build_roll(ballot, credentials.ballot_key(ballot))
        ballot.roll_commitment = roll.commitment(ballot, figures)
        ballot.save()
        record(
            actor=acting_user,
            verb=AuditVerb.FREEZE_BALLOT,
            obj=ballot,
            after={
                "definition_sha256": ballot.definition_hash,
                "version": ballot.version,
                "seed": ballot.seed,
                "roll_root": ballot.roll_commitment["root"],
                "roll_size": ballot.roll_commitment["size"],
                "assessed": figures.assessed,
                "key_file": key_file.name,
            },
            clause=_rules(ballot).freeze_clause or ballot.clause,
        )
    except BaseException:
        credentials.destroy_ballot_key(ballot)
        raise
    return ballot


def check_issue(ballot: Ballot, *, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    if ballot.state != BallotState.FROZEN:
        raise BallotError(
            "Only a frozen ballot is issued: "
            + (
                "freeze it first."
                if ballot.state == BallotState.DRAFT
                else f"this one was issued on {_when(ballot.opened_at or now)}."
            ),
            code=RefusalCode.STATE,
        )
    assert ballot.issue_at is not None
    if now < ballot.issue_at:
        raise BallotError(
            f"The ballot is issued at or after {_when(ballot.issue_at)}, as its timetable says.",
            clause=ballot.clause,
            field="issue_at",
            code=RefusalCode.STATE,
        )
    if ballot.close_at is not None and now >= ballot.close_at:
        raise BallotError(
            f"The ballot's close time ({_when(ballot.close_at)}) has passed: it cannot be "
            "issued now.",
            field="close_at",
            code=RefusalCode.STATE,
        )
    if ballot.scrutineer_id is None:
        raise BallotError(
            "Appoint the scrutineer before the issue (on the officers page): the scrutineer "
            "must be in place before the papers and credentials go out.",
            field="scrutineer",
            code=RefusalCode.STATE,
        )


@transaction.atomic(durable=True)
def do_issue_ballot(ballot_id: int, *, acting_user: Any) -> Ballot:
    """Issue a frozen ballot (its manager, at or after the issue time)."""
    from moot.ballots import credentials, delivery, roll, secrecy
    from moot.ballots.access import access_ballot

    access_ballot(ballot_id, acting_user, for_write=True)
    ballot = _lock(ballot_id)
    check_issue(ballot)
    hooks.run_issue_checks(ballot)  # a verifiable ballot: its election open (moot.verifiable)
    from moot.ballots.mail import check_site_url

    check_site_url()  # links in the invitations: https:// (B4)
    channels = roll.settle_channels_at_issue(ballot)
    key = credentials.ballot_key(ballot)
    entries = list(
        RollEntry.objects.filter(ballot=ballot, eligible=True)
        .order_by("pk")
        .values_list("pk", "serial", "channel")
    )
    table = RollEntry._meta.db_table
    roll.bulk_set(
        table,
        ("credential_hash",),
        [
            (pk, credentials.hash_credential(credentials.credential_text(key, pk, serial)))
            for pk, serial, _channel in entries
        ],
    )
    post = [pk for pk, _serial, channel in entries if channel == Channel.POST]
    order = secrets.SystemRandom()
    order.shuffle(post)
    roll.bulk_set(table, ("paper_number",), [(pk, n) for n, pk in enumerate(post, start=1)])
    secrecy.create_key(ballot)  # sets ballot.opened_at
    try:
        ballot.state = BallotState.OPEN
        ballot.save(update_fields=["state", "opened_at"])
        queued = delivery.queue_invitations(ballot)
        record(
            actor=acting_user,
            verb=AuditVerb.ISSUE_BALLOT,
            obj=ballot,
            after={
                "definition_sha256": ballot.definition_hash,
                "credentials": len(entries),
                "channels": dict(sorted(channels.items())),
                "papers": len(post),
                "deliveries_queued": queued,
            },
            clause=ballot.clause,
        )
    except BaseException:
        secrecy.destroy_key(ballot)
        raise
    return ballot


def entry_reason(reason: str) -> str:
    """A reissue's reason on one line, at most 200 characters (as RevokedCredential keeps it)."""
    return " ".join(str(reason).split())[:200]


def _lock_entry(entry_id: int) -> RollEntry:
    return (
        RollEntry.objects.select_for_update(of=("self",)).select_related("member").get(pk=entry_id)
    )


def _reissue(
    ballot: Ballot,
    entry: RollEntry,
    *,
    channel: str,
    reason: str,
    acting_user: Any,
) -> tuple[RollEntry, dict[str, Any], str]:
    """The reissue proper; the caller has checked who may ask, holds the locks and records
    the audit event with what this returns (the entry, the event's ``after``, the clause)."""
    from moot.ballots import credentials, delivery
    from moot.rulebook.ballots import reissue_allowed

    reason = entry_reason(reason)
    if not reason:
        raise BallotError(
            "Say why the credential is reissued (lost, not received, compromised…).",
            field="reason",
        )
    if channel not in (Channel.ONLINE, Channel.POST):
        raise BallotError("Choose online or post for the new credential.", field="channel")
    if channel not in (ballot.channels or []):
        raise BallotError(
            f"This ballot does not offer voting by {channel}.", field="channel", code="rule"
        )
    if ballot.state != BallotState.OPEN:
        raise BallotError(
            "Credentials are reissued while the ballot is open only.", code=RefusalCode.STATE
        )
    if not entry.eligible:
        raise BallotError(
            f"This member is not on the electorate: {entry.reason}.",
            clause=entry.clause,
            code=RefusalCode.INELIGIBLE,
        )
    if entry.voted:
        raise BallotError(
            "This member has already voted: a new credential would not let them vote again.",
            code=RefusalCode.CONFLICT,
        )
    if channel == Channel.ONLINE and not entry.email:
        raise BallotError(
            "There is no frozen e-mail address for this member: reissue by post.",
            field="channel",
            code=RefusalCode.STATE,
        )
    assert ballot.close_at is not None
    rules = _rules(ballot)
    verdict = reissue_allowed(rules, channel, now=timezone.now(), close_at=ballot.close_at)
    if not verdict.allowed:
        raise BallotError(
            f"A credential cannot be reissued by {channel} now: {verdict.text}.",
            clause=verdict.clause,
            field="channel",
            code=RefusalCode.RULE,
        )
    now = timezone.now()
    old_paper = entry.paper_number
    if entry.credential_hash or old_paper:
        RevokedCredential.objects.create(
            ballot=ballot,
            entry=entry,
            credential_hash=entry.credential_hash,
            paper_number=old_paper,
            reason=reason,
            revoked_at=now,
            revoked_by=acting_user,
        )
    entry.serial += 1
    entry.credential_hash = ""
    entry.paper_number = None
    entry.save(update_fields=["serial", "credential_hash", "paper_number"])
    entry.credential_hash = credentials.hash_credential(credentials.credential_for(ballot, entry))
    if channel == Channel.POST:
        # The next number never used by this ballot (PostgreSQL sorts NULLs first when
        # descending: take the maxima, not the first row).
        issued = RollEntry.objects.filter(ballot=ballot).aggregate(n=Max("paper_number"))["n"]
        revoked = RevokedCredential.objects.filter(ballot=ballot).aggregate(n=Max("paper_number"))[
            "n"
        ]
        highest = max(issued or 0, revoked or 0)
        entry.paper_number = highest + 1
    if entry.channel != channel:
        entry.channel = channel
        entry.channel_reason = f"reissued by {channel}"
    entry.save(update_fields=["credential_hash", "paper_number", "channel", "channel_reason"])
    Delivery.objects.filter(
        entry=entry, state__in=[DeliveryState.QUEUED, DeliveryState.SENDING]
    ).exclude(kind=DeliveryKind.REMINDER).update(state=DeliveryState.REISSUED)
    written, batches = delivery.queue_deliveries(
        ballot, DeliveryKind.REISSUE, round_number=entry.serial, entry_ids=[entry.pk]
    )
    delivery.enqueue_batches(ballot, batches)
    after = {
        "ballot": ballot.pk,
        "serial": entry.serial,
        "channel": channel,
        "paper_revoked": old_paper is not None,
        "paper_issued": entry.paper_number is not None,
        "deliveries_queued": written,
    }
    return entry, after, verdict.clause


@transaction.atomic(durable=True)
def do_reissue_credential(
    entry_id: int, *, channel: str, reason: str, acting_user: Any
) -> RollEntry:
    """Reissue one roll entry's credential (the ballot's manager, any entry, with a reason)."""
    from moot.ballots.access import access_ballot

    ballot_id = RollEntry.objects.filter(pk=entry_id).values_list("ballot_id", flat=True).first()
    if ballot_id is None:
        raise BallotError("No such roll entry.", code=RefusalCode.NOT_FOUND)
    access_ballot(ballot_id, acting_user, for_write=True)
    ballot = _lock(ballot_id)
    entry, after, clause = _reissue(
        ballot, _lock_entry(entry_id), channel=channel, reason=reason, acting_user=acting_user
    )
    record(
        actor=acting_user,
        verb=AuditVerb.REISSUE_CREDENTIAL,
        obj=entry,
        object_repr=f"roll entry of ballot {ballot.pk}",
        after=after,
        reason=entry_reason(reason),
        clause=clause,
    )
    return entry


def do_request_my_reissue(ballot_id: int, *, channel: str, acting_user: Any) -> RollEntry:
    """The member asks for their own credential again, to their frozen address (or by post):
    at most ``SELF_REISSUE_LIMIT`` a day. The count is kept even when the reissue is refused."""
    from moot.limits import hit

    member = getattr(acting_user, "member", None) if acting_user else None
    if member is None:
        raise BallotError(
            "Sign in with the account of a member to ask for your credential.",
            code=RefusalCode.FORBIDDEN,
        )
    wait = hit(
        "ballot_reissue",
        f"{ballot_id}:{member.pk}",
        limit=SELF_REISSUE_LIMIT,
        window=SELF_REISSUE_WINDOW,
    )
    if wait:
        raise BallotError(
            f"You have asked for your credential {SELF_REISSUE_LIMIT} times today: try again "
            f"in {max(1, wait // 60)} minutes, or ask the returning officer.",
            code=RefusalCode.RATE_LIMITED,
        )
    with transaction.atomic(durable=True):
        ballot = _lock(ballot_id)
        entry_id = (
            RollEntry.objects.filter(ballot=ballot, member=member)
            .values_list("pk", flat=True)
            .first()
        )
        if entry_id is None:
            raise BallotError(
                "You are not on the roll of this ballot (the roll is made when it is frozen).",
                code=RefusalCode.STATE,
            )
        entry, after, clause = _reissue(
            ballot,
            _lock_entry(entry_id),
            channel=channel,
            reason="asked for by the member",
            acting_user=acting_user,
        )
        record(
            actor=acting_user,
            verb=AuditVerb.REQUEST_MY_REISSUE,
            obj=entry,
            object_repr=f"roll entry of ballot {ballot.pk}",
            after=after,
            reason="asked for by the member",
            clause=clause,
        )
        return entry
