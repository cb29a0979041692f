"""`moot serve` runs gunicorn with moot's configuration (moot/site/gunicorn_conf.py): threaded
workers, each holding at most twice its threads' connections so that a rush of voters queues
fairly in the listen backlog."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

VENV_BIN = Path(sys.executable).parent


def effective_config(*args: str) -> dict[str, str]:
    """What gunicorn itself makes of moot's configuration module plus ``args``."""
    done = subprocess.run(
        [
            str(VENV_BIN / "gunicorn"),
            "--check-config",
            "--print-config",
            "--config",
            "python:moot.site.gunicorn_conf",
            *args,
            "moot.site.wsgi:application",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    settings = {}
    for line in done.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            settings[name.strip()] = value.strip()
    return settings


def test_gunicorn_takes_the_configuration_module() -> None:
    config = effective_config()
    assert config["worker_class"] == "gthread"
    assert int(config["worker_connections"]) == 2 * int(config["threads"])
    assert int(config["backlog"]) >= 2048
    assert int(config["keepalive"]) <= 5  # idle connections count against the limit


class FakeChild:
    def __init__(self, args: list[str]) -> None:
        self.args = args

    def poll(self) -> int:
        return 0  # exited at once: serve stops

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def terminate(self) -> None:
        pass


def test_moot_serve_runs_gunicorn_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    def popen(args: list[str], *_: Any, **__: Any) -> FakeChild:
        started.append(args)
        return FakeChild(args)

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # leave pytest's handlers alone
    call_command("serve", "--port", "8123", "--threads", "5", "--no-worker")
    monkeypatch.undo()
    (gunicorn,) = started
    flags = dict(itertools.pairwise(gunicorn))
    assert flags["--config"] == "python:moot.site.gunicorn_conf"
    assert flags["--bind"] == "127.0.0.1:8123"
    assert flags["--threads"] == "5"
    assert flags["--worker-connections"] == "10"
    # What serve passes, gunicorn accepts.
    config = effective_config("--threads", "5", "--worker-connections", "10")
    assert (config["threads"], config["worker_connections"]) == ("5", "10")
