"""What a closed poll's result publishes, by the kind of vote and the rulebook's ``[polls]``.

The stored ``Poll.result`` keeps the whole count (a declaration places candidates from it, a
recount checks against it); every reader that shows a result to a person — the poll page, the
projector, the API, the minutes, a motion's figures — goes through ``public_result`` or reads
the ``withheld`` and ``low_turnout`` notes that ``notes_at_close`` adds when the poll closes:

* a secret ballot with fewer voters than the rulebook's minimum (never fewer than two) shows
  its totals only: how many voted and the outcome, never the votes for each choice, the rounds,
  the chart, the count report or the anonymised ballots;
* a result on fewer votes than the rulebook's low-turnout share of those present is noted.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from moot import rulebook
from moot.polls.models import Poll, Voting

# Keys of a stored result that show how the votes were divided (withheld for a small secret
# ballot); what stays is the turnout and the outcome.
FIGURES_KEYS = ("count", "table", "explanation")


def rules_for(poll: Poll) -> Any:
    """The ``[polls]`` rules of the edition in force when the poll opened (or today)."""
    from moot.units.queries import edition_in_force

    moment = poll.opened_at or poll.closed_at or timezone.now()
    edition: rulebook.Edition = edition_in_force(timezone.localdate(moment))
    return edition.polls


def how_taken(poll: Poll, *, in_a_sentence: bool = False) -> str:
    """The way the vote was taken, as the result page names it ("show of hands", "paper
    ballot", "electronic secret ballot", "named (roll call)"); ``in_a_sentence``: the words
    for the minutes and a motion's record, where the last is "electronic roll-call vote"."""
    if poll.voting == Voting.SHOW_OF_HANDS:
        return "show of hands"
    if poll.voting == Voting.PAPER:
        return "paper ballot"
    if poll.secret:
        return "electronic secret ballot"
    return "electronic roll-call vote" if in_a_sentence else "named (roll call)"


def withheld_note(minimum: int, clause: str) -> str:
    return (
        f"Fewer than {minimum} voted: only totals are shown to protect the secrecy of the ballot"
        + (f" (clause {clause})." if clause else ".")
    )


def _share(votes: int, present: int) -> str:
    share = 100 * votes / present
    return f"{share:.1f}%" if share < 10 else f"{share:.0f}%"


def low_turnout_note(votes: int, present: int, rules: Any, *, at_meeting: bool = True) -> str:
    who = "present" if at_meeting else "eligible"
    return (
        f"Low turnout: {votes:,} {'vote' if votes == 1 else 'votes'} from {present:,} {who} "
        f"({_share(votes, present)}), below {rules.low_turnout_text} of those {who}"
        + (f" (clause {rules.low_turnout_clause})." if rules.low_turnout_clause else ".")
    )


def notes_at_close(poll: Poll, summary: dict[str, Any]) -> dict[str, Any]:
    """The notes a closing poll's stored result carries (called by ``do_close_poll``):
    ``withheld`` for a small secret ballot, ``low_turnout`` for a result on few votes. Fixed at
    the close, so a later edition of the rulebook does not change a declared result."""
    rules = rules_for(poll)
    ballots = int(summary.get("ballots") or 0)
    present = int(summary.get("eligible") or 0)
    notes: dict[str, Any] = {}
    secret = poll.voting == Voting.PAPER or (poll.voting == Voting.ELECTRONIC and poll.secret)
    if rules.figures_withheld(secret=secret, voters=ballots):
        notes["withheld"] = {
            "minimum": rules.minimum_voters,
            "clause": rules.secret_minimum_clause,
            "note": withheld_note(rules.minimum_voters, rules.secret_minimum_clause),
        }
    if ballots and rules.is_low_turnout(votes=ballots, present=present):
        notes["low_turnout"] = {
            "share": rules.low_turnout_text,
            "clause": rules.low_turnout_clause,
            "note": low_turnout_note(
                ballots, present, rules, at_meeting=poll.meeting_id is not None
            ),
        }
    return notes


def few_voters_warning(poll: Poll) -> str:
    """For the close confirmation of an electronic secret ballot: a warning when fewer than the
    rulebook's minimum have voted so far (closing now would give a result so small that it
    could show how someone voted); "" otherwise."""
    from moot.polls.models import Participation

    if poll.voting != Voting.ELECTRONIC or not poll.secret:
        return ""
    rules = rules_for(poll)
    voted = Participation.objects.filter(poll=poll).count()
    if not rules.figures_withheld(secret=True, voters=voted):
        return ""
    clause = f" (clause {rules.secret_minimum_clause})" if rules.secret_minimum_clause else ""
    return (
        f"Only {voted} member{'s' if voted != 1 else ''} ha{'ve' if voted != 1 else 's'} "
        f"voted, fewer than the {rules.minimum_voters} the rulebook asks for a secret "
        f"ballot{clause}. Closing now shows totals only, and with so few votes even the totals "
        "may show how someone voted: consider keeping the vote open until more have voted."
    )


def figures_withheld(poll: Poll) -> bool:
    return bool((poll.result or {}).get("withheld"))


def public_result(poll: Poll) -> dict[str, Any]:
    """The stored result as anyone may read it: without the figures of a small secret ballot."""
    result = dict(poll.result or {})
    if result.get("withheld"):
        for key in FIGURES_KEYS:
            result.pop(key, None)
    return result


def yes_no_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """For, against and abstaining of a counted yes/no poll (from the stored first round)."""
    table = result.get("table") or {}
    labels = {"Yes": "For", "No": "Against", "Abstain": "Abstain"}
    rows = []
    for row in table.get("rows") or []:
        if row.get("name") in labels:
            values = row.get("values") or []
            rows.append({"name": labels[row["name"]], "votes": values[0] if values else "0"})
    return rows


def result_context(poll: Poll | None) -> dict[str, Any]:
    """What ``polls/_result.html`` reads: the public result, the table that fits the kind of
    vote (For/Against/Abstain for a yes/no; candidates by round for an election) and the
    notes."""
    result = public_result(poll) if poll is not None else {}
    table = result.get("table") or {}
    yes_no = poll is not None and poll.method == "yes-no"
    return {
        "poll": poll,
        "result": result,
        "how_taken": how_taken(poll) if poll is not None else "",
        "yes_no_rows": yes_no_rows(result) if yes_no else [],
        "round_actions": [] if yes_no else table.get("actions") or [],
        "round_rows": [] if yes_no else table.get("rows") or [],
        "elected": result.get("elected") or [],
        "carried": result.get("carried"),
        "withheld": (result.get("withheld") or {}).get("note", ""),
        "low_turnout": (result.get("low_turnout") or {}).get("note", ""),
        # Who was declared on this count, where that differs or adds to it (polls.hooks).
        "declared": _declared(poll) if poll is not None and poll.is_closed else "",
    }


def _declared(poll: Poll) -> str:
    from moot.polls import hooks

    return hooks.declared(poll)
