"""A trustee mixes and decrypts only for the key its own ceremony made: before each step it
checks that election.json's verification key for it is s_j·B for the share it holds, that the
board's setup entry carries its own coefficients, that the public key is the sum of the
qualified dealers' first coefficients, and that the uuid, t and n are those it joined."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moot.trustee.ceremony import CeremonyError, Step
from moot.trustee.state import TrusteeDir
from moot.verify import group, vdkg
from moot.verify.group import Point
from trustee.test_tally_cli import closed, kinds, step  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

STOPPED = "STOPPED: the election's key is not the one your ceremony made: "


def test_a_trustee_whose_share_does_not_match_the_election_key_stops_before_mixing(
    closed: Any,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, dirs, _tokens = closed
    where = TrusteeDir(dirs[1])
    _state, secrets, _token = where.load()
    secrets["share"] = group.scalar_hex(group.random_scalar())  # another ceremony's share
    where.save_secrets(secrets)
    before = kinds(world)
    code, out = step(dirs, 1, capsys)
    assert code == 1
    assert STOPPED in out
    assert "trustee 1's verification key is" in out
    assert kinds(world) == before  # nothing mixed, not even the tally entry


def test_a_trustee_whose_coefficients_are_not_on_the_board_stops(
    closed: Any,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, dirs, _tokens = closed
    where = TrusteeDir(dirs[1])
    _state, secrets, _token = where.load()
    secrets["coefficients"] = [group.scalar_hex(a) for a in vdkg.random_polynomial(2)]
    where.save_secrets(secrets)
    code, out = step(dirs, 1, capsys)
    assert code == 1
    assert STOPPED in out
    assert "trustee 1's coefficients are not the ones this directory holds" in out
    assert "shuffle" not in kinds(world)


def test_a_server_that_changes_the_threshold_or_the_trustees_is_refused(
    closed: Any,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _world, dirs, _tokens = closed
    where = TrusteeDir(dirs[1])
    state, _secrets, _token = where.load()
    state["threshold"] = 3
    where.save_state(state)
    code, out = step(dirs, 1, capsys)
    assert code == 1
    assert "the server now says the threshold is 2" in out
    state["threshold"] = 2
    state["trustees"] = 4
    where.save_state(state)
    code, out = step(dirs, 1, capsys)
    assert code == 1
    assert "the server now says there are 3 trustees" in out


def test_a_public_key_that_is_not_the_dealers_sum_is_refused(tmp_path: Path) -> None:
    share = group.random_scalar()
    polynomial = vdkg.random_polynomial(2)
    points = [p.hex() for p in vdkg.commitments(polynomial)]
    other = Point.base_times(group.random_scalar()).hex()
    state = {"uuid": "u", "threshold": 2, "trustees": 2, "index": 1}
    secrets = {
        "share": group.scalar_hex(share),
        "coefficients": [group.scalar_hex(a) for a in polynomial],
    }
    mine = Step(TrusteeDir(tmp_path), api=None, state=state, secrets=secrets)  # type: ignore[arg-type]
    good = {
        "uuid": "u",
        "threshold": 2,
        "count": 2,
        "public_key": (Point.decode(points[0]) + Point.decode(other)).hex(),
        "own_key": Point.base_times(share).hex(),
        "own_points": points,
        "dealer_constants": [points[0], other],
    }
    mine.check_key(**good)  # type: ignore[arg-type]
    with pytest.raises(CeremonyError, match="is not the sum of the qualified dealers'"):
        mine.check_key(**{**good, "public_key": other})  # type: ignore[arg-type]
    with pytest.raises(CeremonyError, match="the election's uuid is v"):
        mine.check_key(**{**good, "uuid": "v"})  # type: ignore[arg-type]
    with pytest.raises(CeremonyError, match="3 trustees, this trustee's ceremony had 2"):
        mine.check_key(**{**good, "count": 3})  # type: ignore[arg-type]
