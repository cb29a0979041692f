"""Ids from text a person or an API client supplied."""

from __future__ import annotations

import pytest

from moot.ids import parse_id

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17", 17),
        (" 17 ", 17),
        (17, 17),
        ("0", 0),
        ("999999999999999999", 999_999_999_999_999_999),
        ("9999999999999999999", None),  # past a 64-bit key
        ("¹", None),  # superscript one: isdigit() but int() refuses it
        ("١", None),  # Arabic-Indic one: int() would read it as 1
        ("-3", None),
        ("3.0", None),
        ("riverside", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id(text, expected):
    assert parse_id(text) == expected
