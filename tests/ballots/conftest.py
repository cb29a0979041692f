"""Fixtures shared by the ballots tests: the world's national executive ballot (called by
national staff) and a question put to all of Riverside's members (called by its secretary),
both drafts made through ``do_create_ballot``."""

from __future__ import annotations

from typing import Any

import pytest

from factories import BallotFactory

QUESTION = "Should Riverside hold its general committee meetings online as well as in person?"


@pytest.fixture
def national_ballot(world: Any) -> Any:
    """The national executive's constituency section, 9 seats, a draft."""
    return BallotFactory(unit=world.national, acting_user=world.users["national_staff"])


@pytest.fixture
def riverside_question(world: Any) -> Any:
    """A question put to all of Riverside's members by its secretary, a draft."""
    return BallotFactory(
        preset="constituency_question",
        unit=world.riverside,
        acting_user=world.users["secretary"],
        title="Online general committee meetings",
        question=QUESTION,
    )
