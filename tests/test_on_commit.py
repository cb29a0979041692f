"""``moot.on_commit.enqueue_on_commit``: arguments checked at the call, the task queued only when
the transaction commits, and the only way actions queue a task."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

from moot.on_commit import enqueue_on_commit

SRC = Path(__file__).resolve().parents[1] / "src" / "moot"


@task()
def remember(*args: Any, **kwargs: Any) -> None:
    """A task for these tests (never run: Task.enqueue is replaced below)."""


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, tuple[Any, ...], dict[str, Any]]]:
    calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = []

    def enqueue(self: Task[..., Any], *args: Any, **kwargs: Any) -> None:
        calls.append((self, args, kwargs))

    monkeypatch.setattr(Task, "enqueue", enqueue)
    return calls


@pytest.mark.django_db
def test_queued_when_the_transaction_commits_with_a_copy_of_the_arguments(
    queued: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    batch = [1, 2, 3]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue_on_commit(remember, 7, batch, base="https://moot.example", extra={"a": None})
        batch.append(4)  # changed after the call: the task still gets what was passed
        assert queued == []  # nothing before the commit
    assert len(callbacks) == 1
    assert queued == [
        (remember, (7, [1, 2, 3]), {"base": "https://moot.example", "extra": {"a": None}})
    ]


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back(
    queued: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    def failing_action() -> None:
        with transaction.atomic():
            enqueue_on_commit(remember, 1)
            raise RuntimeError("the action failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_action()
    assert callbacks == []
    assert queued == []


@pytest.mark.parametrize(
    ("args", "kwargs", "says"),
    [
        ((datetime.date(2026, 12, 7),), {}, "argument 1 of remember is a date"),
        ((1, {3, 4}), {}, "argument 2 of remember is a set"),
        ((), {"ids": [1, object()]}, "argument 'ids' of remember[1] is a object"),
        ((), {"by_id": {5: "x"}}, "has the key 5 (int); JSON keys are strings"),
        ((float("nan"),), {}, "which JSON cannot hold"),
        ((b"bytes",), {}, "argument 1 of remember is a bytes"),
    ],
)
@pytest.mark.django_db
def test_what_json_cannot_hold_is_refused_at_the_call(
    queued: list[Any],
    django_capture_on_commit_callbacks: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    says: str,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TypeError) as raised,
        transaction.atomic(),
    ):
        enqueue_on_commit(remember, *args, **kwargs)
    assert says in str(raised.value)
    assert callbacks == []
    assert queued == []


def test_only_tasks_are_enqueued() -> None:
    with pytest.raises(TypeError, match="django-tasks task"):
        enqueue_on_commit(print, 1)  # type: ignore[arg-type]


def enqueues_directly(source: str, label: str) -> list[str]:
    """Where a module calls ``<something>.enqueue(...)`` itself (in a lambda for
    ``transaction.on_commit`` or not): what actions must leave to enqueue_on_commit."""
    return [
        f"{label}:{node.lineno}"
        for node in ast.walk(ast.parse(source, label))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "enqueue"
    ]


def test_actions_queue_tasks_only_through_enqueue_on_commit() -> None:
    modules = sorted(SRC.glob("*/actions.py")) + sorted(SRC.glob("*/actions/*.py"))
    assert len(modules) > 10, modules  # the walk sees the apps' actions
    offenders = [
        where
        for path in modules
        for where in enqueues_directly(path.read_text(), str(path.relative_to(SRC)))
    ]
    assert offenders == [], (
        "actions queue background tasks with moot.on_commit.enqueue_on_commit(task, *args), "
        f"which checks the arguments at once and waits for the commit: {offenders}"
    )
    sample = SRC / "meetings" / "actions" / "scheduling.py"
    assert "enqueue_on_commit(send_notice_batch" in sample.read_text()


def test_the_walk_finds_a_direct_enqueue() -> None:
    source = (
        "from django.db import transaction\n"
        "def do_x():\n"
        "    transaction.on_commit(lambda: send.enqueue(1))\n"
        "    enqueue_on_commit(send, 1)\n"
    )
    assert enqueues_directly(source, "probe.py") == ["probe.py:3"]
