"""The register's actions: a national decision, a policy motion tabled and carried (the version
made in the motion outcome's transaction), and every refusal with its clause."""

from __future__ import annotations

from typing import Any

import pytest

from moot.audit.models import AuditEvent
from moot.dates import long_date
from moot.errors import Refusal, RefusalCode
from moot.motions.models import Motion, MotionState
from moot.policies import queries
from moot.policies.actions import do_record_national_decision
from moot.policies.models import Policy, PolicyProposal, PolicyVersion
from policies.conftest import DEFINITION, days_ago


def test_a_national_decision_adopts_a_national_policy_in_part(
    assembly: Any, national_definition: Any
) -> None:
    version = national_definition
    assert (version.number, version.action, version.extent) == (1, "adopt", "part")
    assert version.decision_label.startswith("National executive committee, ")
    assert version.decision_label.endswith(", minute 14.2")
    assert version.clause == "1.9.3"
    event = AuditEvent.objects.get(verb="policies.record_national_decision")
    assert event.after["version"] == 1
    assert len(event.after["text_sha256"]) == 64


def test_carrying_a_motion_adopts_the_national_definition_in_full(
    assembly: Any, national_definition: Any, propose: Any, carry: Any
) -> None:
    motion = propose(
        action="adopt",
        title="Definition of hostility",
        kind="definition",
        source_policy=national_definition.policy,
        extent="full",
    )
    proposal = PolicyProposal.objects.get(motion=motion)
    assert proposal.result_version is None
    assert not Policy.objects.filter(unit=assembly.clp).exists()  # nothing until carried
    motion = carry(motion)
    assert motion.state == MotionState.CARRIED
    proposal.refresh_from_db()
    version = proposal.result_version
    assert version is not None
    assert (version.policy.unit, version.action, version.extent) == (assembly.clp, "adopt", "full")
    assert version.motion == motion
    assert version.decision_text == motion.outcome_text
    assert version.policy.source_policy == national_definition.policy
    assert version.text == DEFINITION  # in full: the national text, not one of its own
    outcome = AuditEvent.objects.get(verb="motions.record_motion_outcome")
    assert outcome.after["policy_version"] == version.pk
    assert AuditEvent.objects.filter(verb="policies.apply_carried_motion").count() == 1
    from moot.motions.hooks import motion_paragraph

    assert (
        f"“Definition of hostility” version 1 (adopted in full) is in force from "
        f"{long_date(version.in_force_from)}." in motion_paragraph(motion)
    )


def test_a_lost_motion_makes_no_version(
    assembly: Any, national_definition: Any, propose: Any, carry: Any
) -> None:
    motion = propose(
        action="adopt", title="Local standing policy", kind="standing_policy", text="We act."
    )
    motion = carry(motion, yes=2, no=6)
    assert motion.state == MotionState.LOST
    assert not Policy.objects.filter(unit=assembly.clp).exists()


def _adopted(assembly: Any, propose: Any, carry: Any, text: str) -> PolicyVersion:
    """Version 1 of Riverside's "Buses policy", adopted at a meeting thirty days ago (a change
    tonight comes into force after it: one the same day would leave it never in force)."""
    from moot.policies.actions._common import append_version, check_change

    on = days_ago(30)
    change = check_change(
        assembly.clp,
        action="adopt",
        policy=None,
        on=on,
        kind="standing_policy",
        title="Buses policy",
        text=text,
    )
    return append_version(
        assembly.clp,
        change,
        in_force_from=on,
        decided_by="motion",
        decision_body="Motion 1 at Riverside general meeting",
        decision_date=on,
        decision_ref="motion 1",
        acting_user=None,
    )


BUSES = (
    "This party will campaign for an hourly bus to every village.\n\n"
    "It will hold a public meeting on buses every spring."
)


def test_amending_by_numbered_lines_makes_version_two(
    assembly: Any, propose: Any, carry: Any
) -> None:
    first = _adopted(assembly, propose, carry, BUSES)
    motion = propose(
        action="amend",
        policy=first.policy,
        edits=[{"action": "replace", "line_from": 2, "text": "It will hold two a year."}],
    )
    motion = carry(motion)
    second = queries.latest_version(first.policy)
    assert second.number == 2
    assert second.action == "amend"
    assert second.text == (
        "This party will campaign for an hourly bus to every village.\n\nIt will hold two a year."
    )
    assert second.summary == "line 2 replaced"
    rows = queries.version_diff(second)
    assert [(r.op, r.old_number, r.new_number) for r in rows] == [
        ("same", 1, 1),
        ("deleted", 2, None),
        ("inserted", None, 2),
    ]


def test_rescinding_ends_the_policy_from_the_day_it_is_carried(
    assembly: Any, propose: Any, carry: Any
) -> None:
    first = _adopted(assembly, propose, carry, BUSES)
    carry(propose(action="rescind", policy=first.policy))
    latest = queries.latest_version(first.policy)
    assert (latest.number, latest.action, latest.text) == (2, "rescind", "")
    assert not queries.standing_on(first.policy, latest.in_force_from).in_force


def test_a_policy_changed_since_tabling_is_refused_on_carrying_as_a_conflict(
    assembly: Any, propose: Any, carry: Any
) -> None:
    first = _adopted(assembly, propose, carry, BUSES)
    slow = propose(
        action="amend",
        policy=first.policy,
        edits=[{"action": "delete", "line_from": 2}],
    )
    fast = propose(
        action="amend",
        policy=first.policy,
        edits=[{"action": "insert", "line_from": 2, "text": "And a night bus."}],
    )
    carry(fast)
    slow = carry(slow)
    assert slow.state == MotionState.CARRIED  # the vote stands
    proposal = PolicyProposal.objects.get(motion=slow)
    assert proposal.result_version is None
    assert "has changed since this change was proposed" in proposal.refusal
    assert queries.latest_version(first.policy).number == 2  # only the fast one
    event = AuditEvent.objects.get(verb="policies.refuse_carried_motion")
    assert event.after["code"] == RefusalCode.CONFLICT
    outcome = AuditEvent.objects.filter(verb="motions.record_motion_outcome").last()
    assert "has changed" in outcome.after["policy_refused"]


def test_a_stale_base_version_is_refused_when_tabling_with_409(
    assembly: Any, propose: Any, carry: Any
) -> None:
    first = _adopted(assembly, propose, carry, BUSES)
    carry(
        propose(action="amend", policy=first.policy, edits=[{"action": "delete", "line_from": 2}])
    )
    before = Motion.objects.count()
    with pytest.raises(Refusal) as caught:
        propose(
            action="amend",
            policy=first.policy,
            base_version=first,
            edits=[{"action": "delete", "line_from": 1}],
        )
    assert caught.value.code == RefusalCode.CONFLICT
    assert caught.value.code.status == 409
    assert Motion.objects.count() == before  # nothing tabled


def test_a_unit_may_not_amend_a_national_policy(
    assembly: Any, national_definition: Any, propose: Any
) -> None:
    with pytest.raises(Refusal) as caught:
        propose(
            action="amend",
            policy=national_definition.policy,
            edits=[{"action": "delete", "line_from": 1}],
        )
    assert caught.value.clause == "1.9.2"
    assert caught.value.field == "policy"
    assert not PolicyProposal.objects.exists()


def test_a_code_of_conduct_may_not_be_adopted_in_part(assembly: Any, propose: Any) -> None:
    with pytest.raises(Refusal) as caught:
        propose(
            action="adopt",
            title="Conduct",
            kind="code_of_conduct",
            source="The party's code of conduct",
            extent="part",
            text="Be kind.",
        )
    assert caught.value.clause == "1.9.4"
    assert caught.value.field == "extent"


def test_a_kind_the_rulebook_does_not_keep_is_refused(assembly: Any, propose: Any) -> None:
    with pytest.raises(Refusal) as caught:
        propose(action="adopt", title="Manifesto", kind="manifesto", text="Everything.")
    assert caught.value.field == "kind"
    assert "definition" in caught.value.message


def test_lines_that_do_not_exist_are_refused_naming_the_version(
    assembly: Any, propose: Any, carry: Any
) -> None:
    first = _adopted(assembly, propose, carry, BUSES)
    with pytest.raises(Refusal) as caught:
        propose(action="amend", policy=first.policy, edits=[{"action": "delete", "line_from": 9}])
    assert caught.value.field == "edits"
    assert "version 1 of the policy" in caught.value.message


def test_a_title_already_used_by_the_unit_is_a_conflict(
    assembly: Any, propose: Any, carry: Any
) -> None:
    _adopted(assembly, propose, carry, BUSES)
    with pytest.raises(Refusal) as caught:
        propose(action="adopt", title="Buses policy", kind="standing_policy", text="Again.")
    assert caught.value.code == RefusalCode.CONFLICT


def test_national_decisions_only_for_the_national_unit(assembly: Any) -> None:
    with pytest.raises(Refusal) as caught:
        do_record_national_decision(
            assembly.clp,
            action="adopt",
            kind="standing_policy",
            title="X",
            text="Y",
            body="Executive",
            decision_date=days_ago(1),
            acting_user=assembly.staff,
        )
    assert caught.value.field == "unit"
    assert not Policy.objects.exists()


def test_a_version_is_never_changed(national_definition: Any) -> None:
    national_definition.text = "Rewritten history."
    with pytest.raises(ValueError, match="never changed"):
        national_definition.save()
    national_definition.refresh_from_db()
    assert national_definition.text == DEFINITION


def test_in_full_or_in_part_needs_the_document_adopted(assembly: Any, propose: Any) -> None:
    with pytest.raises(Refusal) as caught:
        propose(action="adopt", title="Ours", kind="definition", extent="part", text="Words.")
    assert caught.value.field == "source"
    assert not PolicyProposal.objects.exists()


def test_a_title_taken_between_the_check_and_the_write_is_a_conflict(assembly: Any) -> None:
    from django.db import transaction
    from django.utils import timezone

    from moot.policies.actions._common import append_version, check_change

    today = timezone.localdate()
    change = check_change(
        assembly.clp,
        action="adopt",
        policy=None,
        on=today,
        kind="standing_policy",
        title="Buses",
        text="An hourly bus.",
    )
    Policy.objects.create(unit=assembly.clp, kind="standing_policy", title="Buses")
    with pytest.raises(Refusal) as caught, transaction.atomic():
        append_version(
            assembly.clp,
            change,
            in_force_from=today,
            decided_by="motion",
            decision_body="Motion 1",
            decision_date=today,
            acting_user=None,
        )
    assert caught.value.code == RefusalCode.CONFLICT
    assert not PolicyVersion.objects.exists()
