"""What the delivery dashboard and its API read: counts only (kind × channel × state), the
bounces and failures by reason, the post queue, the reminder rounds. No address, no name, no
credential: the overseers of a ballot see how the mail-out goes, not who is in it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from moot.ballots.models import Ballot, Channel, Delivery, DeliveryKind, DeliveryState
from moot.ballots.tasks import STUCK_AFTER


def delivery_counts(ballot: Ballot) -> dict[str, Any]:
    """``{"rows": [{"kind", "kind_label", "channel", "channel_label", "states": {state: n},
    "total"}], "states": [(value, label)], "totals": {state: n}, "total": n}``."""
    from django.utils import timezone

    grouped = (
        Delivery.objects.filter(ballot=ballot)
        .values("kind", "channel", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict[tuple[str, str], dict[str, int]] = {}
    for row in grouped:
        table.setdefault((row["kind"], row["channel"]), {})[row["state"]] = row["n"]
    states = list(DeliveryState.choices)
    rows: list[dict[str, Any]] = []
    for kind, kind_label in DeliveryKind.choices:
        for channel, channel_label in Channel.choices:
            counts = table.get((kind, channel))
            if not counts:
                continue
            rows.append(
                {
                    "kind": kind,
                    "kind_label": kind_label,
                    "channel": channel,
                    "channel_label": "E-mail" if channel == Channel.ONLINE else channel_label,
                    "states": {value: counts.get(value, 0) for value, _label in states},
                    "cells": [counts.get(value, 0) for value, _label in states],
                    "total": sum(counts.values()),
                }
            )
    totals = {value: sum(r["states"][value] for r in rows) for value, _label in states}
    stuck = Delivery.objects.filter(
        ballot=ballot,
        state=DeliveryState.SENDING,
        claimed_at__lte=timezone.now() - STUCK_AFTER,
    ).count()
    return {
        "rows": rows,
        "states": states,
        "totals": totals,
        "total_cells": [totals[value] for value, _label in states],
        "total": sum(totals.values()),
        "stuck": stuck,
    }


def problems_by_reason(ballot: Ballot, *, limit: int = 20) -> list[dict[str, Any]]:
    """Bounced and failed e-mails grouped by the server's answer (most frequent first)."""
    rows = (
        Delivery.objects.filter(
            ballot=ballot, state__in=[DeliveryState.BOUNCED, DeliveryState.FAILED]
        )
        .values("state", "error")
        .annotate(n=Count("id"))
        .order_by("-n", "state", "error")[:limit]
    )
    labels = dict(DeliveryState.choices)
    return [
        {"state": r["state"], "state_label": labels[r["state"]], "error": r["error"], "n": r["n"]}
        for r in rows
    ]


def post_queue(ballot: Ballot) -> dict[str, int]:
    """Post deliveries waiting for a print file, by kind, and those already in one."""
    post = Delivery.objects.filter(ballot=ballot, channel=Channel.POST)
    waiting = dict(
        post.filter(state=DeliveryState.QUEUED)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "invitations": waiting.get(DeliveryKind.INVITATION, 0),
        "reissues": waiting.get(DeliveryKind.REISSUE, 0),
        "reminders": waiting.get(DeliveryKind.REMINDER, 0),
        "notices": waiting.get(DeliveryKind.NOTICE, 0),
        "printed": post.filter(state=DeliveryState.PRINTED).count(),
        "bounced_to_post": post.filter(entry__channel_reason="e-mail bounced").count(),
    }


def reminder_rounds(ballot: Ballot) -> list[dict[str, int]]:
    rows = (
        Delivery.objects.filter(ballot=ballot, kind=DeliveryKind.REMINDER)
        .values("round")
        .annotate(n=Count("id"))
        .order_by("round")
    )
    return [{"round": r["round"], "n": r["n"]} for r in rows]


def not_voted_by_email(ballot: Ballot) -> int:
    """How many the next reminder would go to."""
    return (
        ballot.roll.filter(eligible=True, voted=False, channel=Channel.ONLINE)
        .exclude(email="")
        .count()
    )
