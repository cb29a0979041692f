"""Shamir sharing of the case key: any k of n shares recover it, fewer do not, a mistyped share
is refused (property tests)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moot.cases import shamir

pytestmark = pytest.mark.pure


@settings(max_examples=60, deadline=None)
@given(
    secret=st.binary(min_size=1, max_size=64),
    n=st.integers(min_value=2, max_value=7),
    data=st.data(),
)
def test_any_k_shares_recover_the_secret(secret, n, data):
    k = data.draw(st.integers(min_value=2, max_value=n))
    shares = shamir.split(secret, k, n)
    chosen = data.draw(st.permutations(shares))[:k]
    assert shamir.combine(chosen) == secret
    again = [shamir.parse(share.text()) for share in chosen]
    assert shamir.combine(again) == secret


@settings(max_examples=40, deadline=None)
@given(secret=st.binary(min_size=32, max_size=32), n=st.integers(min_value=3, max_value=6))
def test_fewer_than_k_shares_are_refused(secret, n):
    shares = shamir.split(secret, 3, n)
    with pytest.raises(shamir.ShareError, match="3 different shares are needed, 2 given"):
        shamir.combine(shares[:2])
    # The same share twice is one share.
    with pytest.raises(shamir.ShareError, match="2 given"):
        shamir.combine([shares[0], shares[0], shares[1]])


def test_leading_zero_bytes_survive():
    secret = b"\x00\x00\x01" + bytes(29)
    shares = shamir.split(secret, 2, 3)
    for pair in itertools.combinations(shares, 2):
        assert shamir.combine(list(pair)) == secret


def test_shares_of_two_splits_do_not_recover_either():
    first = shamir.split(b"A" * 32, 2, 3)
    second = shamir.split(b"B" * 32, 2, 3)
    try:
        mixed = shamir.combine([first[0], second[1]])
    except shamir.ShareError:
        return
    assert mixed not in {b"A" * 32, b"B" * 32}


def test_a_mistyped_share_is_refused():
    text = shamir.split(b"k" * 32, 2, 2)[0].text()
    digits = "0123456789abcdef"
    position = text.rindex(".") - 1
    typo = text[:position] + digits[(digits.index(text[position]) + 1) % 16] + text[position + 1 :]
    with pytest.raises(shamir.ShareError, match="mistyped"):
        shamir.parse(typo)
    with pytest.raises(shamir.ShareError, match="not a share"):
        shamir.parse("hello")


def test_a_split_needs_a_sensible_threshold():
    with pytest.raises(shamir.ShareError, match="threshold"):
        shamir.split(b"k" * 32, 1, 3)
    with pytest.raises(shamir.ShareError, match="threshold"):
        shamir.split(b"k" * 32, 4, 3)
