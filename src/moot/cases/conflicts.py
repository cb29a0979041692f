"""Conflicts of interest computed from the register (issue 10 item 3, RULES.md §10 R-E2).

Before anyone is given a role on a case (case handler, investigator, panel member, reviewer,
appeal panel member) the facts the register holds about them are set beside the facts about
each party and witness, and every rule that matches gives a :class:`Conflict` with the reason in
words. A conflicted person is refused (the action names the reasons) and, being unassigned,
sees nothing of the case. The rules:

- ``complainant_or_witness``: they are the complainant, the respondent or a witness;
- ``same_branch``, ``same_constituency``: they belong to the same branch, or the same
  constituency party, as a party;
- ``office_with``: they hold or held an office in a unit a party belongs to or holds office in,
  or a party holds office in a unit they belong to;
- ``shared_slate``: they stood in the same election as a party (co-candidates or rivals; the
  register records no slates or factions beyond that, so another shared one is declared);
- ``same_address``: they live at a party's address;
- ``earlier_role``: they held a deciding role (investigator, panel, review, appeal) in this case
  or a linked one — so an appeal panel and a fresh panel after a veto never overlap the first;
- ``declared``: they declared a conflict for this case, or a standing one (for every case).

The rulebook's [complaints.conflicts] rules say which rules are on (``enabled``; the names are
the rulebook's); ``complainant_or_witness`` and ``declared`` cannot be switched off. Pure: plain
data in, conflicts out; ``cases.conflict_facts`` reads the register into these shapes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "ALWAYS_ON",
    "DECIDING_ROLES",
    "RULES",
    "CaseFacts",
    "Conflict",
    "Declared",
    "EarlierRole",
    "Person",
    "address_key",
    "conflicts_of",
]

RULES: dict[str, str] = {
    "complainant_or_witness": "a party or a witness",
    "same_branch": "the same branch as a party",
    "same_constituency": "the same constituency party as a party",
    "office_with": "an office held with a party",
    "shared_slate": "stood in the same election as a party",
    "same_address": "the same address as a party",
    "earlier_role": "an earlier role in this or a linked case",
    "declared": "a declared conflict",
}
# Rules no rulebook may switch off: nobody judges their own case, and a declaration is final.
ALWAYS_ON = frozenset({"complainant_or_witness", "declared"})
# Roles that weigh the facts or decide: holding one bars every other one in the case and its
# linked cases (the case handler administers and may stay through every stage).
DECIDING_ROLES = frozenset({"investigator", "panel_member", "reviewer", "appeal_panel_member"})

_ROLE_WORDS = {
    "case_handler": "case handler",
    "investigator": "investigator",
    "panel_member": "panel member",
    "reviewer": "independent reviewer",
    "appeal_panel_member": "appeal panel member",
}


@dataclass(frozen=True)
class Person:
    """What the register says about one person. ``member_id``/``user_id`` may be None (a public
    complainant has neither; a staff account may have no member record)."""

    member_id: int | None = None
    user_id: int | None = None
    branch_id: int | None = None
    constituency_id: int | None = None
    office_unit_ids: frozenset[int] = frozenset()  # units of offices held in the look-back
    contest_ids: frozenset[int] = frozenset()  # elections stood in
    address: str = ""  # address_key() of the home address, "" when none is recorded
    unit_names: dict[int, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(u for u in (self.branch_id, self.constituency_id) if u is not None)

    def same_as(self, other: Person) -> bool:
        return (self.member_id is not None and self.member_id == other.member_id) or (
            self.user_id is not None and self.user_id == other.user_id
        )


@dataclass(frozen=True)
class EarlierRole:
    person: Person
    case_reference: str
    role: str
    current_case: bool  # in this case (True) or a linked one


@dataclass(frozen=True)
class Declared:
    person: Person
    reason: str
    standing: bool  # a standing declaration (not for one case) that names a party


@dataclass(frozen=True)
class CaseFacts:
    reference: str
    parties: tuple[tuple[str, Person], ...] = ()  # ("complainant", …), ("respondent", …)
    witnesses: tuple[Person, ...] = ()
    earlier_roles: tuple[EarlierRole, ...] = ()
    declared: tuple[Declared, ...] = ()


@dataclass(frozen=True)
class Conflict:
    rule: str  # a key of RULES
    reason: str  # the sentence shown to the person assigning (and kept in the case log)


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def address_key(address: str, postcode: str) -> str:
    """One household's key: the postcode and the first line of the address, lower case, with
    accents, punctuation and spaces removed ("Flat 2, 14 Mill Lane" + "AB1 2CD" →
    "ab12cd|flat214milllane"). Empty unless both are recorded: a postcode alone is a street."""
    first_line = address.strip().splitlines()[0] if address.strip() else ""

    def plain(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return _NOT_ALNUM.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))

    code, line = plain(postcode), plain(first_line)
    return f"{code}|{line}" if code and line else ""


def _units(ids: Iterable[int], person: Person, party: Person) -> str:
    names = {**party.unit_names, **person.unit_names}
    return ", ".join(sorted(names.get(unit_id, f"unit {unit_id}") for unit_id in ids))


def conflicts_of(
    person: Person,
    case: CaseFacts,
    *,
    role: str,
    enabled: frozenset[str] | None = None,
) -> list[Conflict]:
    """Every conflict ``person`` has for ``role`` on ``case``, each with its reason (empty when
    they may be assigned). ``enabled`` is the rulebook's set of rules in force (all when None)."""
    if role not in _ROLE_WORDS:
        raise ValueError(f"unknown case role {role!r}; use one of {', '.join(_ROLE_WORDS)}")
    unknown = (enabled or frozenset()) - RULES.keys()
    if unknown:
        raise ValueError(f"unknown conflict rules {sorted(unknown)}; use {', '.join(RULES)}")
    on = (frozenset(RULES) if enabled is None else enabled) | ALWAYS_ON
    found: list[Conflict] = []

    def add(rule: str, reason: str) -> None:
        if rule in on:
            found.append(Conflict(rule, reason))

    for label, party in case.parties:
        if person.same_as(party):
            add("complainant_or_witness", f"they are the {label} in {case.reference}")
            continue
        for rule, mine, theirs in (
            ("same_branch", person.branch_id, party.branch_id),
            ("same_constituency", person.constituency_id, party.constituency_id),
        ):
            if mine is not None and mine == theirs:
                add(rule, f"they belong to {_units([mine], person, party)}, as the {label} does")
        offices = (person.office_unit_ids & (party.unit_ids | party.office_unit_ids)) | (
            party.office_unit_ids & person.unit_ids
        )
        if offices:
            add(
                "office_with",
                f"an office in {_units(offices, person, party)} links them with the {label}",
            )
        if person.contest_ids & party.contest_ids:
            add("shared_slate", f"they stood in the same election as the {label}")
        if person.address and person.address == party.address:
            add("same_address", f"they live at the {label}'s address")
    for witness in case.witnesses:
        if person.same_as(witness):
            add("complainant_or_witness", f"they are a witness in {case.reference}")
            break
    if role in DECIDING_ROLES:
        for earlier in case.earlier_roles:
            if earlier.role in DECIDING_ROLES and person.same_as(earlier.person):
                where = "this case" if earlier.current_case else "the linked case"
                add(
                    "earlier_role",
                    f"they were {_ROLE_WORDS.get(earlier.role, earlier.role)} in {where} "
                    f"({earlier.case_reference})",
                )
    for declaration in case.declared:
        if person.same_as(declaration.person):
            kind = "a standing declaration" if declaration.standing else "a declaration"
            add("declared", f"{kind}: {declaration.reason}")
    return found
