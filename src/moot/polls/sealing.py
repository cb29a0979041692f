"""Secret ballots sealed while their poll is open (issue 8, finding 2; docs/polls.md).

A database file keeps the order in which rows were written: SQLite fills a b-tree page's cells
from its end backwards and its WAL appends each commit's pages; PostgreSQL stamps every row with
the writing transaction (``xmin``) and places it at the end of the heap (``ctid``). A copy taken
while a poll is open can therefore pair each participation (who voted) with the ballot written in
the same transaction. So while the poll is open each ballot is stored sealed: AES-256-GCM under a
key made for that poll when it opens and kept in a file *outside the database*
(``MOOT_POLL_KEY_DIR``, default ``$MOOT_KEYS_DIR/poll-keys/``, mode 0600), padded to one length
for the poll so that its size says nothing either. A copy of the database then pairs voters with
ciphertext only.

At close (``actions.do_close_poll``) the ballots are unsealed, shuffled with the operating
system's random source and written again, in plaintext, in that order, in one transaction; the
sealed rows are deleted (SQLite's ``secure_delete`` zeroes their cells); and when the close
commits the key file is overwritten and removed. A copy taken after the close holds plaintext in
an order unrelated to the order of casting, and the sealed rows of older copies (backups, WAL
frames, dead PostgreSQL tuples) can no longer be opened by anyone.

The same primitives seal the returns of a ballot of all a unit's members (``moot.ballots.secrecy``)
under a separate key namespace (``kind="ballot"``): its own directory (``MOOT_BALLOT_SEAL_KEY_DIR``,
default ``$MOOT_KEYS_DIR/ballot-seal-keys/``), its own file names and associated data, so a poll's
key never opens a ballot's return nor the other way round. ``kind`` defaults to ``"poll"``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from moot.polls.errors import PollError

SEALED_PREFIX = "sealed:v1:"
_NONCE_BYTES = 12
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# The key namespaces: kind -> (setting naming the directory, default directory in MOOT_KEYS_DIR,
# file-name stem, the words a refusal uses for the thing sealed).
NAMESPACES: dict[str, tuple[str, str, str, str]] = {
    "poll": ("MOOT_POLL_KEY_DIR", "poll-keys", "poll", "poll"),
    "ballot": ("MOOT_BALLOT_SEAL_KEY_DIR", "ballot-seal-keys", "ballot", "ballot"),
}

# Keys read by this process, by (kind, id, opening time in microseconds): a cast reads its poll's
# key from this, not from the file. Dropped at close in the closing process; other processes
# hold a closed poll's key in memory until they restart or the cache is cleared (see
# docs/polls.md, residual risks).
_KEYS: dict[tuple[str, int, int], AESGCM] = {}


def key_dir(kind: str = "poll") -> Path:
    """Where the poll keys live: the ``MOOT_POLL_KEY_DIR`` setting or environment variable,
    else ``poll-keys`` in ``MOOT_KEYS_DIR`` (outside ``MOOT_VAR_DIR``: a copy of the database
    directory must not carry the keys). Every app server of one installation must see the
    same directory. ``kind="ballot"``: ``MOOT_BALLOT_SEAL_KEY_DIR``, else ``ballot-seal-keys``."""
    setting, default, _stem, _noun = NAMESPACES[kind]
    configured = getattr(settings, setting, None) or os.environ.get(setting)
    return Path(configured) if configured else Path(settings.MOOT_KEYS_DIR) / default


def _opened_us(opened_at: datetime.datetime) -> int:
    return (opened_at - _EPOCH) // datetime.timedelta(microseconds=1)


def key_path(poll_id: int, opened_at: datetime.datetime, kind: str = "poll") -> Path:
    """The key file of the poll ``poll_id`` opened at ``opened_at``. The opening time is in the
    name so that a reused id (a restored backup, another test database) never finds another
    poll's key."""
    return key_dir(kind) / f"{NAMESPACES[kind][2]}-{poll_id}-{_opened_us(opened_at)}.key"


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_poll_key(poll_id: int, opened_at: datetime.datetime, kind: str = "poll") -> Path:
    """Make the poll's key (256 random bits) and write it, 0600, before the opening commits:
    losing it would lose the poll's ballots, so the file and its directory are synced."""
    directory = key_dir(kind)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = key_path(poll_id, opened_at, kind)
    key = AESGCM.generate_key(bit_length=256)
    noun = NAMESPACES[kind][3]
    text = (
        f"# moot ballot key of {noun} {poll_id}, opened {opened_at.isoformat()}.\n"
        f"# Needed to count the {noun}; destroyed when it closes. Back it up apart from the "
        "database.\n"
        f"{key.hex()}\n"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_dir(directory)
    _KEYS[(kind, poll_id, _opened_us(opened_at))] = AESGCM(key)
    return path


def _key(poll_id: int, opened_at: datetime.datetime, kind: str = "poll") -> AESGCM:
    cache_key = (kind, poll_id, _opened_us(opened_at))
    aead = _KEYS.get(cache_key)
    if aead is not None:
        return aead
    path = key_path(poll_id, opened_at, kind)
    noun = NAMESPACES[kind][3]
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        raise PollError(
            f"The ballot key of this {noun} ({path.name}) is not in {path.parent}: the vote "
            "cannot be recorded or counted without it. Restore the file from the key backup "
            f"(docs/{noun}s.md, 'Ballot keys'); the {noun} stays open meanwhile.",
            code="state",
        ) from None
    key_lines = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    try:
        key = bytes.fromhex(key_lines[-1])
        aead = AESGCM(key)
    except (IndexError, ValueError):
        raise PollError(
            f"The ballot key file {path} is damaged (expected one line of 64 hexadecimal "
            "digits): restore it from the key backup.",
            code="state",
        ) from None
    if len(_KEYS) > 256:
        _KEYS.clear()
    _KEYS[cache_key] = aead
    return aead


def padded_width(option_ids: list[int]) -> int:
    """The length every ballot of the poll is padded to before sealing: that of a ballot
    naming every option (no ballot is longer: it names each option at most once)."""
    return len(json.dumps(sorted(option_ids), separators=(",", ":")))


def _associated(poll_id: int, kind: str = "poll") -> bytes:
    if kind == "poll":
        return f"moot.polls.secretballot poll={poll_id}".encode()
    return f"moot.{kind}s.sealed {kind}={poll_id}".encode()


def seal(
    poll_id: int, opened_at: datetime.datetime, content: str, width: int, kind: str = "poll"
) -> str:
    """``content`` (the canonical JSON of a choice) padded with spaces to ``width`` and sealed
    under the poll's key, bound to the poll, as text for the ``content`` column."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    plain = content.ljust(width).encode()
    sealed = _key(poll_id, opened_at, kind).encrypt(nonce, plain, _associated(poll_id, kind))
    return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode()


def is_sealed(content: str) -> bool:
    return content.startswith(SEALED_PREFIX)


def unseal(poll_id: int, opened_at: datetime.datetime, content: str, kind: str = "poll") -> str:
    """The canonical JSON of a sealed ballot. A ballot altered in the database (or moved from
    another poll) fails its authentication and is refused, naming nothing but the poll."""
    raw = base64.b64decode(content[len(SEALED_PREFIX) :])
    try:
        plain = _key(poll_id, opened_at, kind).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(poll_id, kind)
        )
    except InvalidTag:
        noun = NAMESPACES[kind][3]
        raise PollError(
            f"A stored ballot of this {noun} fails its authentication (it was altered, or "
            f"belongs to another {noun}); the {noun} was left open so that this can be "
            "investigated.",
            code="state",
        ) from None
    return plain.decode().rstrip(" ")


def destroy_poll_key(poll_id: int, opened_at: datetime.datetime, kind: str = "poll") -> None:
    """Forget the key in this process, overwrite the key file and remove it (after the close
    commits: from then on the sealed copies of the ballots are noise)."""
    _KEYS.pop((kind, poll_id, _opened_us(opened_at)), None)
    path = key_path(poll_id, opened_at, kind)
    with contextlib.suppress(FileNotFoundError):
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
        _sync_dir(path.parent)


def forget_keys(**_: Any) -> None:
    """Drop every key this process holds in memory."""
    _KEYS.clear()
