"""The panel draw is random, reproducible from its seed and list, and bound to the list by its
hash (issue 10 item 3, R-E2)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moot.cases.draw import draw, eligible_hash, lot, new_seed

pytestmark = pytest.mark.pure


def test_the_same_seed_and_list_give_the_same_panel():
    seed = new_seed()
    pool = list(range(1, 40))
    first = draw(pool, 3, seed)
    assert draw(reversed(pool), 3, seed) == first
    assert len(set(first.drawn)) == 3
    assert set(first.drawn) <= set(pool)
    assert first.eligible_count == 39


def test_the_hash_is_of_the_sorted_list_one_id_a_line():
    expected = hashlib.sha256(b"2\n5\n11\n").hexdigest()
    assert eligible_hash([11, 2, 5, 5]) == expected
    assert draw([5, 11, 2], 1, "ab").eligible_hash == expected


def test_the_lowest_lots_sit_in_order():
    seed = "00ff"
    pool = [3, 1, 4, 15, 9, 26]
    by_lot = sorted(
        pool, key=lambda person_id: hashlib.sha256(f"{seed}:{person_id}".encode()).hexdigest()
    )
    assert draw(pool, 3, seed).drawn == tuple(by_lot[:3])
    assert lot(seed, 3) == hashlib.sha256(b"00ff:3").hexdigest()


def test_seeds_are_fresh_and_change_the_draw():
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(seed) == 64 for seed in seeds)
    panels = {draw(range(100), 3, seed).drawn for seed in seeds}
    assert len(panels) > 1


@pytest.mark.parametrize(
    ("pool", "size", "seed", "message"),
    [
        ([1, 2], 3, "ab", "only 2 eligible"),
        ([1, 2], 0, "ab", "at least one"),
        ([1, 2], 1, "", "hexadecimal"),
        ([1, 2], 1, "XYZ", "hexadecimal"),
    ],
)
def test_bad_draws_are_refused(pool, size, seed, message):
    with pytest.raises(ValueError, match=message):
        draw(pool, size, seed)


@given(
    pool=st.sets(st.integers(1, 10**6), min_size=1, max_size=60),
    size=st.integers(1, 5),
    seed=st.binary(min_size=1, max_size=16).map(bytes.hex),
)
def test_any_draw_picks_distinct_eligible_people(pool, size, seed):
    if size > len(pool):
        with pytest.raises(ValueError, match="eligible"):
            draw(pool, size, seed)
        return
    result = draw(pool, size, seed)
    assert len(result.drawn) == size
    assert len(set(result.drawn)) == size
    assert set(result.drawn) <= pool
    assert result.eligible_hash == eligible_hash(pool)
