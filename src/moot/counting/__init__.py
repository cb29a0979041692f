"""moot.counting: exact, reproducible vote counting. Pure: no Django, no other moot imports."""

from moot.counting.model import (
    Ballots,
    Candidate,
    Constraints,
    CountError,
    CountOptions,
    Election,
    GroupConstraint,
    Result,
    Round,
    TieBreakSpec,
    TieRecord,
)
from moot.counting.registry import count, get_method, methods

__all__ = [
    "Ballots",
    "Candidate",
    "Constraints",
    "CountError",
    "CountOptions",
    "Election",
    "GroupConstraint",
    "Result",
    "Round",
    "TieBreakSpec",
    "TieRecord",
    "count",
    "get_method",
    "methods",
]
