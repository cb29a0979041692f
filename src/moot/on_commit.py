"""The one way an action queues background work: ``enqueue_on_commit(task, *args, **kwargs)``.

The task is enqueued only when the action's transaction commits, so a worker never runs for a
write that was rolled back (a notice for a meeting that was not scheduled, an invitation that
was not created). Its arguments are checked at the call, inside the action: django-tasks stores
them as JSON, and a value that is not JSON (a model instance, a date, a set) would otherwise
fail only after the commit, when the action can no longer be refused and its caller never
hears of it. Pass ids and plain values; the task reads the rows again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django_tasks.base import Task


def _check_json(value: Any, where: str) -> None:
    """Refuse what would not come back from JSON as the same value (tuples come back as lists,
    which django-tasks does too)."""
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{where} is {value!r}, which JSON cannot hold; pass a finite number.")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_json(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"{where} has the key {key!r} ({type(key).__name__}); JSON keys are strings, "
                    "so the task would get a different dict: use string keys."
                )
            _check_json(item, f"{where}[{key!r}]")
        return
    raise TypeError(
        f"{where} is a {type(value).__name__} ({value!r:.80}), which the task queue cannot store "
        "as JSON: pass its id or a plain value (str, int, float, bool, None, list, dict) and "
        "let the task read the row again."
    )


def enqueue_on_commit(task: Task[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` when the current transaction commits (at once outside
    one). Raises ``TypeError`` now, before anything is queued, when ``task`` is not a
    django-tasks task or an argument is not JSON."""
    if not isinstance(task, Task):
        raise TypeError(
            f"enqueue_on_commit takes a django-tasks task (a function decorated with @task()), "
            f"not {task!r}."
        )
    name = getattr(task.func, "__qualname__", repr(task))
    for i, arg in enumerate(args):
        _check_json(arg, f"argument {i + 1} of {name}")
    for key, arg in kwargs.items():
        _check_json(arg, f"argument {key!r} of {name}")
    # A copy taken now: the caller may change a list it passed before the transaction commits.
    frozen_args, frozen_kwargs = json.loads(json.dumps([args, kwargs], allow_nan=False))
    transaction.on_commit(lambda: task.enqueue(*frozen_args, **frozen_kwargs))
