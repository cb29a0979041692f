"""The one refusal (moot.errors): one text format, one status per code in every app, one way to
show it on a form or a page."""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory

from moot.elections.errors import ElectionError
from moot.errors import Refusal, RefusalCode, show_refusal
from moot.meetings.errors import MeetingError
from moot.members.errors import ActionError
from moot.motions.errors import MotionError
from moot.polls.errors import PollError

APP_REFUSALS = (ActionError, MotionError, MeetingError, ElectionError, PollError)


def test_every_code_has_one_status() -> None:
    assert {code: code.status for code in RefusalCode} == {
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


@pytest.mark.parametrize("cls", APP_REFUSALS)
def test_every_apps_refusal_is_the_one_refusal(cls: type[Refusal]) -> None:
    refused = cls("Nominations closed on 1 May.", code="state")
    assert isinstance(refused, Refusal)
    assert (refused.code, refused.status) == (RefusalCode.STATE, 409)
    assert cls("The vote is already open.", code="ineligible").status == 403


def test_the_clause_is_appended_once_in_one_format() -> None:
    assert str(Refusal("Too late.", clause="7.5.2")) == "Too late. (clause 7.5.2)"
    assert str(Refusal("Too late under clause 7.5.2.", clause="7.5.2")) == (
        "Too late under clause 7.5.2."
    )
    assert str(Refusal("Choose a date.")) == "Choose a date."


def test_the_default_code_follows_the_clause() -> None:
    assert Refusal("Too late.", clause="7.5.2").code == RefusalCode.RULE
    assert Refusal("Choose a date.").code == RefusalCode.INVALID


def test_an_unknown_code_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="already"):
        Refusal("Already checked in.", code="already")


def test_the_api_body() -> None:
    refused = MeetingError("Too late.", clause="7.5.2", field="starts_at")
    assert refused.as_json() == {
        "detail": "Too late. (clause 7.5.2)",
        "code": "rule",
        "clause": "7.5.2",
        "field": "starts_at",
    }


class _Form(forms.Form):
    date = forms.DateField(required=False)
    title = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({})
    assert form.is_valid()
    return form


def test_show_refusal_on_the_named_field_with_the_clause() -> None:
    form = _bound()
    show_refusal(
        form, Refusal("Too late.", clause="7.5.2", field="starts_at"), fields={"starts_at": "date"}
    )
    assert form.errors == {"date": ["Too late. (clause 7.5.2)"]}


def test_show_refusal_on_the_form_when_the_field_is_not_on_it() -> None:
    form = _bound()
    show_refusal(form, Refusal("Not open.", field="option_12", code="state"))
    assert form.non_field_errors() == ["Not open."]


def test_show_refusal_on_a_page(rf: RequestFactory) -> None:
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    show_refusal(request, PollError("You have already voted.", code="conflict"))
    assert [str(m) for m in get_messages(request)] == ["You have already voted."]
