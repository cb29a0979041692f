"""The scrutineer's report on a ballot (issue 11 item 9; TULRCA 1992 s.52, BALLOTS.md §2.1).

The report states, as s.52 requires: the number of voting papers (and online credentials)
distributed, by channel; the number returned; the valid votes cast for each candidate (first
preferences and the final round); the number of spoilt or otherwise invalid papers, with their
reasons, and the returns set aside with theirs; and whether the scrutineer is satisfied

(a) that there are no reasonable grounds for believing that there was any contravention of a
    requirement imposed by or under any enactment in relation to the ballot,
(b) that the arrangements made with respect to the production, storage, distribution, return
    or other handling of the voting papers, and the arrangements for the counting of the votes,
    included all such security arrangements as were reasonably practicable for the purpose of
    minimising the risk that any unfairness or malpractice might occur, and
(c) that the scrutineer has been able to carry out their functions without such interference
    as would make it reasonable for any person to call the scrutineer's independence into
    question,

with the reasons where not satisfied. The figures are drawn from the ballot as counted (never
typed); the statements and reasons are the scrutineer's own, given when they sign
(``do_sign_scrutineer_report``). Until they sign, nobody (not even the returning officer) reads
the result; the union (here, the party) may not publish it before the report is received.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q

from moot.ballots.models import Ballot, RevokedCredential, RollEntry

FORMAT = "moot-scrutineer-report/1"

STATEMENTS: dict[str, str] = {
    "a": (
        "There are no reasonable grounds for believing that there was any contravention of a "
        "requirement imposed by or under any enactment or the rulebook in relation to the ballot."
    ),
    "b": (
        "The arrangements for the production, storage, distribution, return and other handling "
        "of the voting papers and credentials, and for the counting of the votes, included all "
        "such security arrangements as were reasonably practicable to minimise the risk of "
        "unfairness or malpractice."
    ),
    "c": (
        "The scrutineer has been able to carry out their functions without such interference as "
        "would make it reasonable for any person to call their independence into question."
    ),
}


def distributed(ballot: Ballot) -> dict[str, Any]:
    """Credentials and papers distributed: eligible roll entries by channel (an entry issued a
    credential or a paper number), and how many were reissued (the old one revoked)."""
    issued = (
        RollEntry.objects.filter(ballot=ballot, eligible=True)
        .filter(~Q(credential_hash="") | Q(paper_number__isnull=False))
        .values_list("channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_channel = {"online": 0, "post": 0}
    by_channel.update(dict(issued))
    return {
        "by_channel": by_channel,
        "total": sum(by_channel.values()),
        "reissued": RevokedCredential.objects.filter(ballot=ballot).count(),
    }


def _votes(result: dict[str, Any], which: int) -> dict[str, str]:
    rounds = result.get("rounds") or []
    if not rounds:
        return {}
    tallies = rounds[which].get("tallies") or {}
    return {name: tallies.get(name, "0") for name in result.get("candidates", [])}


def figures(ballot: Ballot) -> dict[str, Any]:
    """The report's figures (everything but the scrutineer's statements)."""
    returns = ballot.returns or {}
    result = ballot.result or {}
    set_aside: Counter[str] = Counter()
    received = 0
    for row in (returns.get("by_channel") or {}).values():
        received += int(row.get("received", 0))
        set_aside.update(row.get("set_aside") or {})
    return {
        "distributed": distributed(ballot),
        "returned": {
            "by_channel": {
                channel: int(row.get("received", 0))
                for channel, row in (returns.get("by_channel") or {}).items()
            },
            "total": received,
        },
        # Returns a later one of the same channel replaced (last_online: online votes).
        "replaced": {
            channel: int(row.get("replaced", 0))
            for channel, row in (returns.get("by_channel") or {}).items()
        },
        "counted": int(returns.get("counted", 0)),
        "valid_votes": {
            "candidates": list(result.get("candidates") or []),  # ballot order
            "quota": result.get("quota"),
            "first_preferences": _votes(result, 0),
            "final": _votes(result, -1),
            "elected": list(result.get("elected") or []),
            "withdrawn": list(result.get("withdrawn") or []),
        },
        "spoilt": dict(sorted((returns.get("spoilt") or {}).items())),
        "set_aside": dict(sorted(set_aside.items())),
    }


def build_report(
    ballot: Ballot, statements: dict[str, dict[str, Any]], *, signed_by: str, signed_at: str
) -> dict[str, Any]:
    """The report as JSON (``Ballot.scrutineer_report``): figures, the three statements (each
    satisfied or not, with reasons when not) and the signature."""
    return {
        "format": FORMAT,
        "ballot": ballot.pk,
        "title": ballot.title,
        "unit": ballot.unit.name,
        "method": ballot.method,
        "seats": ballot.seats,
        "min_women": ballot.min_women,
        "precedence": ballot.precedence,
        **figures(ballot),
        "statements": {
            key: {
                "statement": STATEMENTS[key],
                "satisfied": bool(statements[key]["satisfied"]),
                "reasons": str(statements[key].get("reasons") or ""),
            }
            for key in STATEMENTS
        },
        "scrutineer": signed_by,
        "signed_at": signed_at,
    }


def _lines(title: str, counts: dict[str, Any]) -> list[str]:
    if not counts:
        return [f"{title}: none"]
    return [f"{title}:"] + [f"  {reason}: {n}" for reason, n in sorted(counts.items())]


def render_text(report: dict[str, Any]) -> str:
    """The report as plain text, for print and download (the same text whatever order the
    database gave the JSON's keys in: PostgreSQL's jsonb sorts them its own way)."""
    dist = report["distributed"]
    ret = report["returned"]
    votes = report["valid_votes"]
    lines = [
        f"Scrutineer's report: {report['title']}",
        f"Unit: {report['unit']}   Method: {report['method']}   Seats: {report['seats']}",
        "",
        "Credentials and papers distributed: "
        + ", ".join(f"{c} {n}" for c, n in sorted(dist["by_channel"].items()))
        + f" (total {dist['total']}; {dist['reissued']} reissued)",
        "Returned: "
        + ", ".join(f"{c} {n}" for c, n in sorted(ret["by_channel"].items()))
        + f" (total {ret['total']})",
        f"Counted (valid papers): {report['counted']}",
    ]
    replaced = report.get("replaced") or {}
    if any(replaced.values()):
        lines.append(
            "Replaced by a later return of the same channel (not counted): "
            + ", ".join(f"{c} {n}" for c, n in sorted(replaced.items()))
        )
    lines += _lines("Spoilt or invalid papers, by reason", report["spoilt"])
    lines += _lines("Returns set aside, by reason", report["set_aside"])
    lines.append("")
    lines.append("Valid votes for each candidate (first preferences; final round):")
    for name in votes.get("candidates") or sorted(votes["first_preferences"]):
        first = votes["first_preferences"].get(name, "-")
        lines.append(f"  {name}: {first}; {votes['final'].get(name, '-')}")
    lines.append("Elected: " + (", ".join(votes["elected"]) or "none"))
    if votes["withdrawn"]:
        lines.append("Withdrawn: " + ", ".join(votes["withdrawn"]))
    lines.append("")
    for key, item in sorted(report["statements"].items()):
        verdict = "Satisfied" if item["satisfied"] else "NOT satisfied"
        lines.append(f"({key}) {verdict}: {item['statement']}")
        if not item["satisfied"]:
            lines.append(f"    Reasons: {item['reasons']}")
    lines.append("")
    lines.append(f"Signed: {report['scrutineer']}, {report['signed_at']}")
    return "\n".join(lines) + "\n"
