"""How the minutes say what the meeting did with a challenge to the chair's ruling (issue 9 fix
round, item 9: "The ruling was challenged and meeting: 90 for…" was the choice's label cut at
its last word)."""

from __future__ import annotations

from typing import Any

import pytest

from moot.motions.actions import (
    do_challenge_ruling,
    do_close_challenge,
    do_rule_on_motion,
)
from moot.motions.hooks import motion_paragraph
from moot.polls.actions import do_enter_teller_counts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "case",
    [
        (8, 3, "The ruling was challenged and the meeting overturned it: 8 for, 3 against"),
        (7, 1, "The ruling was challenged and the meeting upheld it: 7 for, 1 against"),
    ],
)
def test_the_challenge_is_minuted_in_a_sentence(
    assembly: Any, table: Any, check_in: Any, case: tuple[int, int, str]
) -> None:
    yes, no, said = case
    check_in(assembly.meeting, 12)
    motion = table()
    ruling = do_rule_on_motion(
        motion,
        decision="not_competent",
        category="reserved_to_national_bodies",
        reasons="The motion asks the party to change the membership rules.",
        acting_user=assembly.chair.user,
    )
    ruling = do_challenge_ruling(ruling, moved_by=assembly.mover, acting_user=assembly.chair.user)
    do_enter_teller_counts(
        ruling.challenge_poll, {"yes": yes, "no": no}, acting_user=assembly.chair.user
    )
    do_close_challenge(ruling, acting_user=assembly.chair.user)
    motion.refresh_from_db()
    paragraph = motion_paragraph(motion)
    assert said in paragraph
    assert "challenged and meeting" not in paragraph
    assert "challenged and upheld:" not in paragraph
