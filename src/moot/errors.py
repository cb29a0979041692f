"""The one refusal: what every action, check and access function raises for a person to act on.

A :class:`Refusal` carries the sentence that says what is wrong and how to fix it, the rulebook
clause it rests on (where a rule refused it), the form field to blame (where one is) and a
:class:`RefusalCode` that knows its HTTP status, so the same refusal gives the same answer in
the API of every app (:mod:`moot.api.errors`) and is shown one way on every page
(:func:`show_refusal`). Apps keep a thin subclass (``MeetingError``, ``PollError`` ...) in their
``errors.py`` only so that a page or a test can catch one app's refusals.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError


class RefusalCode(StrEnum):
    """Why something was refused, and so what the API answers. The value is the ``code`` in the
    API's JSON body; :attr:`status` is the HTTP status."""

    INVALID = "invalid"  # the input is wrong: fix it and send it again
    RULE = "rule"  # the rulebook refuses it (the refusal names the clause)
    INELIGIBLE = "ineligible"  # the rulebook does not let this person take part (standing, length)
    FORBIDDEN = "forbidden"  # not your act: someone else's vote, nomination or consent
    NOT_FOUND = "not_found"  # no such record, or one you may not see (the same answer)
    STATE = "state"  # the record's state does not allow it now (not open yet, already closed)
    CONFLICT = "conflict"  # already done: already voted, checked in, seconded, approved
    TOO_LARGE = "too_large"  # the upload or the list is too large to handle at once
    RATE_LIMITED = "rate_limited"  # too many attempts: wait and try again

    @property
    def status(self) -> int:
        return _STATUS[self]


# One status per code. INELIGIBLE is 403 in every app: the rulebook does not let this person
# (the caller voting, or the member named as nominee, nominator or seconder) take part, and no
# change to the request's form will help; the polls API answered 403, the elections API 422
# (now 403). RULE (422) is a rule about the request itself: a date too soon, business an
# inquorate meeting may not take.
_STATUS: dict[RefusalCode, int] = {
    RefusalCode.INVALID: 422,
    RefusalCode.RULE: 422,
    RefusalCode.INELIGIBLE: 403,
    RefusalCode.FORBIDDEN: 403,
    RefusalCode.NOT_FOUND: 404,
    RefusalCode.STATE: 409,
    RefusalCode.CONFLICT: 409,
    RefusalCode.TOO_LARGE: 413,
    RefusalCode.RATE_LIMITED: 429,
}


class Refusal(ValidationError):  # noqa: N818 -- the name the issue and STYLE.md give it
    """An action, a check or an access was refused.

    ``message`` says why and how to fix it; ``clause`` names the rulebook clause when a rule
    refused it; ``field`` names the input to blame; ``code`` is a :class:`RefusalCode` (a refusal
    citing a clause defaults to ``RULE``, any other to ``INVALID``). ``str()`` is the message
    with "(clause X)" appended, unless the message already names the clause.
    """

    def __init__(
        self,
        message: str,
        *,
        clause: str = "",
        field: str | None = None,
        code: RefusalCode | str | None = None,
    ) -> None:
        if code is None:
            code = RefusalCode.RULE if clause else RefusalCode.INVALID
        super().__init__(message, code=RefusalCode(code))
        self.message: str = message
        self.clause = clause
        self.field = field
        self.code: RefusalCode = RefusalCode(code)

    def __str__(self) -> str:
        if self.clause and self.clause not in self.message:
            return f"{self.message} (clause {self.clause})"
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, code={self.code.value!r})"

    @property
    def status(self) -> int:
        """The HTTP status the API answers with."""
        return self.code.status

    def as_json(self) -> dict[str, Any]:
        """The API's body: ``detail`` (the sentence, with the clause), ``code``, ``clause`` and
        ``field`` (empty strings when there is none)."""
        return {
            "detail": str(self),
            "code": self.code.value,
            "clause": self.clause,
            "field": self.field or "",
        }


def show_refusal(
    form_or_request: Any, exc: Refusal, *, fields: dict[str, str] | None = None
) -> None:
    """Show a refusal on a page, one way everywhere.

    Given a form: as the error of the field the refusal names when that field is on the form
    (``fields`` maps an action's field name to the form's where they differ), else as an error
    of the whole form. Given a request: as an error message on the next page. Either way the text
    is ``str(exc)``, with the clause."""
    if hasattr(form_or_request, "add_error") and hasattr(form_or_request, "fields"):
        name = (fields or {}).get(exc.field or "", exc.field)
        target = name if name in form_or_request.fields else None
        form_or_request.add_error(target, str(exc))
        return
    from django.contrib import messages

    messages.error(form_or_request, str(exc))
