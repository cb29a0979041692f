"""The clauses an edition cites (issue 9 item 7): every rule carries the clause it rests on
(``clause``, ``notice_clause``, ``balance_clause`` …); this lists them with the words of the
rule, checks a clause a person types against them, and names the valid clauses nearest to one
that does not exist ("99.9" → none in chapter 99; "15.6.9" → 15.6.1, 15.6.2, 15.6.3)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from moot.rulebook.errors import RulebookError

_NUMBER = re.compile(r"\d+|[A-Za-z]+")


@dataclass(frozen=True)
class Clause:
    """One clause of an edition: its number, what it is about, and the rule's words."""

    number: str
    title: str
    text: str


def _walk(value: Any, title: str, depth: int = 0) -> Iterator[Clause]:
    if depth > 8:
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        own_title = next(
            (
                fields[name]
                for name in ("title", "name", "slug", "kind", "purpose")
                if isinstance(fields.get(name), str) and fields[name]
            ),
            title,
        )
        for name, field_value in fields.items():
            if name in {"source", "source_text", "digest"}:
                continue
            if (name == "clause" or name.endswith("_clause")) and isinstance(field_value, str):
                if field_value:
                    prefix = name.removesuffix("clause")
                    words = fields.get(f"{prefix}text", fields.get("text", ""))
                    yield Clause(
                        field_value,
                        str(own_title).replace("_", " "),
                        words if isinstance(words, str) else "",
                    )
            else:
                yield from _walk(field_value, str(own_title), depth + 1)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, str(key), depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _walk(item, title, depth + 1)


def clauses_of(edition: Any) -> dict[str, Clause]:
    """Every clause the edition cites, in clause order, each with the first rule citing it."""
    found: dict[str, Clause] = {}
    for clause in _walk(edition, ""):
        known = found.get(clause.number)
        if known is None or (not known.text and clause.text):
            found[clause.number] = clause
    return {number: found[number] for number in sorted(found, key=clause_key)}


def clause_key(number: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key: "7.10" after "7.9", "15.6.1" after "15.6"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in _NUMBER.findall(number))


def normalise(number: str) -> str:
    """A clause as typed, without spaces or a leading "clause", "rule" or "§" ("Clause 7.2")."""
    text = number.strip()
    text = re.sub(r"^(clause|rule|§)\s*", "", text, flags=re.IGNORECASE)
    return text.strip().rstrip(".")


def nearby(number: str, known: Mapping[str, Clause] | list[str], limit: int = 5) -> list[str]:
    """The valid clauses nearest to ``number``: those sharing the longest leading part, then
    the closest by number."""
    wanted = clause_key(normalise(number))
    numbers = list(known)

    def closeness(candidate: str) -> tuple[int, int, tuple[tuple[int, int | str], ...]]:
        key = clause_key(candidate)
        shared = 0
        for a, b in zip(wanted, key, strict=False):
            if a != b:
                break
            shared += 1
        first = key[0][1] if key and isinstance(key[0][1], int) else 0
        want_first = wanted[0][1] if wanted and isinstance(wanted[0][1], int) else 0
        return (-shared, abs(int(first) - int(want_first)), key)

    return sorted(numbers, key=closeness)[:limit]


def check_clause(edition: Any, number: str, *, field: str = "clause") -> str:
    """``number`` as the edition numbers it, or a RulebookError naming the nearest valid
    clauses. ("99.9" is refused: a ruling cannot rest on a clause the edition does not have.)"""
    known = clauses_of(edition)
    clause = normalise(number)
    if clause in known:
        return clause
    near = ", ".join(nearby(clause, known))
    name = getattr(edition, "title", "") or getattr(edition, "name", "the edition in force")
    raise RulebookError(
        f"There is no clause {clause!r} in {name}; the nearest are clauses {near}. "
        "Cite a clause of the edition in force (the rulebook page lists them).",
        path=field,
    )
