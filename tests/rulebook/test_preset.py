"""The shipped preset: it parses, every rule cites a clause, the objects are frozen, and the
package stays pure."""

from __future__ import annotations

import ast
import dataclasses
import datetime
from pathlib import Path

import pytest

from moot import rulebook

pytestmark = pytest.mark.pure

PACKAGE = Path(rulebook.__file__).parent


def test_preset_parses_and_is_cached(party):
    assert party.name == "party-2026"
    assert party.title.startswith("Commonweal Party Rule Book")
    assert party.source == "party.toml"
    assert party.source_text == rulebook.preset_source("party")
    assert len(party.digest) == 64
    assert rulebook.preset("party") is party
    again = rulebook.parse_edition(rulebook.preset_source("party"), source="party.toml")
    assert again == party


def test_unknown_preset(party):
    with pytest.raises(rulebook.RulebookError, match="there is no preset edition 'labour'"):
        rulebook.preset("labour")


def test_objects_are_frozen(party):
    with pytest.raises(dataclasses.FrozenInstanceError):
        party.name = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        party.meeting_kind("agm").notice_days_members = 1  # type: ignore[misc]
    assert isinstance(party.meeting_kinds, tuple)
    assert isinstance(party.posts_for("constituency"), tuple)


def _clauses(value, path="edition"):
    """Every (path, clause) in the parsed edition."""
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.name.endswith("clause"):
                yield f"{path}.{field.name}", item
            else:
                yield from _clauses(item, f"{path}.{field.name}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _clauses(item, f"{path}[{index}]")


def test_every_rule_cites_a_clause(party):
    clauses = list(_clauses(party))
    assert len(clauses) > 50
    # A freeze clause is cited only by a rule that has a freeze date.
    missing = [path for path, clause in clauses if not clause and "freeze_clause" not in path]
    assert missing == []
    assert party.eligibility_rule("ballot").freeze_clause


def test_status_clauses_cover_every_status(party):
    assert set(party.status_clauses) == set(rulebook.MEMBER_STATUSES)
    assert party.status_clauses["suspended"] == party.status_rule("suspended").clause
    assert party.status_rule("active").standing
    assert party.status_rule("in_arrears").continuous
    assert not party.status_rule("lapsed").continuous


def test_contract_vocabulary_is_present(party):
    assert set(party.purposes) >= set(rulebook.REQUIRED_PURPOSES)
    assert party.eligibility_rule("meeting").min_weeks == 8
    assert {"agm", "general", "branch", "executive", "special"} <= {
        k.slug for k in party.meeting_kinds
    }
    assert {m.name for m in party.majorities} == {"simple", "absolute", "two-thirds"}
    assert {"motion", "amendment", "suspend_standing_orders", "overturn_chair", "rule_change"} <= {
        d.slug for d in party.decisions
    }
    assert {"individual_disciplinary_case", "reserved_to_national_bodies"} <= {
        c.slug for c in party.not_competent
    }


def test_proscribed_organisations_are_fictional_and_dated(party):
    for entry in party.proscribed:
        assert entry.slug
        assert entry.name
        assert entry.clause
        assert isinstance(entry.since, datetime.date)


def test_the_package_is_pure():
    """moot.rulebook imports the standard library and itself only."""
    allowed_roots = {"__future__", "collections", "dataclasses", "datetime", "difflib"}
    allowed_roots |= {"fractions", "functools", "hashlib", "importlib", "json", "re"}
    allowed_roots |= {"tomllib", "typing"}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                assert root in allowed_roots or name.startswith("moot.rulebook"), (path, name)


def test_the_rulebook_page_can_walk_the_edition(party):
    """The rulebook page renders the edition generically (dataclass fields, tuples, scalars);
    every value must be a dataclass, a tuple, or a plain scalar it can print."""
    scalars = (str, int, bool, datetime.date, type(None))

    def walk(value, path):
        if dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), f"{path}.{field.name}")
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        else:
            assert isinstance(value, scalars) or type(value).__name__ == "Fraction", path

    walk(party, "edition")


def test_the_documented_minimal_edition_parses():
    """docs/rulebook.md's example is a complete edition: keep the documentation true."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "rulebook.md"
    text = docs.read_text()
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    edition = rulebook.parse_edition(example, source="rulebook.md")
    assert edition.name == "small-party-2026"
    assert (
        rulebook.quorum_for(edition, "agm", 120).text
        == "10% of 120 eligible members, at least 5: 12"
    )
    assert edition.posts_for("constituency") == ()
    assert not rulebook.check_affiliation(
        edition, unit_kind="branch", org_kind="trade_union"
    ).allowed
