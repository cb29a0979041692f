"""Credentials of a ballot: derived from a per-ballot key kept outside the database, never stored.

At the freeze a secret key (256 random bits) is written for the ballot to
``$MOOT_KEYS_DIR/ballot-keys/ballot-<id>-<frozen_at in µs>.key`` (mode 0600; the freeze time is
in the name so that a reused id, in a restored backup or another test database, never finds
another ballot's key). Everything secret about a voter's entitlement is derived from it by
HMAC-SHA256:

* the **credential** of a roll entry, ``HMAC(key, "credential:<entry id>:<serial>")`` cut to 80
  bits and shown in Crockford base32 as ``XXXX-XXXX-XXXX-XXXX``. The database keeps only its
  SHA-256 (``RollEntry.credential_hash``), like a token; the worker that sends the invitation
  derives it again. A reissue bumps ``serial``, so the new credential is unrelated to the old.
* the **check code** printed beside a paper number (six digits), keyed by the tellers with the
  number, so that a paper number alone cannot be guessed into a vote.
* the **salt** of each leaf of the roll commitment (``roll.py``), so that a published leaf says
  nothing about who it is.

A copy of the database therefore holds hashes of 80-bit random-looking codes: nothing to vote
with. Someone who also holds the key file can derive every credential, which is why the key is
kept apart from the database and its backups (docs/security.md, "Ballots: roll and
credentials").
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import formats

from moot.ballots.errors import BallotError, RefusalCode

if TYPE_CHECKING:
    from moot.ballots.models import Ballot, RollEntry

__all__ = [
    "create_ballot_key",
    "credential_for",
    "destroy_ballot_key",
    "entry_for_credential",
    "hash_credential",
    "key_path",
    "leaf_salt",
    "normalise_credential",
    "paper_check",
]

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
CREDENTIAL_CHARS = 16  # 80 bits, 5 bits a character
CHECK_DIGITS = 6
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# Keys read by this process, by (ballot id, freeze time in µs).
_KEYS: dict[tuple[int, int], bytes] = {}


def key_dir() -> Path:
    """``ballot-keys`` in ``MOOT_KEYS_DIR`` (outside ``MOOT_VAR_DIR``: a copy of the database
    directory must not carry the keys). Every server and worker must see the same directory."""
    return Path(settings.MOOT_KEYS_DIR) / "ballot-keys"


def _frozen_us(ballot: Ballot) -> int:
    if ballot.frozen_at is None:
        raise BallotError(
            "This ballot has not been frozen yet: its credentials are made at the freeze.",
            code=RefusalCode.STATE,
        )
    return (ballot.frozen_at - _EPOCH) // datetime.timedelta(microseconds=1)


def key_path(ballot: Ballot) -> Path:
    return key_dir() / f"ballot-{ballot.pk}-{_frozen_us(ballot)}.key"


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_ballot_key(ballot: Ballot) -> Path:
    """Make the ballot's credential key and write it (0600, synced) before the freeze commits.
    ``ballot.frozen_at`` must be set. Refuses to overwrite an existing key."""
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = key_path(ballot)
    key = secrets.token_bytes(32)
    text = (
        f"# moot credential key of ballot {ballot.pk}, frozen {ballot.frozen_at:%Y-%m-%d}.\n"
        "# Derives every voter's credential, paper check code and roll leaf salt: needed while\n"
        "# the ballot is open and to check the roll afterwards. Back it up apart from the\n"
        "# database and its backups.\n"
        f"{key.hex()}\n"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_dir(directory)
    _KEYS[(ballot.pk, _frozen_us(ballot))] = key
    return path


def _key(ballot: Ballot) -> bytes:
    cache_key = (ballot.pk, _frozen_us(ballot))
    key = _KEYS.get(cache_key)
    if key is not None:
        return key
    path = key_path(ballot)
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        raise BallotError(
            f"The credential key of this ballot ({path.name}) is not in {path.parent}: "
            "credentials cannot be made or checked without it. Restore the file from the key "
            "backup (docs/ballots.md, 'Keys').",
            code=RefusalCode.STATE,
        ) from None
    key_lines = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    try:
        key = bytes.fromhex(key_lines[-1])
    except (IndexError, ValueError):
        key = b""
    if len(key) != 32:
        raise BallotError(
            f"The credential key file {path} is damaged (expected one line of 64 hexadecimal "
            "digits): restore it from the key backup.",
            code=RefusalCode.STATE,
        )
    if len(_KEYS) > 256:
        _KEYS.clear()
    _KEYS[cache_key] = key
    return key


def destroy_ballot_key(ballot: Ballot) -> None:
    """Forget the key in this process, overwrite the file and remove it."""
    _KEYS.pop((ballot.pk, _frozen_us(ballot)), None)
    path = key_path(ballot)
    with contextlib.suppress(FileNotFoundError):
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
        _sync_dir(path.parent)


def forget_keys() -> None:
    """Drop every key this process holds in memory (tests; a worker after a key rotation)."""
    _KEYS.clear()


def _mac(key: bytes, label: str) -> bytes:
    return hmac.digest(key, label.encode(), "sha256")


def _base32(data: bytes, chars: int) -> str:
    number = int.from_bytes(data, "big") >> (len(data) * 8 - chars * 5)
    out = []
    for _ in range(chars):
        out.append(CROCKFORD[number & 31])
        number >>= 5
    return "".join(reversed(out))


def credential_text(key: bytes, entry_id: int, serial: int) -> str:
    """The credential of entry ``entry_id`` at issue ``serial`` under ``key`` (for bulk work
    that already holds the key: the issue hashes every credential with it)."""
    code = _base32(_mac(key, f"credential:{entry_id}:{serial}")[:10], CREDENTIAL_CHARS)
    return "-".join(code[i : i + 4] for i in range(0, CREDENTIAL_CHARS, 4))


def credential_for(ballot: Ballot, entry: RollEntry) -> str:
    """The voter's credential, ``XXXX-XXXX-XXXX-XXXX``: derived, never stored."""
    return credential_text(_key(ballot), entry.pk, entry.serial)


def ballot_key(ballot: Ballot) -> bytes:
    """The raw key, for bulk derivations in this package (the issue, the roll commitment)."""
    return _key(ballot)


def normalise_credential(text: str) -> str:
    """Upper case, no spaces or dashes, Crockford's aliases (O→0, I and L→1)."""
    cleaned = "".join(ch for ch in str(text).upper() if ch not in " -\t\r\n")
    return cleaned.translate(_ALIASES)


def hash_credential(text: str) -> str:
    """What ``RollEntry.credential_hash`` holds: SHA-256 (hex) of the normalised credential."""
    return hashlib.sha256(normalise_credential(text).encode()).hexdigest()


def paper_check(ballot: Ballot, paper_number: int) -> str:
    """The six-digit check code printed beside paper ``paper_number``."""
    return paper_check_with(_key(ballot), paper_number)


def paper_check_with(key: bytes, paper_number: int) -> str:
    value = int.from_bytes(_mac(key, f"paper:{paper_number}")[:8], "big")
    return f"{value % 10**CHECK_DIGITS:0{CHECK_DIGITS}d}"


def leaf_salt(key: bytes, member_id: int) -> bytes:
    """The salt of a member's leaf in the roll commitment."""
    return _mac(key, f"leaf:{member_id}")[:16]


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(moment, "j F Y")


def entry_for_credential(ballot: Ballot, text: str) -> RollEntry:
    """The roll entry a credential opens, or a refusal saying which of these it is: not a
    credential at all, a credential replaced by a reissue (with the date), a credential of
    another ballot, or the entry of a member the roll does not let vote."""
    from moot.ballots.models import RevokedCredential, RollEntry

    normalised = normalise_credential(text)
    if len(normalised) != CREDENTIAL_CHARS or any(ch not in CROCKFORD for ch in normalised):
        raise BallotError(
            "A credential is 16 letters and digits, printed as four groups of four "
            "(XXXX-XXXX-XXXX-XXXX): check what you typed.",
            field="credential",
            code=RefusalCode.INVALID,
        )
    digest = hashlib.sha256(normalised.encode()).hexdigest()
    entry = (
        RollEntry.objects.filter(ballot=ballot, credential_hash=digest)
        .select_related("ballot")
        .first()
    )
    if entry is not None:
        if not entry.eligible:
            raise BallotError(
                "This credential belongs to a roll entry that may not vote in this ballot: "
                f"{entry.reason or 'not eligible'}.",
                clause=entry.clause,
                field="credential",
                code=RefusalCode.INELIGIBLE,
            )
        return entry
    revoked = (
        RevokedCredential.objects.filter(ballot=ballot, credential_hash=digest)
        .order_by("-revoked_at")
        .first()
    )
    if revoked is not None:
        raise BallotError(
            f"This credential was replaced on {_when(revoked.revoked_at)}: use the newest one "
            "you were sent.",
            field="credential",
            code=RefusalCode.CONFLICT,
        )
    elsewhere = (
        RollEntry.objects.filter(credential_hash=digest).exclude(ballot=ballot).exists()
        or RevokedCredential.objects.filter(credential_hash=digest).exclude(ballot=ballot).exists()
    )
    if elsewhere:
        raise BallotError(
            "This credential belongs to another ballot, not this one: check the ballot named "
            "in the message that gave you the credential.",
            field="credential",
            code=RefusalCode.INVALID,
        )
    raise BallotError(
        "No voter of this ballot has this credential: check what you typed against the "
        "message you were sent.",
        field="credential",
        code=RefusalCode.NOT_FOUND,
    )
