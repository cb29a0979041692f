"""Text people type into moot: the one set of checks the forms and the API schemas share
(docs/security.md §7).

* Every text has a length limit, the model column's where there is one, so nothing is silently
  truncated or stored over-long (SQLite does not enforce ``max_length``; a 100,000-character
  title was stored in a 300-character column).
* No control characters (NUL, escape, …) and no bidirectional overrides or isolates
  (U+202A–U+202E, U+2066–U+2069): they hide or reorder what officers read ("Trojan Source").
* A single-line text (a name, a title) has no line break, tab or other separator either, and
  no invisible character (zero-width space, non-joiner and joiner U+200B–U+200D, word joiner
  U+2060, byte-order mark U+FEFF, soft hyphen U+00AD): two names or titles that look the same
  must be the same (review finding M); a multi-line text (a motion's wording, minutes) may
  have line breaks and tabs.

Refusals name the field and the place, e.g. "title: character 12 is a line break (U+000A); a
title is one line". Use :func:`check_text` in code, :func:`guard_form_text` on a Django form and
:class:`Text` / :func:`ModelText` as metadata of a schema field, e.g.
``title: Annotated[str, ModelText(Meeting, "title")] = ""``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotated_types import GroupedMetadata, MaxLen
from django import forms
from django.core.exceptions import ValidationError
from pydantic import AfterValidator

# A long text with no column limit (a motion's wording, a statement, minutes).
LONG_TEXT_MAX = 50_000
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_NAMES = {
    "\x00": "a NUL byte",
    "\n": "a line break",
    "\r": "a carriage return",
    "\t": "a tab",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}


def _describe(character: str) -> str:
    code = f"U+{ord(character):04X}"
    name = _NAMES.get(character)
    if name is None and character in BIDI_CONTROLS:
        name = f"a bidirectional control ({unicodedata.name(character, code).lower()})"
    if name is None and character in INVISIBLE:
        name = f"an invisible character ({unicodedata.name(character, code).lower()})"
    if name is None:
        name = "a control character"
    return f"{name} ({code})"


# Control characters (Unicode category Cc: C0, DEL, C1), the line and paragraph separators and
# the bidirectional overrides and isolates; a multi-line text may hold tabs and line breaks.
# A single-line text (a name, a title) holds no invisible character either (INVISIBLE).
_SINGLE_LINE_FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
_MULTI_LINE_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def text_problem(value: str, *, single_line: bool, max_length: int | None) -> str:
    """What is wrong with ``value`` (empty when nothing): the length over the limit, or the
    first forbidden character with its position."""
    if max_length is not None and len(value) > max_length:
        return f"is {len(value):,} characters long; the limit is {max_length:,}"
    pattern = _SINGLE_LINE_FORBIDDEN if single_line else _MULTI_LINE_FORBIDDEN
    found = pattern.search(value)
    if found is None:
        return ""
    character = found.group()
    fix = "it is one line" if character in "\n\r\u2028\u2029" else "remove it"
    return f"character {found.start() + 1} is {_describe(character)}; {fix}"


def check_text(
    value: str, *, field: str, single_line: bool = True, max_length: int | None = None
) -> str:
    """``value`` unchanged when acceptable, else a :class:`moot.errors.Refusal` naming
    ``field``."""
    from moot.errors import Refusal

    problem = text_problem(value, single_line=single_line, max_length=max_length)
    if problem:
        raise Refusal(f"{field}: {problem}", field=field)
    return value


# --- Django forms ---------------------------------------------------------------------------


class TextValidator:
    """A form field validator: the checks of :func:`text_problem` with the field's label."""

    def __init__(self, label: str, *, single_line: bool) -> None:
        self.label = label
        self.single_line = single_line

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        problem = text_problem(value, single_line=self.single_line, max_length=None)
        if problem:
            raise ValidationError(f"{self.label}: {problem}", code="text")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and (other.label, other.single_line) == (
            self.label,
            self.single_line,
        )

    def __hash__(self) -> int:
        return hash((self.label, self.single_line))


def guard_form_text(form: forms.BaseForm) -> None:
    """Give every text field of ``form`` the checks: a textarea is multi-line, any other text
    input single-line; a field with no length limit gets :data:`LONG_TEXT_MAX` (a textarea) or
    the model column's. Call it at the end of the form's ``__init__``."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField):
            continue
        multi_line = isinstance(field.widget, forms.Textarea)
        label = str(field.label or name.replace("_", " ").capitalize())
        validator = TextValidator(label, single_line=not multi_line)
        if validator not in field.validators:
            field.validators.append(validator)
        if field.max_length is None:
            field.max_length = LONG_TEXT_MAX
            field.validators.append(_MaxLength(LONG_TEXT_MAX, label))
            field.widget.attrs.setdefault("maxlength", str(LONG_TEXT_MAX))


class TextGuardMixin:
    """For a form class: ``class MyForm(TextGuardMixin, forms.Form)`` checks every text field
    (:func:`guard_form_text`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_form_text(self)  # type: ignore[arg-type]


class _MaxLength:
    def __init__(self, limit: int, label: str) -> None:
        self.limit = limit
        self.label = label

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and len(value) > self.limit:
            raise ValidationError(
                f"{self.label}: is {len(value):,} characters long; the limit is {self.limit:,}",
                code="max_length",
            )


# --- pydantic (ninja schemas) ---------------------------------------------------------------


def _pydantic_check(single_line: bool) -> AfterValidator:
    def check(value: str) -> str:
        problem = text_problem(value, single_line=single_line, max_length=None)
        if problem:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """Schema metadata for a text: ``title: Annotated[str, Text(200)]`` — at most
    ``max_length`` characters and no forbidden characters (single-line unless told)."""

    max_length: int = LONG_TEXT_MAX
    single_line: bool = True

    def __iter__(self) -> Iterator[Any]:
        yield MaxLen(self.max_length)
        yield _pydantic_check(self.single_line)


def ModelText(model: Any, field_name: str) -> Text:  # noqa: N802 -- used like a class in schemas
    """:class:`Text` for ``model.field_name``: its column's ``max_length``, single-line for a
    ``CharField``; a ``TextField`` is multi-line with :data:`LONG_TEXT_MAX`."""
    from django.db import models

    field = model._meta.get_field(field_name)
    if isinstance(field, models.TextField):
        return Text(LONG_TEXT_MAX, single_line=False)
    return Text(field.max_length or LONG_TEXT_MAX, single_line=True)
