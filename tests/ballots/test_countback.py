"""Countback for a casual vacancy (issue 11 item 9): the stored count re-run with the departed
withdrawn (same seats, constraint and tie-break) and the members who keep their seats deemed
elected, exactly one newcomer recorded, its own report; a second vacancy keeps the first
departed out; a vacancy nobody can fill is refused; over random profiles no continuing member
ever loses their seat and the women's minimum holds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.closing_world import counted_ballot
from moot.audit.models import AuditEvent
from moot.ballots.actions.closing import (
    do_countback,
    do_declare_ballot,
    do_sign_scrutineer_report,
    seat_holders,
)
from moot.ballots.errors import BallotError
from moot.ballots.models import Countback
from moot.counting.model import CountError
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
    assert sorted(countback.result["elected"]) == sorted([elected[1], countback.filled_by.name])
    assert countback.result["withdrawn"] == [departed.name]
    assert f"{departed.name} left after the declaration" in countback.result_text
    assert "withdrawn after the issue" not in countback.result_text
    assert countback.result_text.startswith(f"Countback for the seat of {departed.name}")
    assert f"The seat is filled by {countback.filled_by.name};" in countback.result_text
    # The same as the pure count with the departed gone and the other member kept.
    from moot.ballots.count import ballots_blt
    from moot.ballots.definition import definition_of

    event = {"kind": "seat_vacated", "candidate": departed.pk, "occurred_at": "2030-01-01"}
    again = count_record(
        definition_of(world.ballot),
        ballots_blt(world.ballot),
        [event],
        continuing=[world.by_name(elected[1]).pk],
    )
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


def test_a_vacancy_nobody_can_fill_is_refused(django_capture_on_commit_callbacks) -> None:
    world = _declared(django_capture_on_commit_callbacks)
    ballot = world.ballot
    # 4 candidates, 2 seats: two countbacks use up the two who were not elected.
    for _ in range(2):
        departed = world.by_name(seat_holders(ballot)[0])
        do_countback(ballot, departed, reason="Resigned", acting_user=world.returning_officer)
    departed = world.by_name(seat_holders(ballot)[0])
    with pytest.raises(BallotError, match="Nobody can fill the seat of " + departed.name) as caught:
        do_countback(ballot, departed, reason="Resigned", acting_user=world.returning_officer)
    assert caught.value.field == "departed"
    assert Countback.objects.filter(ballot=ballot).count() == 2


def _profile_definition(names: list[str], women: set[int], seats: int, min_women: int) -> dict:
    return {
        "method": "scottish-stv",
        "seats": seats,
        "min_women": min_women,
        "tie_break": "backwards",
        "seed": 7,
        "title": "Profile",
        "candidates": [
            {"id": 100 + i, "name": name, "woman": i in women} for i, name in enumerate(names)
        ],
    }


def _profile_blt(names: list[str], seats: int, papers: list[list[int]]) -> str:
    from moot.counting.formats.blt import write_blt
    from moot.counting.model import Ballots, Election
    from moot.counting.model import Candidate as CountCandidate

    election = Election(
        candidates=[CountCandidate(n) for n in names],
        seats=seats,
        ballots=Ballots([tuple((i,) for i in p) for p in papers], [1] * len(papers)),
        title="Profile",
    )
    return write_blt(election)


NAMES = ["Ada Ashdown", "Bea Birch", "Cy Crane", "Di Dunmore", "Ed Elm", "Flo Fern", "Gus Gale"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    size=st.integers(min_value=4, max_value=7),
    seats=st.integers(min_value=2, max_value=3),
)
def test_no_continuing_member_ever_loses_their_seat(data, size, seats) -> None:
    """Over random profiles: for each seat-holder leaving, the re-run keeps every other
    holder, adds exactly one newcomer (or is refused by the count as unfillable), and keeps
    the women's minimum."""
    names = NAMES[:size]
    seats = min(seats, size - 1)
    women = set(data.draw(st.sets(st.integers(0, size - 1), min_size=1, max_size=size)))
    min_women = data.draw(st.integers(0, min(len(women), seats)))
    paper = st.permutations(range(size)).flatmap(
        lambda order: st.integers(1, size).map(lambda n: list(order[:n]))
    )
    papers = data.draw(st.lists(paper, min_size=5, max_size=40))
    definition = _profile_definition(names, women, seats, min_women)
    blt = _profile_blt(names, seats, papers)
    declared = count_record(definition, blt, []).elected_names
    for departed in declared:
        remaining = [n for n in declared if n != departed]
        event = {"kind": "seat_vacated", "candidate": 100 + names.index(departed)}
        event["occurred_at"] = "2030-01-01"
        continuing = [100 + names.index(n) for n in remaining]
        try:
            again = count_record(definition, blt, [event], continuing=continuing)
        except CountError:
            # Unfillable: nobody left who keeps the women's minimum met.
            left_women = [i for i in women if names[i] not in declared]
            kept_women = len([n for n in remaining if names.index(n) in women])
            assert kept_women < min_women
            assert not left_women
            continue
        assert set(remaining) <= set(again.elected_names)
        newcomers = [n for n in again.elected_names if n not in remaining]
        assert len(newcomers) == 1
        assert newcomers[0] != departed
        won = [n for n in again.elected_names if names.index(n) in women]
        assert len(won) >= min_women
