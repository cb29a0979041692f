"""The ``[polls]`` chapter: how a vote's result is published.

* ``secret_minimum_voters``: a secret ballot with fewer voters than this shows totals only (how
  many voted and the outcome), never the figures for each choice, the rounds, the chart or the
  anonymised ballots; with so few voters the figures would tell who voted how. moot never
  publishes the figures of a secret ballot with one voter, whatever the edition says
  (``SECRECY_FLOOR``).
* ``low_turnout``: a share of those present and eligible; a result on fewer votes than that
  share carries a note ("1 vote from 122 present"). Without it moot notes a result on fewer
  votes than half of those present (``DEFAULT_LOW_TURNOUT``), citing no clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

# A secret ballot's figures are never published with fewer voters than this: with one voter
# they are that voter's choice.
SECRECY_FLOOR = 2
DEFAULT_LOW_TURNOUT = Fraction(1, 2)


@dataclass(frozen=True)
class PollRules:
    secret_minimum_voters: int = SECRECY_FLOOR
    secret_minimum_clause: str = ""
    low_turnout: Fraction = DEFAULT_LOW_TURNOUT
    low_turnout_text: str = "50%"
    low_turnout_clause: str = ""
    text: str = ""

    @property
    def minimum_voters(self) -> int:
        """Voters a secret ballot needs before its figures are shown (never below the floor)."""
        return max(self.secret_minimum_voters, SECRECY_FLOOR)

    def figures_withheld(self, *, secret: bool, voters: int) -> bool:
        """Whether a secret ballot with ``voters`` voters shows totals only."""
        return secret and 0 < voters < self.minimum_voters

    def is_low_turnout(self, *, votes: int, present: int) -> bool:
        """Whether ``votes`` from ``present`` eligible is below the low-turnout share."""
        return present > 0 and Fraction(votes, present) < self.low_turnout


def parse_polls(table: Any) -> PollRules:
    """Read the optional ``[polls]`` table (a ``parse._Table``); every key is optional."""
    if not table.data:
        table.done()
        return PollRules()
    clause = table.clause("clause", "")
    minimum = table.whole("secret_minimum_voters", SECRECY_FLOOR, unit="voters", minimum=1)
    minimum_clause = table.clause("secret_minimum_clause", clause) or clause
    share, share_text = table.share("low_turnout", None)
    turnout_clause = table.clause("low_turnout_clause", clause) or clause
    for key, cited in (("secret_minimum_voters", minimum_clause), ("low_turnout", turnout_clause)):
        if key in table.data and not cited:
            raise table.error(
                key,
                'the rule needs its clause: add clause = "15.5" to [polls] (or one per key)',
            )
    text = table.text("text", "")
    table.done()
    return PollRules(
        secret_minimum_voters=minimum,
        secret_minimum_clause=minimum_clause,
        low_turnout=share if share is not None else DEFAULT_LOW_TURNOUT,
        low_turnout_text=share_text or "50%",
        low_turnout_clause=turnout_clause if share is not None else "",
        text=text,
    )


DEFAULT_POLL_RULES = PollRules()
