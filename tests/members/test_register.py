"""The register's one authority (rulebook [membership.register]): the setting, who it lets
decide or propose, and the proposal actions' own rules."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.world import World
from moot import rulebook
from moot.members.errors import ActionError
from moot.members.models import Member, RegisterProposal
from moot.members.register import do_decide_proposal, do_propose_import
from moot.rulebook.errors import RulebookError
from moot.rulebook.model import RegisterRules

PARTY_REGISTER = 'authority = "national_office"'


def _edition(replacement: str) -> Any:
    source = rulebook.preset_source("party")
    assert PARTY_REGISTER in source
    return rulebook.parse_edition(source.replace(PARTY_REGISTER, replacement), "test.toml")


def test_the_party_preset_gives_the_register_to_the_national_office() -> None:
    register = rulebook.preset("party").membership.register
    assert (register.authority, register.unit_officers, register.clause) == (
        "national_office",
        "propose",
        "2.6",
    )
    assert register.office_decides
    assert register.officers_propose
    assert "back-dates it with a reason" in register.text


def test_an_edition_may_leave_the_register_to_unit_secretaries() -> None:
    register = _edition('authority = "unit_secretary"').membership.register
    assert not register.office_decides
    assert not register.officers_propose


def test_a_bad_register_setting_names_the_key_and_the_choices() -> None:
    with pytest.raises(RulebookError) as error:
        _edition('authority = "the_chair"')
    message = str(error.value)
    assert "membership.register.authority" in message
    assert "national_office, unit_secretary" in message


@pytest.mark.parametrize(
    ("rules", "decides", "proposes"),
    [
        (RegisterRules(), False, True),
        (RegisterRules(unit_officers="nothing"), False, False),
        (RegisterRules(authority="unit_secretary"), True, False),
    ],
)
def test_who_decides_and_who_proposes_follows_the_rulebook(
    world: World, monkeypatch: Any, rules: RegisterRules, decides: bool, proposes: bool
) -> None:
    monkeypatch.setattr("moot.accounts.permissions.register_rules", lambda: rules)
    secretary, office = world.users["secretary"], world.users["national_staff"]
    target = world.target
    assert secretary.has_perm("members.decide_register", target) is decides
    assert secretary.has_perm("members.decide_register", world.riverside) is decides
    assert secretary.has_perm("members.propose_register", target) is proposes
    assert office.has_perm("members.decide_register", target)
    assert office.has_perm("members.decide_register", None)
    # Never over another constituency's members.
    assert not secretary.has_perm("members.decide_register", world.members["stranger"])
    assert not secretary.has_perm("members.propose_register", world.members["stranger"])
    for role in ("member", "chair", "auditor", "complaints_staff"):
        assert not world.users[role].has_perm("members.decide_register", target), role


CSV = "first_name,last_name,joined_on,constituency\nNew,Person,{day},riverside\n"


def test_a_proposal_with_a_bad_row_is_refused_and_nothing_waits(world: World) -> None:
    with pytest.raises(ActionError, match="row 2, column joined_on"):
        do_propose_import(
            CSV.format(day="yesterday"),
            unit_default=world.riverside,
            acting_user=world.users["secretary"],
        )
    assert not RegisterProposal.objects.exists()


def test_a_proposal_is_decided_once(world: World) -> None:
    import datetime

    csv_text = CSV.format(day=datetime.date.today().isoformat())
    proposal = do_propose_import(
        csv_text, unit_default=world.riverside, acting_user=world.users["secretary"]
    )
    with pytest.raises(ActionError, match="already waiting"):
        do_propose_import(
            csv_text, unit_default=world.riverside, acting_user=world.users["secretary"]
        )
    office = world.users["national_staff"]
    with pytest.raises(ActionError, match="give the reason for rejecting"):
        do_decide_proposal(proposal, approve=False, acting_user=office)
    do_decide_proposal(proposal, approve=True, acting_user=office)
    member = Member.objects.get(last_name="Person")
    assert member.backdate_reason == ""  # starts today: nothing back-dated
    with pytest.raises(ActionError, match="already approved"):
        do_decide_proposal(proposal, approve=False, reason="changed my mind", acting_user=office)
    assert Member.objects.filter(last_name="Person").count() == 1


def test_a_proposal_is_seen_by_its_proposer_and_the_office_only(world: World) -> None:
    import datetime

    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from moot.members.access import access_proposal, proposals_visible_to

    proposal = do_propose_import(
        CSV.format(day=datetime.date.today().isoformat()),
        unit_default=world.riverside,
        acting_user=world.users["secretary"],
    )
    assert list(proposals_visible_to(world.users["secretary"])) == [proposal]
    assert list(proposals_visible_to(world.users["national_staff"])) == [proposal]
    assert not proposals_visible_to(world.users["branch_secretary"]).exists()
    assert access_proposal(proposal.pk, world.users["national_staff"], for_write=True) == proposal
    with pytest.raises(Http404):
        access_proposal(proposal.pk, world.users["branch_secretary"])
    with pytest.raises(PermissionDenied, match=r"clause 2\.6"):
        access_proposal(proposal.pk, world.users["secretary"], for_write=True)
