"""The demo's policy register: the outside body's definition adopted in part nationally (then
amended), and in full (the outside document, not the national policy) by Ashcombe Heights CLP
by a carried motion; the code of conduct; a rescinded policy."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from moot.demo import seed
from moot.demo.policies import DEFINITION, DEFINITION_SOURCE, seed_policies
from moot.policies import queries

pytestmark = pytest.mark.django_db


def test_the_demo_register(db: Any) -> None:
    org = seed.seed_foundation()
    policies = seed_policies(org)
    definition = policies["definition"]
    versions = queries.versions_of(definition)
    assert [(v.action, v.extent) for v in versions] == [("adopt", "part"), ("amend", "part")]
    assert "Further examples" not in versions[0].text  # adopted in part
    ashcombe = policies["ashcombe_definition"]
    mine = queries.versions_of(ashcombe)
    assert [(v.action, v.extent, v.decided_by) for v in mine] == [("adopt", "full", "motion")]
    assert mine[0].text == DEFINITION
    assert mine[0].motion.state == "carried"
    # the outside document in full, named by its source: not the national policy (which took
    # only part of it), so the text and the data say the same thing
    assert (ashcombe.source, ashcombe.source_policy) == (DEFINITION_SOURCE, None)
    assert "Further examples" in mine[0].text
    today = org.today
    binding = queries.binding_on(ashcombe.unit, today)
    assert {b.standing.policy.title for b in binding} == {
        "Working definition of hostility",
        "Code of conduct",
    }
    rivers = policies["rivers"]
    assert not queries.standing_on(rivers, today).in_force
    assert queries.standing_on(rivers, today - datetime.timedelta(days=200)).in_force
    # "Was the definition in force on the day before the national executive adopted it?"
    first = versions[0].in_force_from
    assert not queries.standing_on(definition, first - datetime.timedelta(days=1)).in_force
