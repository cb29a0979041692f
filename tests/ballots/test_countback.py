"""Countback for a casual vacancy (issue 11 item 9): the stored count re-run with the departed
withdrawn (same seats, constraint and tie-break), who fills the seat recorded, its own report;
a second vacancy keeps the first departed out."""

from __future__ import annotations

import pytest

from ballots.closing_world import counted_ballot
from moot.audit.models import AuditEvent
from moot.ballots.actions.closing import (
    do_countback,
    do_declare_ballot,
    do_sign_scrutineer_report,
)
from moot.ballots.errors import BallotError
from moot.ballots.models import Countback
from moot.verify.ballot_count import count_record

pytestmark = pytest.mark.django_db

SATISFIED = {key: {"satisfied": True, "reasons": ""} for key in ("a", "b", "c")}


def _declared(capture):
    world = counted_ballot(capture)
    do_sign_scrutineer_report(world.ballot, statements=SATISFIED, acting_user=world.scrutineer)
    world.ballot = do_declare_ballot(world.ballot, acting_user=world.returning_officer)
    return world


def test_a_countback_fills_the_seat_from_the_stored_ballots(
    django_capture_on_commit_callbacks,
) -> None:
    world = _declared(django_capture_on_commit_callbacks)
    elected = world.ballot.result["elected"]
    departed = world.by_name(elected[0])
    countback = do_countback(
        world.ballot,
        departed,
        reason="Resigned on moving abroad",
        acting_user=world.returning_officer,
    )
    assert departed.name not in countback.result["elected"]
    assert elected[1] in countback.result["elected"]
    assert countback.filled_by is not None
    assert countback.filled_by.name not in elected
    assert countback.result["withdrawn"] == [departed.name]
    assert f"{departed.name} was withdrawn after the issue" in countback.result_text
    assert countback.result_text.startswith(f"Countback for the seat of {departed.name}")
    assert f"The seat is filled by {countback.filled_by.name}." in countback.result_text
    # The same as the pure count with the departed withdrawn.
    from moot.ballots.count import ballots_blt
    from moot.ballots.definition import definition_of

    event = {"kind": "candidate_withdrawn", "candidate": departed.pk, "occurred_at": "2030-01-01"}
    again = count_record(definition_of(world.ballot), ballots_blt(world.ballot), [event])
    assert again.elected_names == countback.result["elected"]
    audit = AuditEvent.objects.get(verb="ballots.countback")
    assert audit.after["filled_by"] == countback.filled_by.name


def test_a_second_vacancy_keeps_the_first_departed_out(
    django_capture_on_commit_callbacks,
) -> None:
    world = _declared(django_capture_on_commit_callbacks)
    first = world.by_name(world.ballot.result["elected"][0])
    one = do_countback(world.ballot, first, reason="Resigned", acting_user=world.returning_officer)
    second = world.by_name(one.filled_by.name)
    two = do_countback(world.ballot, second, reason="Died", acting_user=world.returning_officer)
    assert first.name not in two.result["elected"]
    assert second.name not in two.result["elected"]
    assert sorted(two.result["withdrawn"]) == sorted([first.name, second.name])
    assert Countback.objects.filter(ballot=world.ballot).count() == 2


def test_countback_refusals_write_nothing(django_capture_on_commit_callbacks) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    someone = world.by_name(world.ballot.result["elected"][0])
    with pytest.raises(BallotError, match="has not been declared"):
        do_countback(world.ballot, someone, reason="Resigned", acting_user=world.returning_officer)
    do_sign_scrutineer_report(world.ballot, statements=SATISFIED, acting_user=world.scrutineer)
    ballot = do_declare_ballot(world.ballot, acting_user=world.returning_officer)
    loser = next(c for c in world.candidates if c.name not in ballot.result["elected"])
    with pytest.raises(BallotError, match="holds no seat") as caught:
        do_countback(ballot, loser, reason="Resigned", acting_user=world.returning_officer)
    assert caught.value.field == "departed"
    with pytest.raises(BallotError, match="Reason") as caught:
        do_countback(ballot, someone, reason="  ", acting_user=world.returning_officer)
    assert caught.value.field == "reason"
    assert not Countback.objects.exists()
