"""`moot serve`: the production-shaped server for one machine.

Runs gunicorn (WSGI, threaded workers) on the given address and, beside it, the background
task worker (django-tasks-db `db_worker`) that sends notices. Both stop together.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve moot with gunicorn and run the background task worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("MOOT_THREADS", "6")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "moot.site.wsgi:application",
            "--config",
            "python:moot.site.gunicorn_conf",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            # Twice the threads, whatever --threads says (moot/site/gunicorn_conf.py says why).
            "--worker-connections",
            str(2 * options["threads"]),
            "--access-logfile",
            "-",
        ]
        children = [subprocess.Popen(gunicorn)]
        if not options["no_worker"] and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "moot.cli", "db_worker", "--queue-name", "*"]
                )
            )
        self.stdout.write(f"moot is serving on http://{bind}/  (Ctrl-C stops it)")
        from moot.audit.management.commands.audit import where_lines

        for line in where_lines():  # docs/audit.md: sign the head on a schedule
            # A key directory inside the database's directory is said on standard error.
            if line.startswith("WARNING"):
                self.stderr.write(self.style.ERROR(line))
            else:
                self.stdout.write(line)

        def stop(*_: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                try:
                    children[0].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
