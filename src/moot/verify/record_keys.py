"""The site's audit key as the record's verifier takes it: from the command line (a PEM file,
the ``ed25519:<base64>`` line ``moot audit public-key`` prints, or the key's 64 hex digits), or
pinned by its fingerprint. No Django, no database: :mod:`cryptography` and the standard library.

A key carried inside a bundle is never trusted by itself: whoever forges a bundle can sign it
with a key of their own and put that key beside it. It is used only when the key's fingerprint
(the SHA-256 of its 32 raw bytes, 64 hex digits, shown on the record page and printed by
``moot audit public-key``) was given on the command line and matches.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

if TYPE_CHECKING:
    from moot.verify.record import Report

HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
# What the site's key signs for a record: this tag, then the manifest without its "signature".
MANIFEST_SIGNATURE_TAG = b"moot-ballot-record/1 manifest\n"
# The fields of an audit checkpoint that its signature covers (moot.audit.checkpoint).
CHECKPOINT_FIELDS = ("format", "seq", "hash", "events", "made_at", "key_id")


class KeyFileError(ValueError):
    """A key given on the command line that cannot be read (the message says why)."""


def fingerprint(raw: bytes) -> str:
    """The key's fingerprint: SHA-256 of its 32 raw bytes, 64 hex digits."""
    return hashlib.sha256(raw).hexdigest()


def key_id(raw: bytes) -> str:
    """The short name the audit checkpoints use: the fingerprint's first 16 hex digits."""
    return fingerprint(raw)[:16]


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def parse_public_key(text: str) -> bytes:
    """The 32 raw bytes of an Ed25519 public key given as ``ed25519:<base64>``, as 64 hex
    digits, as PEM text, or as the path of a file holding any of these (what
    ``moot audit public-key`` prints may be saved whole: its ``ed25519:`` line is used)."""
    value = text.strip()
    if not value:
        raise KeyFileError("the public key is empty")
    if HEX64.match(value):
        return bytes.fromhex(value)
    if value.startswith("ed25519:"):
        try:
            raw = base64.b64decode(value[8:].strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise KeyFileError(f"not an ed25519:<base64> public key ({exc})") from None
        if len(raw) != 32:
            raise KeyFileError(f"an Ed25519 public key is 32 bytes; this one is {len(raw)}")
        return raw
    if "-----BEGIN" in value:
        lines = value.splitlines()
        one_line = [line for line in lines if line.startswith("ed25519:")]
        if one_line:
            return parse_public_key(one_line[0])
        try:
            key = serialization.load_pem_public_key(value.encode())
        except ValueError as exc:
            raise KeyFileError(f"not a PEM public key ({exc})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFileError(f"a {type(key).__name__}, not an Ed25519 public key")
        return _raw(key)
    path = Path(value)
    if path.is_file():
        try:
            content = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyFileError(f"{path}: cannot be read as a key file ({exc})") from None
        for line in content.splitlines():
            if line.startswith("ed25519:"):
                return parse_public_key(line)
        try:
            return parse_public_key(content)
        except KeyFileError as exc:
            raise KeyFileError(f"{path}: {exc}") from None
    raise KeyFileError(
        f"{value[:40]!r} is neither a key file, nor ed25519:<base64>, nor 64 hex digits, nor PEM"
    )


def parse_fingerprint(text: str) -> str:
    value = text.strip().lower().removeprefix("sha256:").replace(":", "")
    if not HEX64.match(value):
        raise KeyFileError(
            "a key fingerprint is 64 hex digits (the SHA-256 of the key, as the record page and "
            "`moot audit public-key` show it)"
        )
    return value


def signature_holds(raw_key: bytes, signature_b64: Any, message: bytes) -> bool:
    if not isinstance(signature_b64, str) or not signature_b64:
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(raw_key)
        key.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def checkpoint_signed_bytes(checkpoint: dict[str, Any]) -> bytes:
    """The bytes an audit checkpoint's signature covers (as ``moot.audit.checkpoint``)."""
    return json.dumps(
        {name: checkpoint.get(name) for name in CHECKPOINT_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def manifest_signed_bytes(manifest: dict[str, Any]) -> bytes:
    """The bytes the site's key signs for a record: a tag, then the manifest as the bundle
    writes it (indented JSON, keys sorted) without its ``signature`` object. The manifest holds
    the SHA-256 of every other file, so the signature covers every byte of every file."""
    unsigned = {name: value for name, value in manifest.items() if name != "signature"}
    body = json.dumps(unsigned, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return MANIFEST_SIGNATURE_TAG + body.encode()


def check_signatures(head: Any, manifest: Mapping[str, Any], report: Report) -> None:
    """The site's signatures over the manifest and the audit head, with the trusted key: the
    key given, or the bundle's own key only when its fingerprint was given and matches."""
    raw = report.trusted_key
    if raw is None and report.fingerprint is not None:
        carried = head.get("public_key") if isinstance(head, dict) else None
        try:
            candidate = parse_public_key(carried) if isinstance(carried, str) else None
        except KeyFileError:
            candidate = None
        if candidate is None or fingerprint(candidate) != report.fingerprint:
            report.fail(
                "audit-head.json",
                "the key in the bundle is not the key with the fingerprint given "
                f"({report.fingerprint}): the record was not signed by that key",
            )
            return
        raw = candidate
    if raw is None:
        return
    signature = manifest.get("signature")
    signature = signature if isinstance(signature, dict) else {}
    if signature.get("key_id") != key_id(raw) or not signature_holds(
        raw, signature.get("signature"), manifest_signed_bytes(dict(manifest))
    ):
        report.fail(
            "manifest.json",
            f"is not signed by the trusted key {key_id(raw)} (it names key "
            f"{signature.get('key_id') or 'none'}): the record was not published by the site "
            "with that key, or a byte of it was changed after",
        )
        return
    checkpoint = head.get("checkpoint") if isinstance(head, dict) else None
    checkpoint = checkpoint if isinstance(checkpoint, dict) else {}
    if checkpoint.get("key_id") != key_id(raw) or not signature_holds(
        raw, checkpoint.get("signature"), checkpoint_signed_bytes(checkpoint)
    ):
        report.fail(
            "audit-head.json",
            f'"checkpoint": the audit head is not signed by the trusted key {key_id(raw)}',
        )
        return
    report.authenticated = True
    report.passed.append(
        f"manifest.json and audit-head.json: signed by the trusted key {key_id(raw)} (fingerprint "
        f"{fingerprint(raw)}); every file's SHA-256 is under the signature"
    )


__all__ = [
    "KeyFileError",
    "check_signatures",
    "checkpoint_signed_bytes",
    "fingerprint",
    "key_id",
    "manifest_signed_bytes",
    "parse_fingerprint",
    "parse_public_key",
    "signature_holds",
]
