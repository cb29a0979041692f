"""Fixtures for the policies tests: the motions tests' assembly (Riverside's AGM tonight, a
mover and seconder, national staff), a national definition adopted in part by a national
decision, and helpers to table a policy motion and carry it by a counted show of hands."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from motions.conftest import Assembly, three_weeks_ago
from motions.conftest import assembly as assembly  # noqa: PLC0414 -- re-exported fixture
from motions.conftest import check_in as check_in  # noqa: PLC0414 -- re-exported fixture

DEFINITION = (
    "Hostility towards a people is a set of beliefs that may be expressed as hatred of its "
    "members, whether in words, in images or in deeds.\n\n"
    "Examples include denying a people's right to speak for itself, holding all its members "
    "responsible for the acts of any one of them, and using old caricatures to describe them.\n\n"
    "Criticism of a government like that levelled against any other is not in itself hostility."
)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def national_definition(assembly: Assembly) -> Any:
    """Version 1 of a national definition, adopted in part by the national executive 200 days
    ago (minute 14.2)."""
    from moot.policies.actions import do_record_national_decision

    return do_record_national_decision(
        assembly.world.national,
        action="adopt",
        kind="definition",
        title="Working definition of hostility",
        source="Fictional Institute's working definition (2019)",
        extent="part",
        text=DEFINITION,
        body="National executive committee",
        decision_date=days_ago(200),
        minute="minute 14.2",
        acting_user=assembly.staff,
    )


@pytest.fixture
def propose(assembly: Assembly) -> Callable[..., Any]:
    """propose(action=..., **kwargs) -> a motion tabled by the mover at tonight's AGM proposing
    a change to Riverside's register."""
    from moot.policies.actions import table_policy_motion

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("motion_title", "Our policy")
        kwargs.setdefault("motion_text", "This party resolves to change its policy as set out.")
        kwargs.setdefault("mover", assembly.mover)
        kwargs.setdefault("seconder", assembly.seconder)
        kwargs.setdefault("acting_user", assembly.mover.user)
        kwargs.setdefault("tabled_on", three_weeks_ago())
        return table_policy_motion(assembly.meeting, **kwargs)

    return make


@pytest.fixture
def carry(assembly: Assembly, check_in: Any) -> Callable[..., Any]:
    """carry(motion, yes=5, no=3) -> the motion after a counted show of hands."""
    from moot.motions.actions import do_close_motion_vote, do_open_motion_vote
    from moot.polls.actions import do_enter_teller_counts

    state = {"checked_in": False}

    def make(motion: Any, yes: int = 5, no: int = 3) -> Any:
        if not state["checked_in"]:
            check_in(assembly.meeting, 9)
            state["checked_in"] = True
        motion = do_open_motion_vote(motion, acting_user=assembly.chair.user)
        do_enter_teller_counts(
            motion.poll, {"yes": yes, "no": no, "abstain": 0}, acting_user=assembly.chair.user
        )
        return do_close_motion_vote(motion, acting_user=assembly.chair.user)

    return make
