"""Who reads a ballot's result when, and the result as pages and downloads show it (issue 11
item 9; docs/security.md, "Ballots: close, count and declaration").

* counted, not signed: the ballot's own scrutineer (``Ballot.scrutineer``) only. Not the
  returning officer, not a caller, not national staff, not an auditor (who reads the
  administration's aggregates, not the result), not a superuser: the result is locked until
  the scrutineer signs the report (TULRCA s.52: nothing published before the report);
* signed, not declared: also those who oversee the ballot (its managers: the returning
  officer must read it to declare it; the auditor);
* never, before the declaration, a candidate of the ballot (whatever other role they hold);
* declared: everyone, with the downloads (BLT, CDF, the count report as text and JSON, RCTab's
  summary, the chart).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from moot.ballots.models import Ballot, BallotState, Candidate, Precedence

DOWNLOADS = {
    "ballots.blt": "text/plain; charset=utf-8",
    "ballots-cdf.json": "application/json",
    "count.txt": "text/plain; charset=utf-8",
    "count.json": "application/json",
    "rctab-summary.json": "application/json",
    "chart.svg": "image/svg+xml",
}


def may_read_result(ballot: Ballot, user: Any) -> bool:
    """Whether ``user`` may read the ballot's result now (see the module docstring)."""
    if ballot.state == BallotState.DECLARED:
        return True
    if ballot.state != BallotState.COUNTED or not getattr(user, "is_authenticated", False):
        return False
    if is_candidate(ballot, user):
        return False
    if ballot.signed_at is None:
        return ballot.scrutineer_id is not None and ballot.scrutineer_id == user.pk
    return bool(user.has_perm("ballots.oversee_ballot", ballot))


def is_candidate(ballot: Ballot, user: Any) -> bool:
    """Whether ``user`` is (the member of) a candidate on this ballot."""
    return Candidate.objects.filter(ballot=ballot, member__user_id=user.pk).exists()


def locked_reason(ballot: Ballot) -> str:
    """Why the result is not shown (for the pages)."""
    if ballot.state in {BallotState.DRAFT, BallotState.FROZEN, BallotState.OPEN}:
        return "The ballot has not closed: there are no results while it is open, to anyone."
    if ballot.state == BallotState.CLOSED:
        return "The ballot has closed and is waiting to be counted."
    if ballot.signed_at is None:
        return (
            "The ballot has been counted. The result is locked until the scrutineer signs "
            "their report (TULRCA 1992 s.52): nobody else reads it before, not even the "
            "returning officer."
        )
    return "The scrutineer has signed the report; the returning officer will declare the result."


def returns_summary(ballot: Ballot) -> dict[str, Any] | None:
    """The returns as the close kept them (aggregates only), for the public results page: per
    channel received, replaced, set aside, spoilt and counted; the reasons papers were set
    aside (by channel) and spoilt; the declared precedence."""
    returns = ballot.returns
    if not returns:
        return None
    channels = []
    set_aside = []
    for channel, row in sorted((returns.get("by_channel") or {}).items()):
        aside = row.get("set_aside") or {}
        channels.append(
            {
                "channel": channel,
                "received": int(row.get("received", 0)),
                "replaced": int(row.get("replaced", 0)),
                "set_aside": sum(int(n) for n in aside.values()),
                "spoilt": int(row.get("spoilt", 0)),
                "counted": int(row.get("counted", 0)),
            }
        )
        set_aside += [
            {"channel": channel, "reason": reason, "n": int(n)}
            for reason, n in sorted(aside.items())
        ]
    precedence = str(returns.get("precedence") or ballot.precedence)
    return {
        "channels": channels,
        "set_aside": set_aside,
        "spoilt": sorted((returns.get("spoilt") or {}).items()),
        "counted": int(returns.get("counted", 0)),
        "precedence": Precedence(precedence).label
        if precedence in Precedence.values
        else precedence,
    }


def round_table(result: dict[str, Any]) -> dict[str, Any]:
    """The votes of each candidate in each round, from the stored JSON result."""
    rounds = result.get("rounds") or []
    rows = []
    for name in result.get("candidates") or []:
        values = [r["tallies"].get(name, "–") for r in rounds]
        rows.append(
            {
                "name": name,
                "values": values,
                "elected": name in (result.get("elected") or []),
                "withdrawn": name in (result.get("withdrawn") or []),
            }
        )
    exhausted = [r.get("exhausted") or "0" for r in rounds]
    if any(value.strip("0.") for value in exhausted):
        rows.append({"name": "Exhausted", "values": exhausted, "elected": False})
    actions = [
        {"number": r["round"], "action": r["action"], "notes": r.get("notes") or []} for r in rounds
    ]
    return {"actions": actions, "rows": rows}


def downloads(ballot: Ballot) -> dict[str, str]:
    """The declared ballot's downloads, name → text (count report and ballots re-derived from
    the stored ballots by the one pure count)."""
    from moot.ballots.count import count_ballot
    from moot.counting.formats.blt import parse_blt
    from moot.counting.formats.cdf import write_cdf
    from moot.counting.reports import render_chart_svg

    counted = count_ballot(ballot)
    return {
        "ballots.blt": counted.blt,
        "ballots-cdf.json": write_cdf(parse_blt(counted.blt, source="ballots.blt")),
        "count.txt": counted.text,
        "count.json": json_text(counted.json),
        "rctab-summary.json": json_text(counted.rctab),
        "chart.svg": render_chart_svg(counted.result),
    }


def json_text(data: object) -> str:
    """A JSON download as the published record writes its files (sorted keys, indented)."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
