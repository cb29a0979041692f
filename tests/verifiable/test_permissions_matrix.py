"""The permission matrix of the verifiable pages and endpoints × every role of a ballot (the
roles, the world and the verdicts of ballots' matrix: ``ballots.test_permissions_matrix``).
The national ballot of that world is made verifiable (2 of 3 trustees) while a draft.

The board, its download, the audit check and the booth's page are public (the booth tells
whoever is not on the roll how to start); the setup is the manager's (read by the overseers).
The booth's cast (``POST /api/verifiable/ballots/{id}/cast``) takes the browser session only,
not an API token: tests/verifiable/test_api.py checks it (a stranger 401, CSRF 403)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ballots.test_permissions_matrix import (
    MANAGERS,
    OVERSEERS,
    ROLES,
    Ctx,
    Row,
    call,
    verdict,
)
from ballots.test_permissions_matrix import build as build_ballots
from moot.verifiable.actions import do_make_verifiable

EVERYONE = frozenset(ROLES)


def build() -> Ctx:
    ctx = build_ballots()
    do_make_verifiable(
        ctx.ballot, threshold=2, trustees=3, acting_user=ctx.users["returning_officer"]
    )
    return ctx


def page(name: str) -> Any:
    return lambda c: reverse(f"verifiable:{name}", args=[c.ballot.pk])


def api(suffix: str) -> Any:
    return lambda c: f"/api/verifiable/ballots/{c.ballot.pk}/{suffix}"


ROWS: list[Row] = [
    Row("verifiable:setup", page("setup"), MANAGERS),
    Row(
        "POST verifiable:setup (the same trustees and threshold)",
        page("setup"),
        MANAGERS,
        method="post",
        data=lambda c: {"do": "make", "trustees": "3", "threshold": "2"},
    ),
    Row(
        "POST verifiable:setup (open before the freeze: refused with what is missing)",
        page("setup"),
        MANAGERS,
        method="post",
        data=lambda c: {"do": "open"},
    ),
    Row("verifiable:vote (not open yet: says so)", page("vote"), EVERYONE),
    Row("verifiable:board", page("board"), EVERYONE),
    Row("verifiable:board_jsonl", page("board_jsonl"), EVERYONE),
    Row("verifiable:audit", page("audit"), EVERYONE),
    Row(
        "POST verifiable:audit (not JSON)",
        page("audit"),
        EVERYONE,
        method="post",
        data=lambda c: {"audit": "nonsense"},
    ),
    Row("GET /api/verifiable/ballots/{id}/board", api("board"), EVERYONE, api=True),
    Row(
        "GET /api/verifiable/ballots/{id}/trackers/{t} (not a tracker: 422)",
        api("trackers/xyz"),
        EVERYONE,
        api=True,
    ),
    Row(
        "POST /api/verifiable/ballots/{id}/audit (not open: 409)",
        api("audit"),
        EVERYONE,
        method="post",
        api=True,
        data=lambda c: {"audit": {}},
    ),
    Row(
        "POST /api/verifiable/ballots/{id}/cast/credential (not open: 409)",
        api("cast/credential"),
        EVERYONE,
        method="post",
        api=True,
        data=lambda c: {"credential": "AAAA-AAAA-AAAA-AAAA", "ballot": {}},
    ),
    Row("GET /api/verifiable/ballots/{id}/setup", api("setup"), OVERSEERS, api=True),
    Row(
        "PUT /api/verifiable/ballots/{id}/setup (the same values)",
        api("setup"),
        MANAGERS,
        method="put",
        api=True,
        data=lambda c: {"threshold": 2, "trustees": 3},
    ),
    Row(
        "DELETE /api/verifiable/ballots/{id}/setup",
        api("setup"),
        MANAGERS,
        method="delete",
        api=True,
    ),
    Row(
        "POST /api/verifiable/ballots/{id}/open (a draft: 409)",
        api("open"),
        MANAGERS,
        method="post",
        api=True,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_verifiable_permission_matrix(row: Row, db: Any) -> None:
    ctx = build()
    wrong = []
    for role in ROLES:
        expected = "allowed" if role in row.allowed else "refused"
        response = call(row, ctx, role)
        got = "allowed" if response.status_code == 204 else verdict(row, role, response)
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{row.name}:\n  " + "\n  ".join(wrong)


def test_a_ballot_that_is_not_verifiable_has_no_verifiable_pages(db: Any) -> None:
    ctx = build_ballots()
    from django.test import Client

    for name in ("vote", "board", "board_jsonl", "audit", "election"):
        assert (
            Client().get(reverse(f"verifiable:{name}", args=[ctx.question.pk])).status_code == 404
        )
