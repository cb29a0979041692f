"""Polls' audit verbs follow the one rule (``polls.<action name without do_>``), every action
records its own, and the closing event under a result is found under the old verb too."""

from __future__ import annotations

from typing import Any

import pytest

from moot.audit.actions import record
from moot.audit.models import AuditEvent
from moot.audit.verbs import check_verb
from moot.polls import actions
from moot.polls.actions import (
    do_cast_ballot,
    do_close_poll,
    do_create_poll,
    do_enter_teller_counts,
    do_open_poll,
)
from moot.polls.audit_verbs import FORMER_VERBS, AuditVerb
from moot.polls.templatetags.polls_audit import poll_close_seal

pytestmark = pytest.mark.django_db


def test_every_verb_names_an_action_of_polls() -> None:
    for verb in AuditVerb:
        action = f"do_{verb.name.lower()}"
        assert check_verb(verb, app_label="polls", action=action) == verb
        assert callable(getattr(actions, action)), verb
    assert set(FORMER_VERBS) == set(AuditVerb)


def test_each_action_records_its_verb(
    open_poll: Any, unit: Any, voters: list[Any], manager: Any
) -> None:
    named = open_poll(method="yes-no", secret=False)
    do_cast_ballot(named, voters[0], "yes", acting_user=voters[0].user)
    do_close_poll(named, acting_user=manager)
    hands = do_create_poll(
        title="Standing orders",
        kind="procedural",
        method="yes-no",
        voting="show_of_hands",
        unit=unit,
        acting_user=manager,
    )
    hands = do_open_poll(hands, electorate=voters, acting_user=manager)
    do_enter_teller_counts(hands, {"yes": 3, "no": 1}, acting_user=manager)
    recorded = set(AuditEvent.objects.values_list("verb", flat=True))
    assert set(AuditVerb) <= recorded
    assert not {v for v in recorded if v.startswith("poll.")}


def test_the_closing_event_under_a_result_is_found_under_either_verb(
    open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll(method="yes-no")
    do_cast_ballot(poll, voters[0], "no", acting_user=voters[0].user)
    poll = do_close_poll(poll, acting_user=manager)
    event = AuditEvent.objects.get(verb=AuditVerb.CLOSE_POLL, object_id=str(poll.pk))
    assert poll_close_seal(poll)["event"] == event
    # A poll closed by an earlier version: its event has the verb of the time.
    earlier = do_create_poll(
        title="Earlier motion", kind="motion", method="yes-no", acting_user=manager
    )
    old = record(actor=manager, verb="poll.close", obj=earlier, after={"state": "closed"})
    assert poll_close_seal(earlier)["event"].pk == old.pk
