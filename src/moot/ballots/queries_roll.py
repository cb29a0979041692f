"""Reads of the roll: a member's own entry, the summary for the ballot's overseers (counts and
refusals only, never a list of names) and one entry looked up by membership number."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from moot.ballots.models import Ballot, Channel, RevokedCredential, RollEntry


def entry_of_member(ballot: Ballot, member: Any) -> RollEntry | None:
    if member is None:
        return None
    return (
        RollEntry.objects.filter(ballot=ballot, member=member)
        .select_related("member", "unit", "region")
        .first()
    )


def entry_of_user(ballot: Ballot, user: Any) -> RollEntry | None:
    member = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
    return entry_of_member(ballot, member)


def provisional_verdict(ballot: Ballot, user: Any) -> tuple[Any, datetime.date] | None:
    """Before the freeze, the rulebook's "ballot" verdict on the signed-in member as the roll
    will assess it (``roll.assess_roll``): as at the freeze date, or today if that is later;
    and the day assessed. None for a user with no member record or outside the ballot's unit
    (the page says so)."""
    from moot import rulebook
    from moot.members.models import Member, MembershipPeriod
    from moot.units.queries import edition_in_force, member_in_unit_q

    member = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
    if member is None:
        return None
    if not Member.objects.filter(member_in_unit_q(ballot.unit), pk=member.pk).exists():
        return None
    today = timezone.localdate()
    on = max(ballot.freeze_date, today) if ballot.freeze_date else today
    intervals = tuple(
        rulebook.StatusInterval(*row)
        for row in MembershipPeriod.objects.filter(member=member)
        .order_by("start")
        .values_list("status", "start", "end")
    )
    verdict = rulebook.assess_eligibility(
        edition_in_force(on), "ballot", intervals, on=on, freeze_date=on, in_unit=True
    )
    return verdict, on


def entry_by_number(ballot: Ballot, number: str, *, field: str = "number") -> RollEntry:
    """The roll entry of the member numbered ``number``: a look-up counted against the
    overseer's limit (moot.limits), with the same answer for a number nobody has and one not on
    this roll."""
    from moot.ballots.errors import BallotError, RefusalCode
    from moot.limits import note_number_lookup

    text = (number or "").strip().upper()
    entry = (
        RollEntry.objects.filter(ballot=ballot, member__number=text)
        .select_related("member", "unit", "region")
        .first()
        if text
        else None
    )
    note_number_lookup(entry.member if entry else None, field=field)
    if entry is None:
        raise BallotError(
            f"Nobody numbered {text or '(empty)'} is on the roll of this ballot.",
            field=field,
            code=RefusalCode.INVALID,
        )
    return entry


def revocations_of(entry: RollEntry) -> list[RevokedCredential]:
    return list(RevokedCredential.objects.filter(entry=entry).order_by("revoked_at", "id"))


def roll_summary(ballot: Ballot) -> dict[str, Any]:
    """Counts of the frozen roll: eligible and refused, refusals by reason and clause, per
    constituency and region, channels with their reasons, credentials and papers issued and
    reissued. Aggregates only."""
    from moot.units.models import Unit

    entries = RollEntry.objects.filter(ballot=ballot)
    counted = entries.aggregate(
        n_assessed=Count("id"),
        n_eligible=Count("id", filter=Q(eligible=True)),
        n_online=Count("id", filter=Q(eligible=True, channel=Channel.ONLINE)),
        n_post=Count("id", filter=Q(eligible=True, channel=Channel.POST)),
        n_credentials=Count("id", filter=Q(eligible=True) & ~Q(credential_hash="")),
        n_papers=Count("id", filter=Q(paper_number__isnull=False)),
    )
    totals = {key.removeprefix("n_"): value for key, value in counted.items()}
    refusals = list(
        entries.filter(eligible=False)
        .values("reason", "clause")
        .annotate(members=Count("id"))
        .order_by("-members", "reason")
    )
    post_reasons = list(
        entries.filter(eligible=True, channel=Channel.POST)
        .values("channel_reason")
        .annotate(members=Count("id"))
        .order_by("-members", "channel_reason")
    )
    rows = (
        entries.values("unit_id")
        .annotate(
            n_eligible=Count("id", filter=Q(eligible=True)),
            n_refused=Count("id", filter=Q(eligible=False)),
            n_post=Count("id", filter=Q(eligible=True, channel=Channel.POST)),
        )
        .order_by("unit_id")
        .values_list("unit_id", "n_eligible", "n_refused", "n_post")
    )
    per_unit: list[dict[str, Any]] = [
        {"unit_id": unit_id, "eligible": eligible, "refused": refused, "post": post}
        for unit_id, eligible, refused, post in rows
    ]
    names = dict(
        Unit.objects.filter(pk__in=[row["unit_id"] for row in per_unit]).values_list("pk", "name")
    )
    for row in per_unit:
        row["name"] = names.get(row["unit_id"], "")
    per_unit.sort(key=lambda row: (row["name"], row["unit_id"]))
    revoked = RevokedCredential.objects.filter(ballot=ballot).aggregate(
        reissued=Count("id"), papers=Count("id", filter=Q(paper_number__isnull=False))
    )
    return {
        **totals,
        "refused": totals["assessed"] - totals["eligible"],
        "refusals": refusals,
        "post_reasons": post_reasons,
        "units": per_unit,
        "reissued": revoked["reissued"],
        "papers_revoked": revoked["papers"],
        "commitment": ballot.roll_commitment or {},
    }
