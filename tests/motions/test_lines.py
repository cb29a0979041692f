"""Numbered lines and the text as amended (pure: no database)."""

from __future__ import annotations

import pytest

from moot.motions.lines import Edit, LinesError, apply_edits, check_edit, numbered_lines

pytestmark = pytest.mark.pure

TEXT = "one two three four five six\n\nseven eight nine ten"


def lines(text: str = TEXT) -> list[str]:
    return [line.text for line in numbered_lines(text, width=10)]


def test_lines_are_wrapped_per_paragraph_and_numbered_across_the_motion() -> None:
    numbered = numbered_lines(TEXT, width=10)
    assert [(n.number, n.text, n.starts_paragraph) for n in numbered] == [
        (1, "one two", True),
        (2, "three four", False),
        (3, "five six", False),
        (4, "seven", True),
        (5, "eight nine", False),
        (6, "ten", False),
    ]


def test_single_line_breaks_are_spaces_and_blank_lines_separate_paragraphs() -> None:
    assert lines("a b\nc\n\n\n  d") == ["a b c", "d"]


def test_replace_insert_delete_in_the_order_applied() -> None:
    edits = [
        Edit("amendment 1", "replace", 2, 3, "3 4 5 6"),
        Edit("amendment 2", "insert", 3, None, "and more"),
        Edit("amendment 3", "delete", 5, None, ""),
    ]
    assert apply_edits(TEXT, edits, width=10) == "one two 3 4 5 6 and more\n\nseven ten"


def test_insert_before_the_first_line_and_new_paragraphs_in_replacement() -> None:
    edits = [
        Edit("amendment 1", "insert", 0, None, "Preamble."),
        Edit("amendment 2", "replace", 4, 6, "New end.\n\nAnother paragraph."),
    ]
    assert apply_edits(TEXT, edits, width=10) == (
        "Preamble.\n\none two three four five six\n\nNew end.\n\nAnother paragraph."
    )


def test_deleting_a_paragraphs_first_line_keeps_the_paragraph_break() -> None:
    edits = [Edit("amendment 1", "delete", 4, None, "")]
    assert apply_edits(TEXT, edits, width=10) == "one two three four five six\n\neight nine ten"


def test_an_edit_to_lines_already_changed_is_refused_naming_both() -> None:
    edits = [
        Edit("amendment 1", "delete", 2, 3, ""),
        Edit("amendment 2", "replace", 3, None, "x"),
    ]
    with pytest.raises(LinesError, match="Amendment 2 changes lines that amendment 1"):
        apply_edits(TEXT, edits, width=10)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (Edit("a", "replace", 5, 9, "x"), "Lines 5–9 are not in the motion: it has lines 1–6"),
        (Edit("a", "replace", 4, 2, "x"), r"last line \(2\) comes before the first \(4\)"),
        (Edit("a", "insert", 7, None, "x"), "Insert after line 7"),
        (Edit("a", "insert", 1, None, " "), "Write the text to insert"),
        (Edit("a", "replace", 1, None, ""), "Write the replacement text"),
        (Edit("a", "rewrite", 1, None, "x"), "Unknown change"),
    ],
)
def test_bad_edits_say_what_is_wrong(edit: Edit, message: str) -> None:
    with pytest.raises(LinesError, match=message):
        check_edit(edit, 6)
