"""The scrutineer's report (TULRCA 1992 s.52) and the declaration: the figures drawn from the
count, the three statements with reasons when not satisfied, the result locked until the
scrutineer signs, the declaration by the returning officer after the signature."""

from __future__ import annotations

import pytest

from ballots.closing_world import counted_ballot
from moot.ballots import closing, results
from moot.ballots.actions.closing import do_declare_ballot, do_sign_scrutineer_report
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot
from moot.ballots.scrutineer import render_text

pytestmark = pytest.mark.django_db

SATISFIED = {key: {"satisfied": True, "reasons": ""} for key in ("a", "b", "c")}


def test_the_report_has_the_s52_figures_and_the_statements(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    statements = {
        **SATISFIED,
        "b": {"satisfied": False, "reasons": "Paper returns were stored in an unlocked room."},
    }
    ballot = do_sign_scrutineer_report(
        world.ballot, statements=statements, acting_user=world.scrutineer
    )
    report = ballot.scrutineer_report
    assert report["distributed"]["by_channel"] == {"online": 6, "post": 6}
    assert report["distributed"]["total"] == 12
    assert report["returned"] == {"by_channel": {"online": 10, "post": 2}, "total": 12}
    assert report["counted"] == 10
    assert report["spoilt"] == {"no marks that could be read": 1}
    assert report["set_aside"] == {closing.ONLINE_OVER_PAPER: 1}
    votes = report["valid_votes"]
    assert votes["first_preferences"] == {
        "Ada Ashdown": "4.00000",
        "Bea Birch": "3.00000",
        "Cy Crane": "2.00000",
        "Di Dunmore": "1.00000",
    }
    assert votes["elected"] == ballot.result["elected"]
    assert report["statements"]["b"]["satisfied"] is False
    assert "unlocked room" in report["statements"]["b"]["reasons"]
    text = render_text(report)
    assert "(b) NOT satisfied" in text
    assert "Reasons: Paper returns were stored in an unlocked room." in text
    assert "Returned: online 10, post 2 (total 12)" in text


def test_reasons_are_required_when_not_satisfied_and_nothing_is_written(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    statements = {**SATISFIED, "c": {"satisfied": False, "reasons": "  "}}
    with pytest.raises(BallotError, match=r"Statement \(c\).*give your reasons") as caught:
        do_sign_scrutineer_report(world.ballot, statements=statements, acting_user=world.scrutineer)
    assert caught.value.field == "c_reasons"
    assert caught.value.clause == "TULRCA 1992 s.52"
    assert Ballot.objects.get(pk=world.ballot.pk).signed_at is None


def test_only_the_scrutineer_signs_and_only_once(django_capture_on_commit_callbacks) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    with pytest.raises(BallotError, match="Only the ballot's scrutineer") as caught:
        do_sign_scrutineer_report(
            world.ballot, statements=SATISFIED, acting_user=world.returning_officer
        )
    assert caught.value.code == "forbidden"
    do_sign_scrutineer_report(world.ballot, statements=SATISFIED, acting_user=world.scrutineer)
    with pytest.raises(BallotError, match="You signed the report on"):
        do_sign_scrutineer_report(world.ballot, statements=SATISFIED, acting_user=world.scrutineer)


def test_the_result_is_locked_until_signed_then_declared_by_the_returning_officer(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    ballot = world.ballot
    assert results.may_read_result(ballot, world.scrutineer)
    assert not results.may_read_result(ballot, world.returning_officer)
    with pytest.raises(BallotError, match="has not signed the report") as caught:
        do_declare_ballot(ballot, acting_user=world.returning_officer)
    assert caught.value.code == "state"
    ballot = do_sign_scrutineer_report(ballot, statements=SATISFIED, acting_user=world.scrutineer)
    assert results.may_read_result(ballot, world.returning_officer)
    with pytest.raises(BallotError, match="Only the ballot's returning officer declares"):
        do_declare_ballot(ballot, acting_user=world.scrutineer)
    ballot = do_declare_ballot(ballot, acting_user=world.returning_officer)
    assert ballot.state == "declared"
    from django.contrib.auth.models import AnonymousUser

    assert results.may_read_result(ballot, AnonymousUser())
    with pytest.raises(BallotError, match="declared already"):
        do_declare_ballot(ballot, acting_user=world.returning_officer)
