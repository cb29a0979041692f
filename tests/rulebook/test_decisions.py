"""Majorities, kinds of decision, competent business, affiliation and proscription."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moot import rulebook

pytestmark = pytest.mark.pure


def test_majority_names_and_decisions(party):
    simple = rulebook.majority(party, "simple")
    assert (simple.name, simple.numerator, simple.denominator, simple.basis) == (
        "simple",
        1,
        2,
        "cast",
    )
    assert rulebook.majority(party, "absolute").basis == "present"
    two_thirds = rulebook.majority(party, "two-thirds")
    assert (two_thirds.numerator, two_thirds.denominator, two_thirds.at_least) == (2, 3, True)
    for decision, name in (
        ("motion", "simple"),
        ("amendment", "simple"),
        ("suspend_standing_orders", "two-thirds"),
        ("overturn_chair", "two-thirds"),
        ("rule_change", "two-thirds"),
    ):
        rule = rulebook.majority(party, decision)
        assert rule.name == name, decision
        assert rule.clause == party.decision(decision).clause
        assert rule.text == party.decision(decision).text
    assert rulebook.majority(party, "overturn_chair").basis == "present"
    assert rulebook.majority(party, "rule_change").basis == "cast"


def test_unknown_majority_lists_names_and_decisions(party):
    with pytest.raises(rulebook.RulebookError) as excinfo:
        rulebook.majority(party, "unanimous")
    message = str(excinfo.value)
    assert message.startswith(
        "party.toml: majorities.unanimous: majority 'unanimous' is not defined by edition "
        "'party-2026'; it defines 'simple', 'absolute', 'two-thirds', 'motion'"
    )
    assert "'overturn_chair'" in message


@pytest.mark.parametrize(
    "case",
    [
        ("simple", 10, 9, 40, True),
        ("simple", 10, 10, 40, False),  # a tie is not a majority
        ("simple", 0, 0, 40, False),
        ("simple", 1, 0, 40, True),  # abstentions are not votes
        ("absolute", 21, 5, 40, True),
        ("absolute", 20, 5, 40, False),  # half of those present is not more than half
        ("two-thirds", 20, 10, 40, True),  # exactly two thirds
        ("two-thirds", 19, 10, 40, False),
        ("overturn_chair", 27, 0, 40, True),  # two thirds of those present: 27 of 40
        ("overturn_chair", 26, 0, 40, False),
        ("suspend_standing_orders", 80, 1, 120, True),
        ("suspend_standing_orders", 79, 1, 120, False),
    ],
)
def test_is_met(party, case):
    name, yes, no, present, met = case
    assert rulebook.majority(party, name).is_met(yes, no, present) is met


def test_is_met_refuses_impossible_counts(party):
    with pytest.raises(rulebook.RulebookError, match="cannot be negative"):
        rulebook.majority(party, "simple").is_met(-1, 0, 0)
    with pytest.raises(rulebook.RulebookError, match="only 5 members are counted as present"):
        rulebook.majority(party, "absolute").is_met(4, 3, 5)


@given(st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 5000))
def test_is_met_is_yes_reaching_needed(yes, no, extra):
    party = rulebook.preset("party")
    present = yes + no + extra
    for rule in party.majorities:
        needed = rule.needed(yes, no, present)
        assert rule.is_met(yes, no, present) == (yes >= needed and rule.total(yes, no, present) > 0)
        # One more vote for (from an abstainer) never loses a majority that was met.
        if rule.is_met(yes, no, present):
            assert rule.is_met(yes + 1, no, present + 1)


def test_not_competent_categories(party):
    slugs = [c.slug for c in party.not_competent]
    assert "individual_disciplinary_case" in slugs
    assert "reserved_to_national_bodies" in slugs
    category = rulebook.competence_category(party, "individual_disciplinary_case")
    assert category.clause
    assert category.text
    assert category.title
    refused = rulebook.check_competence(party, "individual_disciplinary_case")
    assert not refused.allowed
    assert refused.reasons[0].clause == category.clause
    assert refused.reasons[0].text.startswith(
        "not competent business: individual disciplinary cases;"
    )
    assert rulebook.check_competence(party, None).allowed
    with pytest.raises(rulebook.RulebookError, match="competence category 'gossip'"):
        rulebook.competence_category(party, "gossip")


def test_proscribed_organisations_are_refused_with_their_clause(party):
    assert len(party.proscribed) >= 2
    for entry in party.proscribed:
        verdict = rulebook.check_affiliation(
            party, unit_kind="constituency", org_kind="campaign_group", org_slug=entry.slug
        )
        assert not verdict.allowed
        assert verdict.reasons[0].clause == entry.clause
        assert entry.name in verdict.reasons[0].text
        assert party.proscription(entry.slug) == entry


def test_who_may_affiliate_to_what(party):
    union = rulebook.check_affiliation(
        party, unit_kind="constituency", org_kind="trade_union", org_slug="dockers"
    )
    assert union.allowed
    assert (
        union.reasons[0].text == "trade unions may affiliate to a constituency under clause 7.8.2"
    )
    branch = rulebook.check_affiliation(party, unit_kind="branch", org_kind="trade_union")
    assert not branch.allowed
    assert branch.reasons[0].text == (
        "trade unions may affiliate only to the national party and a constituency; clause 7.8.2"
    )
    assert rulebook.check_affiliation(party, unit_kind="branch", org_kind="campaign_group").allowed
    other = rulebook.check_affiliation(party, unit_kind="constituency", org_kind="other")
    assert not other.allowed
    assert other.reasons[0].clause == party.affiliation.clause
    with pytest.raises(rulebook.RulebookError, match="unit kind 'ward'"):
        rulebook.check_affiliation(party, unit_kind="ward", org_kind="trade_union")


def test_demo_organisations_may_affiliate_where_the_demo_affiliates_them(party):
    """The demo seed affiliates unions, a socialist society and the co-operative party to
    constituency parties; the preset must allow each of those kinds there."""
    for kind in ("trade_union", "socialist_society", "cooperative"):
        assert rulebook.check_affiliation(party, unit_kind="constituency", org_kind=kind).allowed


@given(
    st.sampled_from(["simple", "absolute", "two-thirds"]),
    st.sampled_from(["cast", "present"]),
    st.integers(0, 3000),
    st.integers(0, 3000),
    st.integers(0, 3000),
)
def test_the_counting_method_agrees_with_the_rulebook(name, basis, yes, no, extra):
    """A poll stores the majority's name and basis; moot.counting's yes-no method decides with
    them. Both must carry exactly the same motions."""
    from moot.counting.methods.motion import majority_needed

    party = rulebook.preset("party")
    rule = rulebook.majority(party, name)
    rule = rule.with_basis(basis, rule.clause, rule.text)
    present = yes + no + extra
    base = yes + no if basis == "cast" else present
    counted = base > 0 and yes >= majority_needed(name, base)
    assert rule.is_met(yes, no, present) == counted
