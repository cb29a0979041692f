"""Casting a vote online and keying returned papers (issue 11, items 7 and 8).

* :func:`do_cast_online`: a vote with a credential (``credentials.entry_for_credential``) or by
  the signed-in member (``casting.entry_for_member``), sealed (``secrecy``) into its slot
  (``casting.place_return``).
* :func:`do_key_paper`: one teller's keying of a returned paper: its number, the check code
  printed beside it, and the marks (or "spoilt" with a reason). Two tellers key each paper
  independently; the second keying decides it: agreeing keyings make a post return through the
  same slots (or set the paper aside, "already voted online"); differing keyings leave a
  discrepancy for a third person.
* :func:`do_resolve_paper`: that third person (a teller who keyed neither, or the scrutineer;
  never the returning officer, who can download the print files that pair numbers with names)
  keys the paper again with it in hand, giving a reason from a fixed list.

An online vote writes an audit event that names nobody and nothing voted ("a vote received
online", the actor left empty even when the voter signed in): the chain counts the returns as
they come, while who voted is only ``RollEntry.voted`` and what was voted is sealed. A teller's
keying and a resolution are audited with the teller and the paper number, never the marks;
a spoilt paper's reason and a resolution's reason are chosen from fixed lists
(``paper_reasons``), so no free description of a paper's marks is stored anywhere.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.ballots import content as ballot_content
from moot.ballots import credentials, hooks, paper_reasons, secrecy
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.casting import (
    Placed,
    check_open_for_returns,
    lock_ballot_for_return,
    lock_entry,
    place_return,
)
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import (
    Ballot,
    Channel,
    PaperDecision,
    PaperKeying,
    PaperOutcome,
    RevokedCredential,
    RollEntry,
    Teller,
)
from moot.limits import note_failure, paced_wait

__all__ = ["KeyingResult", "do_cast_online", "do_key_paper", "do_resolve_paper"]

CHECK_CODE_SCOPE = "ballots.check_code"
CHECK_CODE_FREE = 20
CHECK_CODE_WINDOW = datetime.timedelta(hours=1)
CHECK_CODE_PACE = datetime.timedelta(seconds=10)


def _long_date(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y")


def _sealed_content(ballot: Ballot, choice: Any) -> str:
    text = ballot_content.canonical(ballot, choice)
    return secrecy.seal(ballot, text, ballot_content.padded_width(ballot))


def do_cast_online(
    ballot: Ballot, entry: RollEntry, choice: Any, *, acting_user: Any = None
) -> Placed:
    """Record ``entry``'s online vote. ``acting_user`` None: the entry came from a credential
    (checked again under the lock: a credential replaced meanwhile is refused); else the entry
    must be the signed-in member's own. Refused before the issue, at or after ``close_at``,
    when online voting is not a channel of the ballot, or when the entitlement's slot is taken
    (under ``last_online`` a later online vote replaces the earlier one)."""
    if Channel.ONLINE not in (ballot.channels or []):
        raise BallotError(
            "This ballot takes votes by post only: return the paper you were sent.",
            code=RefusalCode.STATE,
        )
    booth = hooks.online_booth(ballot)
    if booth:
        raise BallotError(
            f"This ballot is verifiable: online votes are encrypted in its own booth, {booth}, "
            "not cast here.",
            code=RefusalCode.STATE,
        )
    check_open_for_returns(ballot)
    sealed = _sealed_content(ballot, choice)
    with transaction.atomic(durable=True):
        locked = lock_ballot_for_return(ballot.pk)
        check_open_for_returns(locked)
        row = lock_entry(entry.pk)
        if row.ballot_id != locked.pk:
            raise BallotError(
                "This credential belongs to another ballot, not this one.",
                field="credential",
                code=RefusalCode.INVALID,
            )
        if acting_user is None:
            if not row.credential_hash or row.credential_hash != entry.credential_hash:
                raise BallotError(
                    "This credential was replaced while you were voting: use the newest one "
                    "you were sent.",
                    field="credential",
                    code=RefusalCode.CONFLICT,
                )
        elif row.member.user_id != acting_user.pk:
            raise BallotError("You can cast only your own vote.", code=RefusalCode.FORBIDDEN)
        if not row.eligible:
            raise BallotError(
                f"This entitlement may not vote in this ballot: {row.reason or 'not eligible'}.",
                clause=row.clause,
                code=RefusalCode.INELIGIBLE,
            )
        placed = place_return(locked, row, Channel.ONLINE, sealed)
        if not placed.placed:
            raise BallotError(
                f"Your vote was not recorded: a vote was already received for you "
                f"({placed.reason}), and under this ballot's rule only one counts.",
                code=RefusalCode.CONFLICT,
            )
        record(
            actor=None,
            verb=AuditVerb.CAST_ONLINE,
            obj=locked,
            object_repr=locked.title,
            after={"channel": Channel.ONLINE, "replaced": placed.replaced},
        )
    return placed


@dataclass(frozen=True)
class KeyingResult:
    """What a keying did: ``outcome`` one of "awaiting_second", "accepted", "spoilt",
    "set_aside", "discrepancy", "resolved"; ``reason`` for a paper set aside or spoilt."""

    paper_number: int
    outcome: str
    reason: str = ""

    @property
    def message(self) -> str:
        return {
            "awaiting_second": f"Paper {self.paper_number} keyed: a second teller keys it too.",
            "accepted": f"Paper {self.paper_number}: both keyings agree; the paper is accepted.",
            "resolved": f"Paper {self.paper_number}: the discrepancy is resolved and the paper "
            "accepted.",
            "spoilt": f"Paper {self.paper_number} is recorded as spoilt ({self.reason}).",
            "set_aside": f"Paper {self.paper_number} is set aside: {self.reason}.",
            "discrepancy": f"Paper {self.paper_number}: the two keyings differ; it is listed for "
            "a third person to resolve with the paper in hand.",
        }[self.outcome]


def _paper_number(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or int(text) < 1:
        raise BallotError(
            f"{text!r} is not a paper number: type the whole number printed on the paper.",
            field="paper_number",
        )
    return int(text)


def _spoilt_reason(spoilt: bool, reason: str) -> str:
    return paper_reasons.spoilt_reason(reason) if spoilt else ""


def _entry_for_paper(ballot: Ballot, number: int, check_code: str) -> RollEntry:
    """The roll entry of paper ``number``, once its check code matches; refusals for a number
    never issued, a wrong check code, and a paper replaced by a reissue."""
    entry = RollEntry.objects.filter(ballot_id=ballot.pk, paper_number=number).first()
    revoked = None
    if entry is None:
        revoked = (
            RevokedCredential.objects.filter(ballot_id=ballot.pk, paper_number=number)
            .order_by("-revoked_at")
            .first()
        )
        if revoked is None:
            raise BallotError(
                f"No paper numbered {number} was issued in this ballot: check the number "
                "printed on the paper.",
                field="paper_number",
                code=RefusalCode.NOT_FOUND,
            )
    code = "".join(ch for ch in str(check_code or "") if not ch.isspace())
    if not hmac.compare_digest(code.encode(), credentials.paper_check(ballot, number).encode()):
        raise BallotError(
            f"The check code does not match paper {number}: check the six digits printed "
            "beside the number, and the number itself.",
            field="check_code",
        )
    if revoked is not None:
        raise BallotError(
            f"Paper {number} was replaced on {_long_date(revoked.revoked_at)} (a new paper was "
            "sent): set it aside unopened for the returning officer.",
            field="paper_number",
            code=RefusalCode.CONFLICT,
        )
    assert entry is not None
    if not entry.eligible:
        raise BallotError(
            f"Paper {number} belongs to a roll entry that may not vote: "
            f"{entry.reason or 'not eligible'}.",
            clause=entry.clause,
            field="paper_number",
            code=RefusalCode.INELIGIBLE,
        )
    return entry


def _refuse_if_decided(ballot: Ballot, number: int) -> None:
    decision = PaperDecision.objects.filter(ballot_id=ballot.pk, paper_number=number).first()
    if decision is not None:
        raise BallotError(
            f"Paper {number} was already decided on {_long_date(decision.decided_at)} "
            f"({decision.get_outcome_display().lower()}): it is not keyed again.",
            field="paper_number",
            code=RefusalCode.CONFLICT,
        )


def _decide(
    ballot: Ballot,
    entry: RollEntry,
    number: int,
    *,
    spoilt: bool,
    spoilt_reason: str,
    sealed: str,
    accepted: str,
    reason: str,
    acting_user: Any,
) -> KeyingResult:
    """Record the decision on a paper whose content is settled."""
    now = timezone.now()
    if spoilt:
        PaperDecision.objects.create(
            ballot_id=ballot.pk,
            paper_number=number,
            outcome=PaperOutcome.SPOILT,
            reason=spoilt_reason,
            decided_by=acting_user,
            decided_at=now,
        )
        return KeyingResult(number, "spoilt", spoilt_reason)
    placed = place_return(ballot, lock_entry(entry.pk), Channel.POST, sealed)
    if not placed.placed:
        PaperDecision.objects.create(
            ballot_id=ballot.pk,
            paper_number=number,
            outcome=PaperOutcome.REFUSED,
            reason=placed.reason,
            decided_by=acting_user,
            decided_at=now,
        )
        return KeyingResult(number, "set_aside", placed.reason)
    PaperDecision.objects.create(
        ballot_id=ballot.pk,
        paper_number=number,
        outcome=accepted,
        reason=reason,
        decided_by=acting_user,
        decided_at=now,
    )
    return KeyingResult(number, "accepted" if accepted == PaperOutcome.ACCEPTED else "resolved")


def _validated(ballot: Ballot, choice: Any, spoilt: bool, spoilt_reason: str) -> tuple[str, str]:
    """(sealed content or "", spoilt reason): the marks checked before anything is locked."""
    reason = _spoilt_reason(spoilt, spoilt_reason)
    if spoilt:
        return "", reason
    return _sealed_content(ballot, choice), ""


def _refuse_unless_teller(ballot: Ballot, user: Any) -> None:
    if not Teller.objects.filter(ballot_id=ballot.pk, user_id=user.pk).exists():
        raise BallotError(
            "Only the ballot's tellers key returned papers.", code=RefusalCode.FORBIDDEN
        )


def _check_code_paced(ballot: Ballot, number: int, check_code: str, user: Any) -> None:
    """Wrong check codes slow a teller down (never a lock-out): after
    ``CHECK_CODE_FREE`` wrong codes in an hour each try waits ``CHECK_CODE_PACE`` after the
    last wrong one, so nobody can run through the million codes of a paper never returned.
    The failure is counted outside the keying's transaction (which the refusal rolls back)."""
    key = f"ballot:{ballot.pk}:user:{user.pk}"
    wait = paced_wait(
        CHECK_CODE_SCOPE, key, free=CHECK_CODE_FREE, window=CHECK_CODE_WINDOW, pace=CHECK_CODE_PACE
    )
    if wait:
        raise BallotError(
            f"Too many wrong check codes: wait {wait} seconds, then check the six digits "
            "printed beside the paper number.",
            field="check_code",
            code=RefusalCode.RATE_LIMITED,
        )
    try:
        _entry_for_paper(ballot, number, check_code)
    except BallotError as exc:
        if exc.field == "check_code":
            note_failure(CHECK_CODE_SCOPE, key, window=CHECK_CODE_WINDOW)
        raise


def do_key_paper(
    ballot: Ballot,
    paper_number: Any,
    check_code: str,
    choice: Any = None,
    *,
    spoilt: bool = False,
    spoilt_reason: str = "",
    acting_user: Any,
) -> KeyingResult:
    """One teller's keying of returned paper ``paper_number`` (with the check code printed
    beside it): its marks (``choice``, as for ``content.canonical``) or ``spoilt`` with a
    reason. The teller is never shown another's keying. The second keying decides the paper:
    agreeing, it is accepted into the entitlement's post slot (or set aside when the slot is
    taken: "already voted online") or recorded as spoilt; differing, it waits for
    :func:`do_resolve_paper`."""
    number = _paper_number(paper_number)
    check_open_for_returns(ballot)
    _refuse_unless_teller(ballot, acting_user)
    _check_code_paced(ballot, number, check_code, acting_user)
    sealed, reason = _validated(ballot, choice, spoilt, spoilt_reason)
    with transaction.atomic(durable=True):
        locked = lock_ballot_for_return(ballot.pk)
        check_open_for_returns(locked)
        _refuse_unless_teller(locked, acting_user)
        entry = _entry_for_paper(locked, number, check_code)
        lock_entry(entry.pk)  # keyings of one paper queue here
        _refuse_if_decided(locked, number)
        keyings = list(PaperKeying.objects.filter(ballot_id=locked.pk, paper_number=number))
        if any(k.teller_id == acting_user.pk for k in keyings):
            raise BallotError(
                f"You have already keyed paper {number}: a second teller keys it independently.",
                field="paper_number",
                code=RefusalCode.CONFLICT,
            )
        if len(keyings) >= 2:
            raise BallotError(
                f"Paper {number} has been keyed twice and the keyings differ: it waits for a "
                "third person to resolve it with the paper in hand (Discrepancies).",
                field="paper_number",
                code=RefusalCode.CONFLICT,
            )
        PaperKeying.objects.create(
            ballot_id=locked.pk,
            paper_number=number,
            teller=acting_user,
            sealed=sealed,
            spoilt=spoilt,
            spoilt_reason=reason,
            keyed_at=timezone.now(),
        )
        if not keyings:
            result = KeyingResult(number, "awaiting_second")
        else:
            first = keyings[0]
            agree = first.spoilt == spoilt and (
                spoilt or secrecy.unseal(locked, first.sealed) == secrecy.unseal(locked, sealed)
            )
            if not agree:
                result = KeyingResult(number, "discrepancy")
            else:
                result = _decide(
                    locked,
                    entry,
                    number,
                    spoilt=spoilt,
                    spoilt_reason=first.spoilt_reason if spoilt else "",
                    sealed=sealed,
                    accepted=PaperOutcome.ACCEPTED,
                    reason="",
                    acting_user=acting_user,
                )
        record(
            actor=acting_user,
            verb=AuditVerb.KEY_PAPER,
            obj=locked,
            object_repr=locked.title,
            after={"paper": number, "keying": len(keyings) + 1, "outcome": result.outcome},
        )
    return result


def do_resolve_paper(
    ballot: Ballot,
    paper_number: Any,
    choice: Any = None,
    *,
    spoilt: bool = False,
    spoilt_reason: str = "",
    reason: str,
    acting_user: Any,
) -> KeyingResult:
    """Resolve a paper whose two keyings differ: a third person (a teller who keyed neither, or
    the scrutineer), with the paper in hand, keys it again, and says why the keyings differed
    by a reason from ``paper_reasons.RESOLUTION_REASONS`` (never a description of the marks).
    The returning officer does not resolve: they may download the print files, which pair
    paper numbers with names."""
    number = _paper_number(paper_number)
    why = paper_reasons.resolution_reason(reason)
    check_open_for_returns(ballot)
    sealed, spoilt_why = _validated(ballot, choice, spoilt, spoilt_reason)
    with transaction.atomic(durable=True):
        locked = lock_ballot_for_return(ballot.pk)
        check_open_for_returns(locked)
        entry = RollEntry.objects.filter(ballot_id=locked.pk, paper_number=number).first()
        if entry is None:
            raise BallotError(
                f"No paper numbered {number} is waiting in this ballot.",
                field="paper_number",
                code=RefusalCode.NOT_FOUND,
            )
        lock_entry(entry.pk)
        _refuse_if_decided(locked, number)
        keyings = list(PaperKeying.objects.filter(ballot_id=locked.pk, paper_number=number))
        if len(keyings) < 2:
            raise BallotError(
                f"Paper {number} has no discrepancy to resolve: it has been keyed "
                f"{len(keyings)} time{'s' if len(keyings) != 1 else ''} of two.",
                field="paper_number",
                code=RefusalCode.STATE,
            )
        scrutineer_id = (
            Ballot.objects.filter(pk=locked.pk).values_list("scrutineer_id", flat=True).first()
        )
        is_scrutineer = scrutineer_id is not None and scrutineer_id == acting_user.pk
        is_teller = Teller.objects.filter(ballot_id=locked.pk, user_id=acting_user.pk).exists()
        if not (is_scrutineer or is_teller):
            raise BallotError(
                "Only a teller who keyed neither keying, or the scrutineer, resolves a "
                "discrepancy (the returning officer, who may download the print files that "
                "pair numbers with names, does not).",
                code=RefusalCode.FORBIDDEN,
            )
        if any(k.teller_id == acting_user.pk for k in keyings):
            raise BallotError(
                f"You keyed paper {number}: a third person (another teller or the scrutineer) "
                "resolves it.",
                code=RefusalCode.FORBIDDEN,
            )
        result = _decide(
            locked,
            entry,
            number,
            spoilt=spoilt,
            spoilt_reason=spoilt_why,
            sealed=sealed,
            accepted=PaperOutcome.RESOLVED,
            reason=why,
            acting_user=acting_user,
        )
        record(
            actor=acting_user,
            verb=AuditVerb.RESOLVE_PAPER,
            obj=locked,
            object_repr=locked.title,
            after={"paper": number, "outcome": result.outcome},
            reason=why,
        )
    return result
