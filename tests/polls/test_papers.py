"""Ballot papers as a PDF (issue 8, finding 17): a few papers while the request waits; more
prepared by a background task and downloaded when ready; a hard cap with a message."""

from __future__ import annotations

import contextlib
import datetime
import re
import zlib
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moot.polls import papers
from moot.polls.actions import do_create_poll

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def poll(unit: Any, manager: Any) -> Any:
    return do_create_poll(
        title="Election of the chair",
        kind="election",
        method="irv",
        options=["Ada", "Ben", "Cal"],
        unit=unit,
        returning_officer=manager,
        acting_user=manager,
    )


@pytest.fixture
def officer(manager: Any) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def pages(pdf: bytes) -> int:
    """The number of pages: page objects, read also inside the compressed object streams."""
    text = pdf
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            text += zlib.decompress(stream)
    return len(re.findall(rb"/Type\s*/Page\b", text))


def test_a_few_papers_are_the_answer(officer: Client, poll: Any) -> None:
    response = officer.get(reverse("polls:papers", args=[poll.pk]), {"count": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert pages(response.content) == 2  # two to a page, the last sheet with one
    assert pages(papers.render_papers_pdf(poll, 4)) == 2


@pytest.mark.parametrize(
    ("count", "says"),
    [
        ("5001", "one PDF holds 1 to 5,000 papers"),
        ("0", "one PDF holds 1 to 5,000 papers"),
        ("many", "whole number from 1 to 5,000"),
    ],
)
def test_a_count_out_of_bounds_is_refused_with_a_message(
    officer: Client, poll: Any, count: str, says: str
) -> None:
    response = officer.get(reverse("polls:papers", args=[poll.pk]), {"count": count})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not default_storage.exists(papers.PAPERS_DIR)


def test_many_papers_are_prepared_in_the_background_then_downloaded(
    officer: Client, poll: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("polls:papers", args=[poll.pk])
    count = papers.SYNC_PAPERS + 1
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = officer.get(url, {"count": str(count)})
    assert first.status_code == 202
    page = first.content.decode()
    assert f"The PDF of {count} ballot papers is being prepared" in page
    assert 'http-equiv="refresh"' in page
    assert len(queued) == 1  # the task is queued, not run in the request
    name = papers.papers_file_name(poll, count)
    assert not default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert officer.get(url, {"count": str(count)}).status_code == 202
    assert not again  # asking again while it is being prepared queues nothing more
    queued[0]()  # the worker runs it (MOOT_TASKS=immediate: inline)
    ready = officer.get(url, {"count": str(count)})
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"
    assert pages(b"".join(ready.streaming_content)) == (count + 1) // 2


def test_one_preparation_per_poll_at_a_time(
    officer: Client, poll: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Second hostile review: each new count queued another task of worker-minutes, without
    end. While one count is being prepared, another is refused with a message and queues
    nothing; once the first is ready, the next may start."""
    url = reverse("polls:papers", args=[poll.pk])
    first, second = papers.SYNC_PAPERS + 1, papers.SYNC_PAPERS + 2
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert officer.get(url, {"count": str(first)}).status_code == 202
        refused = officer.get(url, {"count": str(second)})
    assert refused.status_code == 409
    assert "still being prepared" in refused.content.decode()
    assert len(queued) == 1
    queued[0]()
    with django_capture_on_commit_callbacks(execute=False) as next_one:
        assert officer.get(url, {"count": str(second)}).status_code == 202
    assert len(next_one) == 1


def test_a_failed_preparation_is_shown_and_asking_again_restarts_it(
    officer: Client, poll: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("polls:papers", args=[poll.pk])
    count = str(papers.SYNC_PAPERS + 10)

    def broken(*_: Any) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(papers, "render_papers_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs it, and fails
        officer.get(url, {"count": count})
    shown = officer.get(url, {"count": count})
    assert shown.status_code == 500
    assert "could not be prepared (OSError: disk full)" in shown.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert officer.get(url, {"count": count}).status_code == 202
    assert len(queued) == 1


def test_a_preparation_that_never_finished_is_started_again(
    officer: Client, poll: Any, django_capture_on_commit_callbacks: Any
) -> None:
    count = papers.SYNC_PAPERS + 1
    name = papers.papers_file_name(poll, count)
    stale = timezone.now() - papers.PREPARING_FOR - datetime.timedelta(minutes=1)
    default_storage.save(f"{name}.preparing", ContentFile(stale.isoformat()))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = officer.get(reverse("polls:papers", args=[poll.pk]), {"count": str(count)})
    assert response.status_code == 202
    assert len(queued) == 1


def test_only_those_who_run_the_poll_get_papers(poll: Any, voters: list[Any]) -> None:
    client = Client()
    client.force_login(voters[0].user)
    response = client.get(reverse("polls:papers", args=[poll.pk]), {"count": "2"})
    assert response.status_code in (403, 404)
