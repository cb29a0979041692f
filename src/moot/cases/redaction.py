"""Redaction for a subject access response (issue 10 item 10; RULES.md §14 R-D6; CASES.md §7.7):
what of a case file a party receives, and the derived copies with other people removed, each
removal with its reason code. The original is never changed: a redacted text is a new copy, and
the redaction log says what was removed, how often, and why.

DPA 2018 Sch.2 para 16: there is no duty to disclose information identifying another person,
"including information identifying the other individual as the source of information", unless
they consent or disclosure is reasonable. So the requester gets their own submissions whole,
the communications sent to them, and the rest of what is about them as derived copies without
the other people's identities; another party's own account is withheld (the requester knows
who gave it, so removing the name would not protect them).

Pure: strings and small dataclasses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Reason codes, with the text the response prints beside every redaction and withholding.
REASONS = {
    "TP-IDENTITY": "identifies another person (DPA 2018 Sch.2 para 16(1))",
    "TP-SOURCE": (
        "identifies another person as the source of information (DPA 2018 Sch.2 para 16(1))"
    ),
    "TP-ACCOUNT": (
        "another person's own account, not disclosed without their consent (DPA 2018 Sch.2 "
        "para 16(2))"
    ),
    "OTHER-PARTY": "a communication to another party, not about the requester's data",
}

COMPLAINANT = "complainant"
RESPONDENT = "respondent"
WITNESS = "witness"
STAFF = "staff"
PARTIES = (COMPLAINANT, RESPONDENT, WITNESS)
MIN_NAME = 3  # shorter tokens ("Al", "Jo") would match inside ordinary words' edges too often


@dataclass(frozen=True)
class Identity:
    """Another person in a case: how the copy names them and the strings that identify them."""

    label: str  # "[the complainant]", "[witness 1]"
    reason: str  # a key of REASONS
    strings: tuple[str, ...]  # whole names and addresses: matched whatever their case
    # The capitalised words of a name ("Priya", "Shah"): matched only where written as a name,
    # with a capital ("Shah", "SHAH"), so "Sam Baker" leaves "the baker's shop" alone.
    parts: tuple[str, ...] = ()


def identity(label: str, reason: str, *strings: str) -> Identity:
    """An identity from names, e-mail addresses and numbers: a full name also yields its
    capitalised words, so "Priya Shah" removes "Priya Shah" and "Priya" or "Shah" written as a
    name; the ordinary words of a description ("Sam the shopkeeper") are not parts."""
    found: set[str] = set()
    words: set[str] = set()
    for given in strings:
        text = " ".join(given.split())
        if not text:
            continue
        found.add(text)
        if "@" not in text:
            words.update(
                part.strip("()[],.;:'\"")
                for part in text.split(" ")
                if part.strip("()[],.;:'\"")[:1].isupper()
            )
    kept = tuple(sorted((s for s in found if len(s) >= MIN_NAME), key=lambda s: (-len(s), s)))
    parts = tuple(
        sorted(
            (w for w in words if len(w) >= MIN_NAME and w not in found),
            key=lambda s: (-len(s), s),
        )
    )
    return Identity(label, reason, kept, parts)


@dataclass(frozen=True)
class Redaction:
    label: str
    reason: str
    count: int


def redact(text: str, identities: Iterable[Identity]) -> tuple[str, list[Redaction]]:
    """A copy of ``text`` with every identity's strings replaced by its label (whole words,
    ignoring case; the longest first, so a full name goes before its parts), and the log."""
    log = []
    copy = text
    for person in identities:
        total = 0
        for string in person.strings:
            pattern = re.compile(rf"(?<![\w@.]){re.escape(string)}(?![\w@])", re.IGNORECASE)
            copy, count = pattern.subn(person.label, copy)
            total += count
        for part in person.parts:
            copy, count = _sub_as_name(part, person.label, copy)
            total += count
        if total:
            log.append(Redaction(person.label, person.reason, total))
    return copy, log


def _sub_as_name(word: str, label: str, text: str) -> tuple[str, int]:
    """``text`` with ``word`` replaced by ``label`` where it is written as a name (a whole
    word with a capital), and how many times."""
    pattern = re.compile(rf"(?<![\w@.]){re.escape(word)}(?![\w@])", re.IGNORECASE)
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0)[:1].isupper():
            count += 1
            return label
        return match.group(0)

    return pattern.sub(replace, text), count


@dataclass(frozen=True)
class Treatment:
    """What the requester receives of one item: ``whole``, ``redacted`` or ``withheld`` with
    the reason code."""

    how: str
    reason: str = ""


def treat(*, requester: str, author: str, addressed_to: str = "") -> Treatment:
    """How an item written by ``author`` (a party, ``staff`` or "") is given to a requester
    who is ``requester`` in the case.

    - their own submissions: whole;
    - a communication: whole if sent to them, else withheld (``OTHER-PARTY``);
    - the complaint, a witness's statement or evidence about a respondent who asks: redacted
      (the complaint is about them; who made it is not theirs: ``TP-SOURCE``);
    - another party's or a witness's own account to a complainant or a witness: withheld
      (``TP-ACCOUNT``);
    - staff records (notes, notices, reports, decisions): redacted of the other people.
    """
    if addressed_to:
        return (
            Treatment("whole")
            if addressed_to == requester
            else Treatment("withheld", "OTHER-PARTY")
        )
    if author == requester:
        return Treatment("whole")
    if author in PARTIES:
        if requester == RESPONDENT:
            return Treatment("redacted", "TP-SOURCE")
        return Treatment("withheld", "TP-ACCOUNT")
    return Treatment("redacted", "TP-IDENTITY")
