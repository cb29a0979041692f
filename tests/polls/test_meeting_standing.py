"""How polls reads the meetings app's verdict on a voter (moot.meetings.queries
.is_present_and_eligible): a bool, or an object carrying the rulebook's reason and clause."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from moot.polls.queries import _standing_from_meeting

pytestmark = pytest.mark.pure


@dataclass(frozen=True)
class Reason:
    text: str
    clause: str


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[Reason, ...] = ()


def test_bool_verdicts() -> None:
    assert _standing_from_meeting(True).allowed
    refused = _standing_from_meeting(False)
    assert not refused.allowed
    assert refused.reason == "You are not checked in as an eligible voter at this meeting."


def test_rulebook_assessment_keeps_reason_and_clause() -> None:
    verdict = Verdict(False, (Reason("joined 5 weeks before the meeting; 8 are needed", "7.2"),))
    standing = _standing_from_meeting(verdict)
    assert not standing.allowed
    assert standing.reason == "joined 5 weeks before the meeting; 8 are needed"
    assert standing.clause == "7.2"
    assert _standing_from_meeting(Verdict(True)).allowed
