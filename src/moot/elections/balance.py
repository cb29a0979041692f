"""The balance rules at an officer election, as the rulebook states them.

Everything here asks ``rulebook.check_officer_slate`` — the one judge of a unit's officers
(posts reserved to women, at least half of the officers women and at least three of the first
six, one person in one post of an exclusive group, job shares) — about *would-be* slates: the
unit's officers on the day of the declaration, with the post being elected filled by the
candidates in question instead of its outgoing holders. This module decides nothing by itself.

The rule implemented (docs/elections.md, "Balance"):

1. **Single seat** (first past the post, exhaustive ballot, or STV for one seat): the count
   places the candidates (elected first, then by their last tally, then in reverse order of
   exclusion). The winner is declared when the slate with the winner passes. Otherwise the
   highest-placed candidate with whom the slate passes is declared instead, and the
   declaration says so: "Declaring A as Secretary would break the rulebook: <the rulebook's
   reason> (clause …). B, placed 2nd, is the highest-placed candidate who can be declared, and
   is elected instead." When no candidate can be declared, the post is left vacant and the
   declaration says why.
2. **Several seats** (STV): the least number of women the rulebook needs among the seats is
   worked out from ``check_officer_slate`` (the smallest number that lets a slate with this
   many women in the seats pass) and given to the count as a constraint (guard/doom), so the
   count itself elects enough women when enough stand. The declaration checks the slate again;
   if it still fails (too few women stood, or the count missed the constraint), the best-placed
   set of candidates the rule allows is declared — the lowest-placed winners replaced by the
   highest-placed candidates that make the slate pass — filling as many seats as the rule
   allows; any seat left is vacant. Each replacement is named in the account.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Any

from moot.units.models import Post


def is_woman(member: Any) -> bool:
    """The balance rules count members who self-describe as women in the register."""
    return getattr(member, "gender", "") == "woman"


def counts_as_woman(nomination: Any) -> bool:
    """A candidate counts towards a minimum of women when every person standing as that
    candidate (both sharers of a job share) self-describes as a woman."""
    return all(is_woman(person) for person in nomination.people())


def edition_on(on: datetime.date) -> Any:
    from moot.units.queries import edition_in_force

    return edition_in_force(on)


def post_spec(post: Post, edition: Any) -> Any | None:
    """The rulebook's entry for ``post`` (slug match) in the edition, or None."""
    for spec in edition.posts_for(post.unit.kind):
        if spec.slug == post.slug:
            return spec
    return None


def post_clause(post: Post, edition: Any) -> str:
    spec = post_spec(post, edition)
    return (getattr(spec, "clause", "") or "") if spec is not None else ""


def _entries_for(post: Post, nomination: Any) -> list[Any]:
    from moot import rulebook

    return [
        rulebook.SlateEntry(
            post=post.slug,
            person=str(person.pk),
            woman=is_woman(person),
            job_share=nomination.is_joint,
        )
        for person in nomination.people()
    ]


def _others(post: Post, on: datetime.date) -> list[Any]:
    """The unit's officers on ``on`` except the holders of ``post`` (whose term the election
    ends)."""
    from moot.units.actions import _slate_on

    return [entry for entry in _slate_on(post.unit, on) if entry.post != post.slug]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    text: str
    clause: str


def _verdict(assessment: Any) -> Verdict:
    reasons = list(getattr(assessment, "reasons", ()) or ())
    text = "; ".join(r.text for r in reasons)
    clause = next((r.clause for r in reasons if r.clause), "")
    return Verdict(bool(assessment.allowed), text, clause)


def check_slate(post: Post, on: datetime.date, winners: list[Any]) -> Verdict:
    """Would the unit's officers pass the rulebook with ``winners`` (nominations) in ``post``?"""
    from moot import rulebook

    entries = _others(post, on)
    for nomination in winners:
        entries.extend(_entries_for(post, nomination))
    return _verdict(rulebook.check_officer_slate(edition_on(on), post.unit.kind, entries))


@dataclass(frozen=True)
class WomenMinimum:
    minimum: int  # 0: no constraint needed
    clause: str
    note: str


def minimum_women(post: Post, on: datetime.date, seats: int) -> WomenMinimum:
    """The least number of women among ``seats`` seats of ``post`` with which the unit's
    officers would pass the rulebook, asked of ``check_officer_slate`` with stand-in
    candidates (0, 1, 2 … women). The clause is the one a slate with one woman fewer breaks."""
    from moot import rulebook

    edition = edition_on(on)
    others = _others(post, on)
    failed: Verdict | None = None
    for women in range(seats + 1):
        entries = others + [
            rulebook.SlateEntry(
                post=post.slug, person=f"seat-{i + 1}", woman=i < women, job_share=False
            )
            for i in range(seats)
        ]
        verdict = _verdict(rulebook.check_officer_slate(edition, post.unit.kind, entries))
        if verdict.allowed:
            if women == 0:
                return WomenMinimum(0, "", "")
            assert failed is not None  # women > 0: a smaller number failed
            return WomenMinimum(
                women,
                failed.clause,
                f"at least {women} of the {seats} seats must go to women: with fewer, "
                f"{failed.text}",
            )
        failed = verdict
    text = failed.text if failed else ""
    return WomenMinimum(
        0,
        failed.clause if failed else "",
        "no number of women in these seats lets the officers pass the rulebook "
        f"({text}); the count runs without a minimum and the declaration checks the result",
    )


def _fraction(value: Any) -> Fraction:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return Fraction(0)


def placing(count: dict[str, Any] | None, labels: list[str]) -> list[str]:
    """Candidate labels in the order the count placed them: those elected, in order of
    election; then those still standing at the end, by their last tally (highest first, ties
    in ballot order); then those excluded, the last excluded first."""
    if not count:
        return []
    elected = [name for name in count.get("elected", []) if name in labels]
    excluded: list[str] = []
    last_tally: dict[str, Fraction] = {}
    for rnd in count.get("rounds", []):
        for name, value in (rnd.get("tallies") or {}).items():
            if value is not None:
                last_tally[name] = _fraction(value)
        for name in rnd.get("excluded", []):
            if name not in excluded:
                excluded.append(name)
    rest = [name for name in labels if name not in elected and name not in excluded]
    rest.sort(key=lambda name: (-last_tally.get(name, Fraction(0)), labels.index(name)))
    return elected + rest + [name for name in reversed(excluded) if name not in elected]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass
class Decision:
    """Who is declared, in which seats, and the plain account of any adjustment."""

    elected: list[Any]  # nominations, in order of placing
    vacant: int
    account: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)

    @property
    def adjusted(self) -> bool:
        return bool(self.account)


def decide(post: Post, on: datetime.date, seats: int, ranked: list[Any], *, title: str) -> Decision:
    """Apply the balance rule (module docstring) to the candidates ``ranked`` by the count
    (nominations, best placed first) for ``seats`` seats of ``post``, declared on ``on``."""
    if not ranked:
        return Decision([], seats)
    if seats == 1:
        return _decide_single(post, on, ranked, title=title)
    return _decide_several(post, on, seats, ranked, title=title)


def _clause_text(verdict: Verdict) -> str:
    return (
        f" (clause {verdict.clause})"
        if verdict.clause and verdict.clause not in verdict.text
        else ""
    )


def _decide_single(post: Post, on: datetime.date, ranked: list[Any], *, title: str) -> Decision:
    first = ranked[0]
    verdict = check_slate(post, on, [first])
    if verdict.allowed:
        return Decision([first], 0)
    account = [
        (
            f"Declaring {first.label} as {title} would break the rulebook: "
            f"{verdict.text}{_clause_text(verdict)}."
        )
    ]
    for place, nomination in enumerate(ranked[1:], start=2):
        if check_slate(post, on, [nomination]).allowed:
            account.append(
                f"{nomination.label}, placed {_ordinal(place)} in the count, is the "
                "highest-placed candidate who can be declared under that rule, and is "
                "elected instead."
            )
            return Decision([nomination], 0, account, [verdict.clause])
    account.append(
        f"No candidate can be declared without breaking that rule, so the post of {title} is "
        "not filled by this election; any outgoing holder stays in office until a successor "
        "is declared at a later election."
    )
    return Decision([], 1, account, [verdict.clause])


def _decide_several(
    post: Post, on: datetime.date, seats: int, ranked: list[Any], *, title: str
) -> Decision:
    elected = ranked[:seats]
    verdict = check_slate(post, on, elected)
    if verdict.allowed:
        return Decision(list(elected), seats - len(elected))
    account = [
        (
            "Declaring "
            + ", ".join(n.label for n in elected)
            + f" as {title} would break the rulebook: {verdict.text}{_clause_text(verdict)}."
        )
    ]
    # The best-placed set the rule allows, filling as many seats as it can: combinations come
    # in order of placing, so the first that passes keeps the best-placed candidates and
    # replaces the lowest-placed ones.
    for size in range(min(seats, len(ranked)), -1, -1):
        for chosen in combinations(ranked, size):
            if size and not check_slate(post, on, list(chosen)).allowed:
                continue
            added = [n for n in chosen if n not in elected]
            removed = [n for n in reversed(elected) if n not in chosen]
            for new, old in zip(added, removed, strict=False):
                account.append(
                    f"{new.label}, placed {_ordinal(ranked.index(new) + 1)}, is elected in "
                    f"place of {old.label}, placed {_ordinal(ranked.index(old) + 1)}."
                )
            for old in removed[len(added) :]:
                account.append(
                    f"{old.label}, placed {_ordinal(ranked.index(old) + 1)}, cannot be "
                    "declared under that rule, and no other candidate can take the seat; it is "
                    "left vacant."
                )
            return Decision(list(chosen), seats - size, account, [verdict.clause])
    return Decision([], seats, account, [verdict.clause])  # pragma: no cover - size 0 passes
