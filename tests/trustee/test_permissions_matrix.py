"""The permission matrix of the trustees' page and the key ceremony's API × every role of a
ballot (the roles, the world and the verdicts of ballots' matrix; the ballot made verifiable as
in tests/verifiable/test_permissions_matrix.py, no trustee appointed yet): the page is public,
the ceremony's state is for anyone signed in, every trustee post is a trustee's own (nobody's
here), the upload the credential authority's (nobody's here), skipping a mixer the manager's."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ballots.test_permissions_matrix import MANAGERS, ROLES, Row, call, verdict
from verifiable.test_permissions_matrix import build

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
NOBODY: frozenset[str] = frozenset()


def api(suffix: str) -> Any:
    return lambda c: f"/api/ballots/{c.ballot.pk}/verifiable/{suffix}"


ROWS: list[Row] = [
    Row(
        "verifiable:trustees",
        lambda c: reverse("verifiable:trustees", args=[c.ballot.pk]),
        EVERYONE,
    ),
    Row(
        "POST verifiable:trustees (the returning officer as authority: refused by the action)",
        lambda c: reverse("verifiable:trustees", args=[c.ballot.pk]),
        MANAGERS,
        method="post",
        data=lambda c: {"do": "authority", "account": c.users["returning_officer"].email},
    ),
    Row(
        "verifiable:voters_csv (the returning officer's, for the credential authority)",
        lambda c: reverse("verifiable:voters_csv", args=[c.ballot.pk]),
        MANAGERS,
    ),
    Row("GET ceremony", api("ceremony"), SIGNED_IN, api=True),
    Row("GET trustees/board", api("trustees/board"), SIGNED_IN, api=True),
    Row("GET trustees/me/packets", api("trustees/me/packets"), NOBODY, api=True),
    Row(
        "POST trustees/me/commitment",
        api("trustees/me/commitment"),
        NOBODY,
        method="post",
        api=True,
        data=lambda c: {"commitment_hash": "ab" * 32},
    ),
    Row(
        "POST trustees/me/decryption",
        api("trustees/me/decryption"),
        NOBODY,
        method="post",
        api=True,
        data=lambda c: {"trustee": 1, "sums": [], "ranked": []},
    ),
    Row(
        "POST credentials",
        api("credentials"),
        NOBODY,
        method="post",
        api=True,
        data=lambda c: {"credentials": ["ab" * 32], "credentials_sha256": "cd" * 32},
    ),
    Row(
        "POST trustees/1/skip (not closed: refused by the action)",
        api("trustees/1/skip"),
        MANAGERS,
        method="post",
        api=True,
        data=lambda c: {"reason": "did not mix in time"},
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_trustees_permission_matrix(row: Row, db: Any) -> None:
    ctx = build()
    wrong = []
    for role in ROLES:
        expected = "allowed" if role in row.allowed else "refused"
        response = call(row, ctx, role)
        got = "allowed" if response.status_code == 204 else verdict(row, role, response)
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{row.name}:\n  " + "\n  ".join(wrong)
