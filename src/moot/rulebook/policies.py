"""The ``[policies]`` chapter: which kinds of policy document the organisation keeps, which
kinds of unit a national policy of each kind binds, and how a unit may adopt a national policy
(in full, or in part). Pure: the standard library only. The format is in docs/rulebook.md.

A unit may never amend or rescind another unit's policy (``amend_clause``): it may only adopt
its own, or ask the national body to change the national one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moot.rulebook.parse import _Table

EXTENTS = ("full", "part")


@dataclass(frozen=True)
class PolicyKindRule:
    """One kind of policy document: its title, the kinds of unit a national policy of this kind
    binds, and the extents ("full", "part") in which a unit may adopt a national policy."""

    slug: str
    title: str
    binds: tuple[str, ...]
    adopt: tuple[str, ...]
    clause: str
    text: str


@dataclass(frozen=True)
class PolicyRules:
    clause: str = ""
    text: str = ""
    amend_clause: str = ""
    amend_text: str = ""
    kinds: tuple[PolicyKindRule, ...] = field(default_factory=tuple)

    def kind(self, slug: str) -> PolicyKindRule | None:
        return next((k for k in self.kinds if k.slug == slug), None)

    def binds(self, kind: str, unit_kind: str) -> PolicyKindRule | None:
        """The rule by which a national policy of ``kind`` binds a unit of ``unit_kind``, or
        None when it does not."""
        rule = self.kind(kind)
        return rule if rule is not None and unit_kind in rule.binds else None


NO_POLICIES = PolicyRules()


def parse_policies(root: _Table, unit_kinds: tuple[str, ...]) -> PolicyRules:
    """Read ``[policies]`` (optional: an edition without it keeps no policy kinds)."""
    if "policies" not in root.data:
        root.used.add("policies")
        return NO_POLICIES
    table = root.table("policies")
    clause = table.clause()
    text = table.text("text", "")
    amend_clause = table.clause("amend_clause", clause) or clause
    amend_text = table.text("amend_text", "")
    kinds: list[PolicyKindRule] = []
    from moot.rulebook.parse import SLUG

    for slug, entry in table.subtables("kinds", required=True):
        if not SLUG.match(slug):
            raise entry.error_at(
                entry.path, "a kind's name is a slug of lower-case letters, digits and - or _"
            )
        rule = PolicyKindRule(
            slug=slug,
            title=entry.text("title", slug.replace("_", " ")),
            binds=entry.choices("binds", unit_kinds, ()),
            adopt=entry.choices("adopt", EXTENTS, ("full",)),
            clause=entry.clause("clause", clause) or clause,
            text=entry.text("text", ""),
        )
        entry.done()
        kinds.append(rule)
    if not kinds:
        raise table.error("kinds", "list at least one kind, e.g. [policies.kinds.definition]")
    table.done()
    return PolicyRules(clause, text, amend_clause, amend_text, tuple(kinds))
