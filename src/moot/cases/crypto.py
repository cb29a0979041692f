"""Encryption at rest of case text and evidence (docs/cases.md, "Encryption" and "Lost key").

AES-256-GCM under the case data key. The keys live in ``MOOT_CASE_KEYS`` (a file; default
``$MOOT_KEYS_DIR/case-keys``, mode 0600, outside ``MOOT_VAR_DIR`` and never in the database):
one line ``<key id> <64 hex digits>`` per key, the last line the key new text is written under;
older lines stay until ``moot cases key rotate`` has re-encrypted everything under the newest.

A ciphertext is ``0x01 | key id (4 bytes) | nonce (12) | ciphertext+tag``; its associated data
is ``table|column|row uid|key id``, so a ciphertext copied into another row, column or table
does not decrypt. Empty text is stored as empty bytes (nothing was given). A missing or wrong
key raises :class:`CaseKeyError` — it never reads as empty text — and ``moot check`` reports it
(:func:`check_case_key`).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from moot.cases.errors import CaseError, RefusalCode

VERSION = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12
HEADER = len(VERSION) + KEY_ID_BYTES + NONCE_BYTES


class CaseKeyError(CaseError):
    """The case key is missing or does not open a ciphertext."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code=RefusalCode.STATE)


def keys_path() -> Path:
    configured = getattr(settings, "MOOT_CASE_KEYS", None) or os.environ.get("MOOT_CASE_KEYS")
    return Path(configured) if configured else Path(settings.MOOT_KEYS_DIR) / "case-keys"


def key_id(key: bytes) -> str:
    """A key's id: the first 4 bytes of its SHA-256, in hex (names it without revealing it)."""
    return hashlib.sha256(b"moot case key " + key).hexdigest()[: KEY_ID_BYTES * 2]


# path -> (mtime_ns, [(key id, key)...]); re-read when the file changes.
_CACHE: dict[str, tuple[int, list[tuple[str, bytes]]]] = {}


def read_keys() -> list[tuple[str, bytes]]:
    """The keys in the key file, oldest first ([] when there is no file)."""
    path = keys_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return []
    cached = _CACHE.get(str(path))
    if cached and cached[0] == stat.st_mtime_ns:
        return cached[1]
    keys = []
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            kid, hexkey = line.split()
            key = bytes.fromhex(hexkey)
        except ValueError:
            raise CaseKeyError(
                f"The case key file {path} is damaged at line {number} (expected '<key id> "
                "<64 hexadecimal digits>'): restore it from the key backup or recover it from "
                "the key holders' shares (docs/cases.md, 'Lost key')."
            ) from None
        if len(key) != 32 or key_id(key) != kid:
            raise CaseKeyError(
                f"The case key file {path} is damaged at line {number} (the key does not match "
                "its id): restore it from the key backup or the key holders' shares."
            )
        keys.append((kid, key))
    _CACHE[str(path)] = (stat.st_mtime_ns, keys)
    return keys


def write_keys(keys: list[tuple[str, bytes]]) -> Path:
    """Replace the key file (0600, written then renamed, synced) with ``keys``."""
    path = keys_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = (
        "# moot case data keys: '<key id> <key>', the last one in use. Needed to read every\n"
        "# case; back it up apart from the database and split it among the key holders\n"
        "# (moot cases key split). Losing it without shares loses the case files.\n"
        + "".join(f"{kid} {key.hex()}\n" for kid, key in keys)
    )
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    temporary.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    _CACHE.pop(str(path), None)
    return path


def _any_ciphertext() -> bool:
    from moot.cases.models import Case

    return Case.objects.exists()


def current_key() -> tuple[str, bytes]:
    """The key new text is encrypted under. The first key is made when there is no key file and
    no case yet; with cases in the database a missing file is an error, never a fresh key."""
    keys = read_keys()
    if keys:
        return keys[-1]
    if _any_ciphertext():
        raise CaseKeyError(
            f"The case key file {keys_path()} is missing while cases exist: nothing can be "
            "written or read until it is restored from the key backup or recovered from the "
            "key holders' shares (moot cases key recover; docs/cases.md, 'Lost key')."
        )
    key = AESGCM.generate_key(bit_length=256)
    write_keys([(key_id(key), key)])
    return key_id(key), key


def _key_by_id(kid: str) -> bytes:
    for candidate, key in read_keys():
        if candidate == kid:
            return key
    raise CaseKeyError(
        f"The case key {kid} is not in {keys_path()}: this text cannot be read until that key "
        "is restored from the key backup or recovered from the key holders' shares "
        "(moot cases key recover; docs/cases.md, 'Lost key')."
    )


def _associated(table: str, column: str, uid: Any, kid: str) -> bytes:
    return f"{table}|{column}|{uid}|{kid}".encode()


def encrypt_bytes(data: bytes, *, table: str, column: str, uid: Any) -> bytes:
    kid, key = current_key()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, data, _associated(table, column, uid, kid))
    return VERSION + bytes.fromhex(kid) + nonce + sealed


def decrypt_bytes(blob: bytes, *, table: str, column: str, uid: Any) -> bytes:
    blob = bytes(blob)
    if len(blob) < HEADER + 16 or blob[:1] != VERSION:
        raise CaseKeyError(f"The stored {column} of {table} {uid} is not a case ciphertext.")
    kid = blob[1 : 1 + KEY_ID_BYTES].hex()
    nonce = blob[1 + KEY_ID_BYTES : HEADER]
    try:
        return AESGCM(_key_by_id(kid)).decrypt(
            nonce, blob[HEADER:], _associated(table, column, uid, kid)
        )
    except InvalidTag:
        raise CaseKeyError(
            f"The stored {column} of {table} {uid} does not open with key {kid}: the key file "
            "or the database has been changed or mixed with another installation's."
        ) from None


def key_id_of(blob: bytes) -> str:
    """The id of the key a ciphertext was written under ("" for empty text)."""
    blob = bytes(blob)
    return blob[1 : 1 + KEY_ID_BYTES].hex() if blob else ""


def _where(instance: Any, column: str) -> dict[str, Any]:
    return {"table": instance._meta.db_table, "column": column, "uid": instance.uid}


def seal_text(instance: Any, column: str, text: str) -> None:
    """Set ``instance.<column>`` (a ``*_enc`` field) to ``text`` encrypted for that row."""
    value = encrypt_bytes(text.encode(), **_where(instance, column)) if text else b""
    setattr(instance, column, value)


def open_text(instance: Any, column: str) -> str:
    """The text of ``instance.<column>``; raises :class:`CaseKeyError` if it cannot be read."""
    blob = getattr(instance, column)
    if not blob:
        return ""
    return decrypt_bytes(blob, **_where(instance, column)).decode()


def seal_json(instance: Any, column: str, value: dict[str, Any]) -> None:
    seal_text(instance, column, json.dumps(value, sort_keys=True) if value else "")


def open_json(instance: Any, column: str) -> dict[str, Any]:
    text = open_text(instance, column)
    return json.loads(text) if text else {}


def check_case_key() -> list[str]:
    """What is wrong with the case key, as sentences for ``moot check`` and start-up ([] when
    a case ciphertext opens with it or there is nothing to open)."""
    from moot.cases.models import Case

    try:
        keys = read_keys()
    except CaseKeyError as exc:
        return [exc.message]
    sample = (
        Case.objects.exclude(description_enc=b"").order_by("-id").only("uid", "description_enc")
    ).first()
    if sample is None:
        return []
    if not keys:
        missing = (
            f"The case key file {keys_path()} is missing while cases exist: restore it from the "
            "key backup or recover it from the key holders' shares (moot cases key recover)."
        )
        return [missing]
    try:
        open_text(sample, "description_enc")
    except CaseKeyError as exc:
        return [exc.message]
    return []
