"""Reads of the register: "as at" standing at the edges of a version's dates, and a unit's
page and API answering in as many queries with six policies as with one (the versions are
prefetched, not read per policy)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moot.policies import queries
from moot.policies.actions import do_record_national_decision
from policies.conftest import days_ago


def _national(assembly: Any, n: int) -> Any:
    first = do_record_national_decision(
        assembly.world.national,
        action="adopt",
        kind="definition" if n % 2 else "code_of_conduct",
        title=f"Policy {n}",
        text="First line.\n\nSecond line.",
        body="National executive committee",
        decision_date=days_ago(100),
        acting_user=assembly.staff,
    )
    return do_record_national_decision(
        assembly.world.national,
        action="amend",
        policy=first.policy,
        base_version=first,
        edits=[{"action": "delete", "line_from": 2}],
        body="National executive committee",
        decision_date=days_ago(50),
        acting_user=assembly.staff,
    )


def test_standing_at_the_edges_of_a_version(assembly: Any) -> None:
    second = _national(assembly, 1)
    policy = second.policy
    assert queries.standing_on(policy, days_ago(101)).version is None
    assert queries.standing_on(policy, days_ago(100)).version.number == 1
    one = queries.standing_on(policy, days_ago(51))
    assert (one.version.number, one.until) == (1, days_ago(50))
    assert queries.standing_on(policy, days_ago(50)).version.number == 2
    assert queries.standing_on(policy, days_ago(0) + datetime.timedelta(days=400)).in_force


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_a_units_policies_are_read_in_the_same_number_of_queries(assembly: Any) -> None:
    client = Client()
    client.force_login(assembly.member.user)
    urls = (
        f"/policies/units/{assembly.clp.pk}/",
        f"/policies/units/{assembly.world.national.pk}/",
        f"/api/policies/units/{assembly.clp.pk}",
        "/api/policies/",
    )
    _national(assembly, 1)
    _count(client, urls[0])  # warm the session and the rulebook's cache
    one = [_count(client, url) for url in urls]
    for n in range(2, 7):
        _national(assembly, n)
    assert [_count(client, url) for url in urls] == one
