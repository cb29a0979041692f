"""Insider threats to the count of a verifiable ballot (issue 12; docs/verifiable.md, "A verifiable
ballot from start to end"). Each runs on SQLite and PostgreSQL.

* Whoever runs the server swaps one decrypted online vote for another as it goes into issue
  11's count (a changed server, or the counted ballots edited in the database before the
  count): the count, its report and the verifiable record are each consistent on their own,
  but the published record fails ``moot verify`` at the join — ``ballots.blt`` no longer holds
  every ranking the trustees decrypted on the board.
* Whoever runs the server counts one invalid decrypted ranking as a vote: the returns no longer
  list the board's invalid positions, and the record fails.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from moot.ballots.actions.closing import (
    do_close_ballot,
    do_count_ballot,
    do_declare_ballot,
    do_sign_scrutineer_report,
)
from moot.ballots.models import Ballot
from moot.ballots.record import record_bytes
from moot.verifiable import declaration
from moot.verify.record import verify_bundle
from verifiable.tally_world import mix_and_decrypt
from verifiable.test_declaration import SATISFIED, _voted
from verifiable.world import VerifiableWorld, open_verifiable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> VerifiableWorld:
    return open_verifiable(voters=4, precedence="online_wins")


def _record_after(world: VerifiableWorld, capture: Any, tmp_path: Any) -> Any:
    ro, scrutineer = _voted(world)
    with capture(execute=True):
        do_close_ballot(world.ballot, acting_user=ro)
    mix_and_decrypt(world.election, world.shares)
    ballot = do_count_ballot(world.ballot, acting_user=ro)
    do_sign_scrutineer_report(ballot, statements=SATISFIED, acting_user=scrutineer)
    with capture(execute=True):
        do_declare_ballot(ballot, acting_user=ro)
    path = tmp_path / "record.zip"
    path.write_bytes(record_bytes(Ballot.objects.get(pk=world.ballot.pk)))
    return verify_bundle(path)


def test_a_decrypted_vote_swapped_on_its_way_to_the_count_fails_the_record(
    world: VerifiableWorld,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    honest = declaration.online_contents

    def swapped(*args: Any) -> Any:
        contents, invalid = honest(*args)
        first = json.loads(contents[0])
        return [json.dumps(first[::-1], separators=(",", ":")), *contents[1:]], invalid

    monkeypatch.setattr(declaration, "online_contents", swapped)
    report = _record_after(world, django_capture_on_commit_callbacks, tmp_path)
    assert [p.file for p in report.problems] == ["ballots.blt"], report.lines()
    assert "an online vote was left out of the count" in report.problems[0].message
    # Everything else holds: only the join between the two parts catches it.
    assert any(line.startswith("ok   verifiable: count:") for line in report.lines())


def test_an_invalid_ranking_counted_as_a_vote_fails_the_record(
    world: VerifiableWorld,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    honest = declaration.online_contents

    def forgiving(*args: Any) -> Any:
        contents, _invalid = honest(*args)
        return [*contents, contents[0]], []

    monkeypatch.setattr(declaration, "online_contents", forgiving)
    report = _record_after(world, django_capture_on_commit_callbacks, tmp_path)
    assert [p.file for p in report.problems] == ["returns.json"], report.lines()
    assert "the board's result lists [" in report.problems[0].message
