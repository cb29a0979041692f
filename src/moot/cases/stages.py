"""The case process's stages, the moves between them and the records each move needs (issue 10
item 5, RULES.md §10 R-E4: "a case file cannot move stage unless the required artefacts are
attached"), and the test a decision's reasons must pass (R-E3: a rule, a published criterion and
written reasons; "press interest" is not a reason).

Pure: stage names and sets of record keys in, what is missing out. ``cases.actions.stages``
works out which records a case has and refuses a move naming what is missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "MOVES",
    "RECORDS",
    "ReasonsProblem",
    "allowed_moves",
    "check_reasons",
    "missing_records",
]

# What each record key means, in the words a refusal uses ("… needs <text>").
RECORDS: dict[str, str] = {
    "complaint": "the complaint itself (a description of what happened)",
    "acknowledged": "an acknowledgement sent to the complainant",
    "case_handler": "a case handler assigned",
    "triage_reasons": "a triage decision with reasons, the rule and the criterion",
    "investigator": "an investigator assigned (trained, with no conflict)",
    "notice": "the notice of investigation sent to the respondent (the allegation and its basis)",
    "reply": "the respondent's reply, or the end of the time given to reply",
    "evidence": "the evidence gathered (a file, or a statement: a party's answer or reply)",
    "report": "the investigation report",
    "panel": "a panel drawn at random from the trained pool, every seat filled",
    "decision": "the panel's decision with reasons, the rule and the criterion",
    "reviewed": "the independent reviewer's verification (a protected-characteristic case)",
    "reviewer": "an independent reviewer assigned",
    "veto": "the independent reviewer's veto",
    "appeal_window": "the end of the time allowed for an appeal, or an appeal decided",
    "appeal_lodged": "an appeal lodged within the time allowed",
    "appeal_panel": "an appeal panel drawn, with nobody from the first panel",
    "appeal_decision": "the appeal panel's decision with reasons, the rule and the criterion",
}

# (from, to) -> the records the move needs. A move not listed is not allowed.
MOVES: dict[tuple[str, str], tuple[str, ...]] = {
    ("received", "triage"): ("complaint", "acknowledged", "case_handler"),
    ("triage", "no_further_action"): ("triage_reasons",),
    ("triage", "reminder_of_conduct"): ("triage_reasons",),
    ("triage", "investigation"): ("triage_reasons", "investigator", "notice"),
    ("triage", "closed"): ("triage_reasons",),
    ("investigation", "report"): ("investigator", "notice", "reply", "evidence", "report"),
    ("report", "panel"): ("report", "panel"),
    ("panel", "decided"): ("decision",),
    ("decided", "review"): ("decision", "reviewer"),
    ("review", "decided"): ("reviewed",),
    ("review", "panel"): ("veto", "panel"),
    ("decided", "appeal"): ("decision", "reviewed", "appeal_lodged", "appeal_panel"),
    ("decided", "closed"): ("decision", "reviewed", "appeal_window"),
    ("appeal", "closed"): ("appeal_decision",),
}


def allowed_moves(stage: str) -> list[str]:
    """The stages a case in ``stage`` may move to (in the order of MOVES)."""
    return [to for (frm, to) in MOVES if frm == stage]


def missing_records(stage: str, to: str, have: Iterable[str]) -> list[str]:
    """The records (keys of RECORDS) that the move from ``stage`` to ``to`` needs and the case
    lacks. ValueError when the move is not one the process has."""
    try:
        needed = MOVES[(stage, to)]
    except KeyError:
        onward = ", ".join(allowed_moves(stage)) or "nowhere (reopen it first)"
        raise ValueError(
            f"a case cannot move from {stage} to {to}; from {stage} it moves to {onward}"
        ) from None
    present = frozenset(have)
    return [key for key in needed if key not in present]


@dataclass(frozen=True)
class ReasonsProblem:
    field: str  # "reasons", "clause" or "criterion"
    message: str


_SPACES = re.compile(r"\s+")


# Endings a word of an improper ground may take and still be that ground ("newspapers",
# "headlines", "reputational"); never a longer stem ("pressure" is not "press").
_ENDINGS = ("", "s", "es", "d", "ed", "ing", "al")


def _mentions(words: list[str], phrase: list[str]) -> bool:
    """Whether ``words`` hold ``phrase``'s words in a row, each whole or with one of
    ``_ENDINGS``."""
    if not phrase:
        return False
    return any(
        all(
            words[start + k].startswith(stem) and words[start + k][len(stem) :] in _ENDINGS
            for k, stem in enumerate(phrase)
        )
        for start in range(len(words) - len(phrase) + 1)
    )


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", re.sub(r"[^0-9a-z]+", " ", kept)).strip()


def check_reasons(
    reasons: str,
    clause: str,
    criterion: str,
    *,
    improper: Iterable[str],
    criteria: Iterable[str],
    min_words: int,
) -> ReasonsProblem | None:
    """The first thing wrong with a decision's grounds (None when they stand): no clause; a
    criterion the rulebook does not publish; reasons shorter than ``min_words`` words; reasons
    resting on a ground the rulebook lists as improper (matched as whole words with their plain
    endings, ignoring case, accents and punctuation: "Press-interest" is "press interest",
    "newspapers'" is "newspaper", "pressure" is not "press")."""
    if not clause.strip():
        return ReasonsProblem("clause", "cite the rule the decision rests on")
    published = list(criteria)
    if criterion not in published:
        return ReasonsProblem(
            "criterion",
            f"choose one of the published criteria ({', '.join(published) or 'none published'})",
        )
    words = _plain(reasons).split()
    if len(words) < min_words:
        return ReasonsProblem(
            "reasons",
            f"write the reasons in at least {min_words} words ({len(words)} given): what was "
            "found and why it meets the criterion",
        )
    for phrase in improper:
        if _mentions(words, _plain(phrase).split()):
            return ReasonsProblem(
                "reasons",
                f"{phrase!r} is not a ground for a decision under the rulebook; give the facts "
                "found and the criterion they meet",
            )
    return None
