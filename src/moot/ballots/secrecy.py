"""Sealing a ballot's returns while it is open (issue 11, item 8; docs/ballots.md, "Casting and
papers"; docs/security.md, "Ballots: casting and papers").

A return (``Return``) must name its roll entry while the ballot is open, so that the declared
precedence between channels can be applied at the close before preferences are separated from
identity. Its content is therefore never written in the clear: it is sealed (AES-256-GCM) under
a key made for the ballot at the issue and kept in a file *outside the database*
(``MOOT_BALLOT_SEAL_KEY_DIR``, default ``$MOOT_KEYS_DIR/ballot-seal-keys/``, mode 0600), padded to
one width for the ballot (``content.padded_width``) so that its size says nothing either. The
tellers' keyings of returned papers (``PaperKeying``) are sealed the same way. A copy of the
database taken while the ballot is open pairs voters with ciphertext only.

The primitives are ``moot.polls.sealing``'s, under the ``"ballot"`` key namespace: another
directory, other file names and other associated data than a poll's, so neither kind of key
opens the other's ciphertext. The key file is named by the ballot's id and opening time (a
reused id never finds another ballot's key). The close (``closing.py``) unseals the chosen
returns, shuffles them into ``CountedBallot`` rows and, once that commits, calls
:func:`destroy_key`: from then on the sealed rows of older copies are noise.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from moot.ballots.errors import BallotError, RefusalCode
from moot.polls import sealing
from moot.polls.errors import PollError

if TYPE_CHECKING:
    from pathlib import Path

    from moot.ballots.models import Ballot

__all__ = ["create_key", "destroy_key", "is_sealed", "key_path", "seal", "unseal"]

KIND = "ballot"


def _opened(ballot: Ballot) -> datetime.datetime:
    if ballot.opened_at is None:
        raise BallotError(
            "This ballot has not been issued, so it has no sealing key: returns are taken only "
            "once it is open.",
            code=RefusalCode.STATE,
        )
    return ballot.opened_at


def key_path(ballot: Ballot) -> Path:
    """The sealing key file of ``ballot`` (it may not exist: before the issue, after the close)."""
    return sealing.key_path(ballot.pk, _opened(ballot), KIND)


def create_key(ballot: Ballot) -> Path:
    """Make the ballot's sealing key (256 random bits) and write it, 0600, synced, before the
    issue commits. Called by the issue; sets ``ballot.opened_at`` to now when it is unset (the
    caller saves it in the same transaction: the key's file name carries that time)."""
    if ballot.opened_at is None:
        ballot.opened_at = timezone.now()
    return sealing.create_poll_key(ballot.pk, ballot.opened_at, KIND)


def _as_ballot_error(exc: PollError) -> BallotError:
    return BallotError(exc.message, clause=exc.clause, field=exc.field, code=exc.code)


def seal(ballot: Ballot, content: str, width: int) -> str:
    """``content`` (``content.canonical``) padded to ``width`` and sealed under the ballot's key,
    bound to the ballot."""
    try:
        return sealing.seal(ballot.pk, _opened(ballot), content, width, KIND)
    except PollError as exc:
        raise _as_ballot_error(exc) from None


def is_sealed(text: str) -> bool:
    return sealing.is_sealed(text)


def unseal(ballot: Ballot, sealed: str) -> str:
    """The canonical content of a sealed return or keying. A row altered in the database or
    moved from another ballot fails its authentication and is refused."""
    try:
        return sealing.unseal(ballot.pk, _opened(ballot), sealed, KIND)
    except PollError as exc:
        raise _as_ballot_error(exc) from None


def destroy_key(ballot: Ballot) -> None:
    """Forget the key in this process, overwrite the key file and remove it. The close calls
    this once the counted ballots are written (``transaction.on_commit``)."""
    sealing.destroy_poll_key(ballot.pk, _opened(ballot), KIND)
