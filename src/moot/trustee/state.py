"""The trustee's local directory: everything secret lives here and nowhere else.

The directory is made 0700 and every file 0600. Each file is written whole to a temporary name
and renamed into place (``os.replace``), so a crash leaves either the old file or the new one:
``moot trustee step`` resumes from whatever is there. A secret is always written BEFORE the
public value derived from it is posted, so a crash between the two cannot leave the server
holding a commitment nobody can open.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

STATE = "state.json"  # server, ballot, index, uuid, threshold; public facts learnt
SECRETS = "secrets.json"  # seal key, polynomial coefficients, the share s_j
TOKEN = "token"  # noqa: S105 (a file name) — the API token (Authorization: Bearer)


class StateError(Exception):
    """The directory is missing, unsafe or not a trustee's (the message says what to do)."""


def make_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def check_private_dir(path: Path) -> None:
    if not path.is_dir():
        raise StateError(f"{path}: no such directory; run `moot trustee init` first")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise StateError(
            f"{path}: readable by others (mode {mode:o}); `chmod 700 {path}` and check who "
            "could have read it"
        )


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (0600) through a temporary file and an atomic rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)


def write_json(path: Path, data: Any) -> None:
    write_private(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def read_json(path: Path) -> Any:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError as exc:
        raise StateError(f"{path}: missing; run `moot trustee init` first") from exc
    if mode & 0o077:
        raise StateError(f"{path}: readable by others (mode {mode:o}); `chmod 600 {path}`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateError(f"{path}: not valid JSON ({exc}); restore it from your backup") from exc


class TrusteeDir:
    """The three files of one trustee's directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> tuple[dict[str, Any], dict[str, Any], str]:
        check_private_dir(self.path)
        state = read_json(self.path / STATE)
        secrets = read_json(self.path / SECRETS)
        token_path = self.path / TOKEN
        read_json_mode_check(token_path)
        token = token_path.read_text(encoding="utf-8").strip()
        if not isinstance(state, dict) or not isinstance(secrets, dict) or not token:
            raise StateError(f"{self.path}: not a trustee's directory")
        return state, secrets, token

    def save_state(self, state: dict[str, Any]) -> None:
        write_json(self.path / STATE, state)

    def save_secrets(self, secrets: dict[str, Any]) -> None:
        write_json(self.path / SECRETS, secrets)

    def save_token(self, token: str) -> None:
        write_private(self.path / TOKEN, token + "\n")


def read_json_mode_check(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError as exc:
        raise StateError(f"{path}: missing; run `moot trustee init` first") from exc
    if mode & 0o077:
        raise StateError(f"{path}: readable by others (mode {mode:o}); `chmod 600 {path}`")
