"""The review's findings (issue 9 item 9), each on every path it reached: a version never comes
into force on or before the latest one's first day (history is not rewritten, no version is left
never in force); no decision dated after today; "in full" takes the national policy's text; a
code of conduct adopted in full is not amended into "part"; a policy motion is not amended; a
web form's changes are checked against the version it showed; dates in the one UK format
whatever the browser's language; wording."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from moot.errors import Refusal, RefusalCode
from moot.policies import queries
from moot.policies.actions import do_record_national_decision
from moot.policies.actions._common import append_version, check_change
from moot.policies.models import PolicyVersion
from policies.conftest import DEFINITION, days_ago


def _as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _decide(assembly: Any, day: datetime.date, **kwargs: Any) -> PolicyVersion:
    kwargs.setdefault("body", "National executive committee")
    return do_record_national_decision(
        assembly.world.national, decision_date=day, acting_user=assembly.staff, **kwargs
    )


def _rescinded(assembly: Any) -> PolicyVersion:
    """A national standing policy adopted 300 days ago and rescinded 100 days ago."""
    first = _decide(
        assembly,
        days_ago(300),
        action="adopt",
        kind="standing_policy",
        title="Rivers",
        text="Every river safe to swim in.",
    )
    return _decide(
        assembly, days_ago(100), action="rescind", policy=first.policy, base_version=first
    )


def _uk(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def test_adopting_a_rescinded_policy_again_before_the_rescission_is_refused(
    assembly: Any,
) -> None:
    rescinded = _rescinded(assembly)
    policy = rescinded.policy
    between = days_ago(150)
    assert queries.standing_on(policy, days_ago(120)).version.number == 1
    with pytest.raises(Refusal) as caught:
        _decide(assembly, between, action="adopt", policy=policy, text="Back again.")
    assert caught.value.field == "in_force_from"
    assert "would change what the register says was in force" in caught.value.message
    assert PolicyVersion.objects.filter(policy=policy).count() == 2  # nothing written
    assert queries.standing_on(policy, days_ago(50)).version == rescinded
    assert queries.standing_on(policy, days_ago(120)).version.number == 1  # history as it was
    # the API says the same (422), and writes nothing
    url = f"/api/policies/units/{assembly.world.national.pk}/national-decisions"
    payload = {
        "action": "adopt",
        "policy_id": policy.pk,
        "text": "Back again.",
        "body": "National executive committee",
        "decision_date": between.isoformat(),
    }
    response = _as_user(assembly.staff).post(
        url, json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "in_force_from"
    assert PolicyVersion.objects.filter(policy=policy).count() == 2
    # after the rescission's day it is adopted again, as version 3
    again = _decide(assembly, days_ago(10), action="adopt", policy=policy, text="Back again.")
    assert (again.number, again.action) == (3, "adopt")


def test_a_check_before_the_latest_version_is_refused_for_a_motion_too(assembly: Any) -> None:
    """check_change, used by a motion when tabled and when carried, refuses a re-adoption dated
    before the rescission (the adopt path once skipped the check)."""
    rescinded = _rescinded(assembly)
    with pytest.raises(Refusal) as caught:
        check_change(
            assembly.world.national,
            action="adopt",
            policy=rescinded.policy,
            on=days_ago(200),
            text="Back again.",
        )
    assert caught.value.field == "in_force_from"


def test_a_version_from_the_same_day_as_the_latest_is_refused(assembly: Any) -> None:
    first = _decide(
        assembly,
        days_ago(30),
        action="adopt",
        kind="standing_policy",
        title="Buses",
        text="An hourly bus.\n\nA night bus.",
    )
    with pytest.raises(Refusal) as caught:
        _decide(
            assembly,
            days_ago(30),
            action="amend",
            policy=first.policy,
            base_version=first,
            edits=[{"action": "delete", "line_from": 2}],
        )
    assert caught.value.field == "in_force_from"
    assert "version 1 was never in force" in caught.value.message
    assert "record it in force from a later day" in caught.value.message
    assert queries.latest_version(first.policy) == first
    with pytest.raises(Refusal):
        _decide(assembly, days_ago(30), action="rescind", policy=first.policy, base_version=first)


def test_a_decision_dated_after_today_is_refused(assembly: Any) -> None:
    tomorrow = days_ago(-1)
    with pytest.raises(Refusal) as caught:
        _decide(
            assembly,
            tomorrow,
            action="adopt",
            kind="standing_policy",
            title="Later",
            text="Not yet decided.",
        )
    assert caught.value.field == "decision_date"
    assert _uk(tomorrow) in caught.value.message
    assert not PolicyVersion.objects.exists()
    # a decision taken today may bring the version into force later
    version = _decide(
        assembly,
        days_ago(0),
        action="adopt",
        kind="standing_policy",
        title="Later",
        text="Decided today.",
        in_force_from=days_ago(-7),
    )
    assert version.in_force_from == days_ago(-7)


def test_adopting_a_national_policy_in_full_takes_its_text(
    assembly: Any, national_definition: Any, propose: Any
) -> None:
    with pytest.raises(Refusal) as caught:
        propose(
            action="adopt",
            title="Ours",
            kind="definition",
            source_policy=national_definition.policy,
            extent="full",
            text="Any text at all, called the national definition in full.",
        )
    assert caught.value.field == "text"
    assert "in full takes its text" in caught.value.message
    motion = propose(
        action="adopt",
        title="Ours",
        kind="definition",
        source_policy=national_definition.policy,
        extent="full",
    )
    assert motion.policy_proposal.text == DEFINITION
    # "in part" keeps a text of its own
    motion = propose(
        action="adopt",
        title="Ours in part",
        kind="definition",
        source_policy=national_definition.policy,
        extent="part",
        text="Our own words.",
    )
    assert motion.policy_proposal.text == "Our own words."


def test_a_code_of_conduct_adopted_in_full_is_not_amended_into_part(
    assembly: Any, propose: Any
) -> None:
    on = days_ago(30)
    change = check_change(
        assembly.clp,
        action="adopt",
        policy=None,
        on=on,
        kind="code_of_conduct",
        title="Conduct",
        source="The party's code of conduct",
        extent="full",
        text="Be courteous.\n\nDo not bully.",
    )
    first = append_version(
        assembly.clp,
        change,
        in_force_from=on,
        decided_by="motion",
        decision_body="Motion 1 at Riverside general meeting",
        decision_date=on,
        acting_user=None,
    )
    with pytest.raises(Refusal) as caught:
        propose(action="amend", policy=first.policy, edits=[{"action": "delete", "line_from": 2}])
    assert caught.value.clause == "1.9.4"
    assert "Amending its text would adopt it in part" in caught.value.message
    assert queries.latest_version(first.policy) == first


def test_a_policy_motion_is_not_amended(assembly: Any, propose: Any) -> None:
    from moot.motions.actions import do_propose_amendment

    motion = propose(action="adopt", title="Buses", kind="standing_policy", text="An hourly bus.")
    with pytest.raises(Refusal) as caught:
        do_propose_amendment(
            motion,
            action="replace",
            line_from=1,
            text="Something else.",
            mover=assembly.seconder,
            acting_user=assembly.seconder.user,
        )
    assert caught.value.field == "motion"
    assert "table a competing motion" in caught.value.message
    assert not motion.amendments.exists()


def test_a_policy_motions_page_does_not_offer_an_amendment(assembly: Any, propose: Any) -> None:
    motion = propose(action="adopt", title="Buses", kind="standing_policy", text="An hourly bus.")
    client = _as_user(assembly.seconder.user)
    page = client.get(f"/motions/{motion.pk}/").content.decode()
    assert "No amendment can be proposed" in page
    assert "table a competing motion" in page
    assert f'href="/motions/{motion.pk}/amend/"' not in page
    form = client.get(f"/motions/{motion.pk}/amend/")
    assert form.status_code == 302
    assert not motion.amendments.exists()


def test_a_stale_form_is_refused_with_409(assembly: Any, national_definition: Any) -> None:
    url = f"/policies/units/{assembly.world.national.pk}/decide/"
    staff = _as_user(assembly.staff)
    page = staff.get(url, {"policy": national_definition.policy_id}).content.decode()
    shown = f'name="base_version" value="{national_definition.policy_id}:1"'
    assert shown in page
    form = {
        "action": "amend",
        "policy": national_definition.policy_id,
        "base_version": f"{national_definition.policy_id}:1",
        "edits": "delete 1",
        "body": "National executive committee",
        "decision_date": days_ago(5).isoformat(),
    }
    _decide(
        assembly,
        days_ago(10),
        action="amend",
        policy=national_definition.policy,
        base_version=national_definition,
        edits=[{"action": "replace", "line_from": 1, "text": "Another first line."}],
    )
    response = staff.post(url, form)  # typed against version 1; version 2 is the latest
    assert response.status_code == 409
    assert "has changed since this change was proposed" in response.content.decode()
    assert queries.latest_version(national_definition.policy).number == 2
    # the form is drawn again with the versions as they now are
    assert f"{national_definition.policy_id}:2" in response.content.decode()
    # the motion form carries it too
    propose_page = _as_user(assembly.mover.user).get(
        f"/policies/meetings/{assembly.next_meeting.pk}/propose/"
    )
    assert 'name="base_version"' in propose_page.content.decode()


def test_dates_are_written_the_one_way_whatever_the_browser_asks(
    assembly: Any, national_definition: Any
) -> None:
    client = _as_user(assembly.member.user)
    day = national_definition.in_force_from
    page = client.get(
        f"/policies/{national_definition.policy_id}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert f"adopted in part from {_uk(day)}" in page
    assert f"National executive committee, {_uk(day)}, minute 14.2" in page
    assert f"{day:%b}. {day.day}," not in page
    body = client.get(
        f"/api/policies/{national_definition.policy_id}", HTTP_ACCEPT_LANGUAGE="en-US"
    ).json()
    assert _uk(day) in body["standing"]["sentence"]


def test_wording_of_the_register(assembly: Any, national_definition: Any) -> None:
    client = _as_user(assembly.member.user)
    unit_page = client.get(f"/policies/units/{assembly.clp.pk}/").content.decode()
    assert "partys" not in unit_page
    assert "Binds every constituency party under clause" in unit_page
    second = _decide(
        assembly,
        days_ago(10),
        action="amend",
        policy=national_definition.policy,
        base_version=national_definition,
        edits=[{"action": "delete", "line_from": 1}],
    )
    page = client.get(f"/policies/{national_definition.policy_id}/").content.decode()
    assert f"replaced on {_uk(second.in_force_from)}" in page
    assert " to " + _uk(second.in_force_from) not in page
    assert "amended in part" not in page
    assert f"version 2, amended from {_uk(second.in_force_from)} (by National executive" in page
    with pytest.raises(Refusal) as caught:
        _decide(
            assembly,
            days_ago(5),
            action="rescind",
            policy=national_definition.policy,
            base_version=national_definition,
        )
    assert caught.value.code == RefusalCode.CONFLICT
    assert "(amended by National executive committee, " in caught.value.message


def test_the_form_adopts_a_national_policy_in_full_without_a_text(
    assembly: Any, national_definition: Any
) -> None:
    from policies.test_views import _motion_form

    client = _as_user(assembly.mover.user)
    url = f"/policies/meetings/{assembly.next_meeting.pk}/propose/"
    fields = {
        "action": "adopt",
        "kind": "definition",
        "title": "Our definition",
        "source_policy": national_definition.policy_id,
        "extent": "full",
    }
    refused = client.post(url, _motion_form(assembly, **fields, text="Words of our own."))
    assert refused.status_code == 200
    assert "in full takes its text" in refused.content.decode()
    response = client.post(url, _motion_form(assembly, **fields))
    assert response.status_code == 302
    from moot.motions.models import Motion

    assert Motion.objects.get().policy_proposal.text == DEFINITION
