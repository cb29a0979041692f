"""Conflicts computed from register facts (issue 10 item 3, R-E2): each rule on its own, the
rulebook switching rules off, and the rules nobody may switch off."""

from __future__ import annotations

import pytest

from moot.cases.conflicts import (
    RULES,
    CaseFacts,
    Declared,
    EarlierRole,
    Person,
    address_key,
    conflicts_of,
)

pytestmark = pytest.mark.pure

RESPONDENT = Person(
    member_id=1,
    constituency_id=10,
    branch_id=11,
    office_unit_ids=frozenset({11}),
    contest_ids=frozenset({500}),
    address=address_key("14 Mill Lane\nNorthby", "NB1 2CD"),
    unit_names={10: "Northby CLP", 11: "Mill Ward branch"},
)
COMPLAINANT = Person(member_id=2, constituency_id=20, unit_names={20: "Southby CLP"})
WITNESS = Person(member_id=3)
CASE = CaseFacts(
    reference="C-2026-00042",
    parties=(("complainant", COMPLAINANT), ("respondent", RESPONDENT)),
    witnesses=(WITNESS,),
)
STRANGER = Person(member_id=99, user_id=99, constituency_id=30)


def rules(found):
    return {conflict.rule for conflict in found}


def test_a_stranger_has_no_conflict():
    assert conflicts_of(STRANGER, CASE, role="investigator") == []


def test_the_parties_and_witnesses_are_conflicted():
    assert rules(conflicts_of(Person(member_id=1), CASE, role="panel_member")) == {
        "complainant_or_witness"
    }
    [witness] = conflicts_of(Person(member_id=3), CASE, role="reviewer")
    assert witness.reason == "they are a witness in C-2026-00042"
    # The same person known by their account only.
    complainant = CaseFacts("C-1", parties=(("complainant", Person(user_id=7)),))
    assert rules(conflicts_of(Person(user_id=7, member_id=70), complainant, role="investigator"))


def test_same_branch_or_constituency_names_the_unit():
    [conflict] = conflicts_of(Person(member_id=50, constituency_id=10), CASE, role="investigator")
    assert conflict.rule == "same_constituency"
    assert "Northby CLP" in conflict.reason
    assert "respondent" in conflict.reason


def test_an_office_in_the_partys_unit_or_theirs():
    officer_there = Person(member_id=51, office_unit_ids=frozenset({10}))
    assert rules(conflicts_of(officer_there, CASE, role="investigator")) == {"office_with"}
    # The respondent holds office in the unit this person belongs to (and they share it).
    member_here = Person(member_id=52, branch_id=11)
    assert "office_with" in rules(conflicts_of(member_here, CASE, role="investigator"))


def test_same_contest_and_same_address():
    rival = Person(member_id=53, contest_ids=frozenset({500, 501}))
    assert rules(conflicts_of(rival, CASE, role="panel_member")) == {"shared_slate"}
    housemate = Person(member_id=54, address=address_key("14, Mill  Lane", "nb12cd"))
    assert rules(conflicts_of(housemate, CASE, role="panel_member")) == {"same_address"}
    # A postcode alone is a street, not a household.
    assert address_key("", "NB1 2CD") == ""
    assert conflicts_of(Person(member_id=55), CASE, role="panel_member") == []


def test_an_earlier_deciding_role_bars_another_in_this_or_a_linked_case():
    investigator = Person(user_id=60)
    case = CaseFacts(
        "C-2026-00042",
        earlier_roles=(
            EarlierRole(investigator, "C-2026-00042", "investigator", current_case=True),
            EarlierRole(Person(user_id=61), "C-2026-00007", "panel_member", current_case=False),
            EarlierRole(Person(user_id=62), "C-2026-00042", "case_handler", current_case=True),
        ),
    )
    [conflict] = conflicts_of(investigator, case, role="appeal_panel_member")
    assert conflict.reason == "they were investigator in this case (C-2026-00042)"
    assert rules(conflicts_of(Person(user_id=61), case, role="reviewer")) == {"earlier_role"}
    # Handling a case is not deciding it, and a case handler may handle it again.
    assert conflicts_of(Person(user_id=62), case, role="panel_member") == []
    assert conflicts_of(investigator, case, role="case_handler") == []


def test_declarations_count_and_cannot_be_switched_off():
    person = Person(user_id=70)
    case = CaseFacts("C-1", declared=(Declared(person, "my sister's case", standing=False),))
    [conflict] = conflicts_of(person, case, role="investigator", enabled=frozenset())
    assert conflict == type(conflict)("declared", "a declaration: my sister's case")
    party = conflicts_of(Person(member_id=1), CASE, role="investigator", enabled=frozenset())
    assert rules(party) == {"complainant_or_witness"}


def test_the_rulebook_switches_a_rule_off():
    member_here = Person(member_id=52, branch_id=11)
    only_offices = frozenset({"office_with"})
    assert rules(conflicts_of(member_here, CASE, role="investigator", enabled=only_offices)) == {
        "office_with"
    }


def test_every_rule_found_at_once():
    everything = Person(
        member_id=80,
        constituency_id=10,
        branch_id=11,
        office_unit_ids=frozenset({11}),
        contest_ids=frozenset({500}),
        address=RESPONDENT.address,
    )
    found = conflicts_of(everything, CASE, role="panel_member")
    assert rules(found) == {
        "same_constituency",
        "same_branch",
        "office_with",
        "shared_slate",
        "same_address",
    }
    assert rules(found) <= RULES.keys()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "chair"}, "unknown case role 'chair'"),
        ({"role": "investigator", "enabled": frozenset({"faction"})}, "unknown conflict rules"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        conflicts_of(STRANGER, CASE, **kwargs)
