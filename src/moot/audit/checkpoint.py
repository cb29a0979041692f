"""Signed checkpoints of the audit chain's head, kept outside the database.

The hash chain alone proves that the events in the table agree with each other; it cannot show
that the newest events were cut off, that the whole table was emptied, or that someone edited an
event and recomputed every later hash. A checkpoint can: it is the head of the chain (its ``seq``,
its hash and the number of events) at one moment, signed with an Ed25519 key that lives in a file
outside the database, and written as a small JSON file where the operator keeps it. Whoever holds
the public key and a checkpoint can later tell whether the chain still reaches that head.

Settings (or environment variables of the same name):
  MOOT_AUDIT_KEY          the private key file ($MOOT_KEYS_DIR/audit-key.pem by default, outside
                          the database's directory), made by ``moot audit keygen`` or
                          ``moot audit ensure-key`` with mode 0600
  MOOT_AUDIT_PUBLIC_KEY   a public key file used to check signatures where the private key is not
                          kept (an auditor's machine); by default the key is derived from
                          MOOT_AUDIT_KEY
  MOOT_AUDIT_CHECKPOINTS  the directory of checkpoint files ($MOOT_VAR_DIR/audit-checkpoints); they
                          are public (signed heads) but copies must also go elsewhere: one who
                          can change var/ can delete them along with the newest events
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

FORMAT = "moot-audit-checkpoint/1"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SIGNED_FIELDS = ("format", "seq", "hash", "events", "made_at", "key_id")


class CheckpointError(Exception):
    """A key or checkpoint file that cannot be used; the message names the file and the fix."""


def _setting(name: str, default: Path) -> Path:
    value = getattr(settings, name, None) or os.environ.get(name)
    return Path(value).expanduser() if value else default


def key_path() -> Path:
    return _setting("MOOT_AUDIT_KEY", Path(settings.MOOT_KEYS_DIR) / "audit-key.pem")


def public_key_path() -> Path | None:
    value = getattr(settings, "MOOT_AUDIT_PUBLIC_KEY", None) or os.environ.get(
        "MOOT_AUDIT_PUBLIC_KEY"
    )
    return Path(value).expanduser() if value else None


def checkpoint_dir() -> Path:
    return _setting("MOOT_AUDIT_CHECKPOINTS", Path(settings.VAR_DIR) / "audit-checkpoints")


# --- keys -----------------------------------------------------------------------------------


def generate_key(path: Path) -> Ed25519PublicKey:
    """Write a new private key to ``path`` (mode 0600); never replaces an existing file, since
    every checkpoint signed with the old key would then fail to verify."""
    if path.exists():
        raise CheckpointError(
            f"{path} already exists; moot never overwrites a signing key (checkpoints signed "
            "with it would no longer verify). Move it away first if you really mean to replace it."
        )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise CheckpointError(
            f"{path} already exists; moot never overwrites a signing key"
        ) from exc
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    os.chmod(path, 0o600)
    return key.public_key()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise CheckpointError(f"{path}: no such file") from exc
    except OSError as exc:
        raise CheckpointError(
            f"cannot read {path} ({exc.strerror}); run this as the account that owns it"
        ) from exc


def load_private_key(path: Path | None = None) -> Ed25519PrivateKey:
    path = path or key_path()
    if not path.exists():
        raise CheckpointError(
            f"no audit signing key at {path}; create one with `moot audit keygen` (or set "
            "MOOT_AUDIT_KEY to where it is kept)"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CheckpointError(
            f"{path} is readable by others (mode {mode:04o}); run `chmod 600 {path}` first"
        )
    try:
        key = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} is not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file, or from a file holding the ``ed25519:<base64>`` line that
    ``moot audit public-key`` prints."""
    if not path.exists():
        raise CheckpointError(f"no public key file at {path}")
    text = _read(path).decode("ascii", errors="replace").strip()
    if text.startswith("ed25519:"):
        try:
            return Ed25519PublicKey.from_public_bytes(base64.b64decode(text[8:], validate=True))
        except ValueError as exc:
            raise CheckpointError(f"{path}: not an ed25519:<base64> public key: {exc}") from exc
    try:
        key = serialization.load_pem_public_key(text.encode())
    except ValueError as exc:
        raise CheckpointError(f"{path} is not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def trusted_public_key(path: Path | None = None) -> tuple[Ed25519PublicKey, str]:
    """The key that checkpoints must be signed with, and where it came from: the file given,
    else MOOT_AUDIT_PUBLIC_KEY, else the public half of MOOT_AUDIT_KEY."""
    given = path or public_key_path()
    if given is not None:
        return load_public_key(given), str(given)
    private = key_path()
    if not private.exists():
        raise CheckpointError(
            f"cannot check a checkpoint's signature: no public key given and no signing key at "
            f"{private}; pass --public-key FILE (printed by `moot audit public-key`)"
        )
    return load_private_key(private).public_key(), f"the public half of {private}"


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


def public_key_text(key: Ed25519PublicKey) -> str:
    """The public key as PEM and as one line, for third parties who check checkpoints."""
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    one_line = "ed25519:" + base64.b64encode(raw_public(key)).decode()
    return f"{pem}{one_line}\nfingerprint {fingerprint(key)}\nkey id {key_id(key)}\n"


def fingerprint(key: Ed25519PublicKey) -> str:
    """The key's fingerprint, to pin it by (``moot ballot verify --key-fingerprint``): the
    SHA-256 of its raw bytes, 64 hex digits (the key id is its first 16)."""
    return hashlib.sha256(raw_public(key)).hexdigest()


# --- checkpoints ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    events: int
    made_at: str
    key_id: str
    signature: str
    format: str = FORMAT
    source: str = ""  # the file it was read from; not signed, not written

    def signed_bytes(self) -> bytes:
        return _canonical({name: getattr(self, name) for name in _SIGNED_FIELDS})

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("source")
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def describe(self) -> str:
        return f"the checkpoint of {self.made_at} at event #{self.seq}"


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def sign_head(
    key: Ed25519PrivateKey, *, seq: int, head_hash: str, events: int, at: datetime
) -> Checkpoint:
    unsigned = Checkpoint(
        seq=seq,
        hash=head_hash,
        events=events,
        made_at=at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        key_id=key_id(key.public_key()),
        signature="",
    )
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


def signature_problem(checkpoint: Checkpoint, key: Ed25519PublicKey) -> str | None:
    """Why the checkpoint's signature does not hold under ``key``, or None when it does."""
    expected = key_id(key)
    if checkpoint.key_id != expected:
        return (
            f"{checkpoint.describe()} names signing key {checkpoint.key_id}, not the trusted "
            f"key {expected}: it was not signed by this site's key"
        )
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return (
            f"{checkpoint.describe()} has a bad signature: the file was altered after signing "
            "or forged"
        )
    return None


def write_checkpoint(checkpoint: Checkpoint, directory: Path | None = None) -> Path:
    """Write the checkpoint as a new file in ``directory``; never replaces an existing file."""
    directory = directory or checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = checkpoint.made_at.replace("-", "").replace(":", "")
    path = directory / f"checkpoint-{checkpoint.seq:012d}-{stamp}.json"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError as exc:
        raise CheckpointError(
            f"{path} already exists (a checkpoint of the same head this second); nothing written"
        ) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(checkpoint.to_json())
    return path


def read_checkpoint(path: Path) -> Checkpoint:
    """Read and check the shape of one checkpoint file (not its signature)."""
    try:
        data = json.loads(_read(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path} is not a moot audit checkpoint (not JSON: {exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f'{path} is not a moot audit checkpoint (no "format": "{FORMAT}")')
    missing = [name for name in (*_SIGNED_FIELDS, "signature") if name not in data]
    if missing:
        raise CheckpointError(f"{path}: the checkpoint has no {', '.join(missing)}")
    for name in ("seq", "events"):
        if type(data[name]) is not int or data[name] < 0:
            raise CheckpointError(f'{path}: "{name}" must be a whole number ≥ 0')
    for name in ("hash", "made_at", "key_id", "signature"):
        if not isinstance(data[name], str):
            raise CheckpointError(f'{path}: "{name}" must be text')
    if not _HEX64.match(data["hash"]):
        raise CheckpointError(f'{path}: "hash" must be 64 lower-case hex digits')
    unknown = set(data) - {*_SIGNED_FIELDS, "signature"}
    if unknown:
        raise CheckpointError(f"{path}: unknown field(s) {', '.join(sorted(unknown))}")
    return Checkpoint(
        **{name: data[name] for name in (*_SIGNED_FIELDS, "signature")}, source=str(path)
    )


_NAME = re.compile(r"^checkpoint-([0-9]{12})-([0-9]{8}T[0-9]{6}Z)\.json$")


def latest_checkpoint(directory: Path | None = None) -> Checkpoint | None:
    """The checkpoint with the highest ``seq`` (then the latest time) in ``directory``, or None
    when it holds none. Names say both (``checkpoint-<seq>-<time>.json``, as written by
    :func:`write_checkpoint`), so only the newest file is read; a file there with another name,
    or whose content disagrees with its name, is an error, not skipped: someone may have
    damaged or renamed the newest one."""
    directory = directory or checkpoint_dir()
    if not directory.is_dir():
        return None
    names = sorted(path.name for path in directory.iterdir() if not path.name.startswith("."))
    strangers = [name for name in names if not _NAME.match(name)]
    if strangers:
        raise CheckpointError(
            f"{directory / strangers[0]} is not a checkpoint file name "
            "(checkpoint-<seq>-<time>.json); keep only checkpoints in this directory"
        )
    if not names:
        return None
    newest = directory / names[-1]
    checkpoint = read_checkpoint(newest)
    match = _NAME.match(newest.name)
    assert match is not None  # every name matched above
    if (
        checkpoint.seq != int(match[1])
        or checkpoint.made_at.replace("-", "").replace(":", "") != match[2]
    ):
        raise CheckpointError(
            f"{newest}: its name says event #{int(match[1])} at {match[2]}, its content "
            f"#{checkpoint.seq} at {checkpoint.made_at}; the file was renamed or altered"
        )
    return checkpoint
