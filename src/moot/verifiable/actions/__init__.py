"""The verifiable app's writes, by topic; everything is re-exported here (house.md)."""

from moot.verifiable.actions.casting import Cast, do_cast_verifiable
from moot.verifiable.actions.definition import do_drop_verifiable, do_make_verifiable
from moot.verifiable.actions.opening import (
    do_open_verifiable,
    do_open_verifiable_now,
    ready_to_open,
)

__all__ = [
    "Cast",
    "do_cast_verifiable",
    "do_drop_verifiable",
    "do_make_verifiable",
    "do_open_verifiable",
    "do_open_verifiable_now",
    "ready_to_open",
]
