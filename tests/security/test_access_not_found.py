"""Insider tests: a record you may not see is answered exactly as one that does not exist.

A member of another unit (the matrix's "stranger", a member of Elsewhere CLP with an account)
asks for Riverside's meeting, poll, election and motion by id, through the pages and the API,
and asks for ids that exist nowhere. Every access_<thing> answers both with the same 404 and the
same words (moot.access), so counting ids tells them nothing; before, meetings, polls,
elections and motions answered 403 with a sentence confirming the record existed ("it belongs
to another unit"). Runs on SQLite and PostgreSQL like the rest of the suite."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse

from test_permissions_matrix_assembly import CSRF, Assembly, build_assembly, clients

MISSING = 987_654_321  # an id no row has

# (what, the record's id in the assembly, its page, its API path)
RECORDS: list[tuple[str, Callable[[Assembly], int], str, str]] = [
    ("meeting", lambda a: a.meeting.pk, "meetings:detail", "/api/meetings/{}"),
    ("poll", lambda a: a.poll_open.pk, "polls:detail", "/api/polls/{}"),
    ("election", lambda a: a.election.pk, "elections:detail", "/api/elections/{}"),
    ("motion", lambda a: a.flagged.pk, "motions:detail", "/api/motions/{}"),
]

_TOKEN = re.compile(
    rb'name="csrfmiddlewaretoken" value="[^"]*"|csrf-?token"?\s*[:=]\s*"[^"]*"', re.IGNORECASE
)


def _page_text(body: bytes, path: str) -> bytes:
    """The page with what legitimately differs between two requests taken out: the path asked
    for (the page may echo it) and the CSRF token."""
    return _TOKEN.sub(b"", body).replace(path.encode(), b"<path>")


@pytest.mark.django_db
def test_another_units_member_gets_the_404_of_a_record_that_does_not_exist() -> None:
    a = build_assembly()
    stranger = clients(a)["stranger"]
    member = clients(a)["member"]
    for what, record_id_of, page, api_path in RECORDS:
        record_id = record_id_of(a)
        # The record exists and Riverside's own member sees it: the 404 below is about who asks.
        assert member.get(reverse(page, args=[record_id])).status_code == 200, what
        assert member.get(api_path.format(record_id)).status_code == 200, what

        existing = stranger.get(api_path.format(record_id))
        missing = stranger.get(api_path.format(MISSING))
        assert (existing.status_code, missing.status_code) == (404, 404), what
        assert existing.json() == missing.json(), what
        assert existing.json()["code"] == "not_found"
        if what == "poll":  # a vote in it, refused: the same 404 as for a poll that is not there
            existing, missing = (
                stranger.post(
                    f"/api/polls/{poll_id}/cast",
                    data={"choice": "yes"},
                    content_type="application/json",
                    headers={"X-CSRFToken": CSRF},
                )
                for poll_id in (record_id, MISSING)
            )
            assert (existing.status_code, missing.status_code) == (404, 404)
            assert existing.json() == missing.json()

        paths = (reverse(page, args=[record_id]), reverse(page, args=[MISSING]))
        existing, missing = (stranger.get(path) for path in paths)
        assert (existing.status_code, missing.status_code) == (404, 404), what
        assert _page_text(existing.content, paths[0]) == _page_text(missing.content, paths[1])


@pytest.mark.django_db
def test_may_see_but_not_change_is_403_with_who_can() -> None:
    """The other half of the rule: Riverside's ordinary member sees the meeting and the poll but
    may not run them — 403, with a sentence saying who can."""
    a = build_assembly()
    member = clients(a)["member"]
    for path in (
        f"/api/meetings/{a.meeting.pk}/agenda",
        f"/api/polls/{a.poll_draft.pk}/open",
    ):
        answer = member.post(
            path,
            data={"kind": "report", "title": "x"},
            content_type="application/json",
            headers={"X-CSRFToken": CSRF},
        )
        assert answer.status_code == 403, (path, answer.content)
        assert answer.json()["code"] == "forbidden"
        assert "can do this" in answer.json()["detail"]
