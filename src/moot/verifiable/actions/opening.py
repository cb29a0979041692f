"""Opening a verifiable election (docs/verifiable.md §4, §12): once the trustees' keys and the
credential authority's public list are in, ``election.json`` is built from the frozen ballot,
hashed (its SHA-256 is the context ``ctx`` of every proof), checked as the verifier will check
it, and the board gets its ``setup`` and ``credentials`` entries; the board's head goes into
moot's audit chain.

:func:`do_open_verifiable` is called by the actions that bring the last piece (the trustees'
key generation, the credential list's upload: they hold the transaction) and by
:func:`do_open_verifiable_now` for a manager's button; :func:`ready_to_open` says whether it
would succeed.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.audit.models import AuditEvent
from moot.ballots.models import Ballot, BallotState, Channel, RollEntry
from moot.verifiable import board, context
from moot.verifiable.audit_verbs import AuditVerb
from moot.verifiable.errors import RefusalCode, VerifiableError
from moot.verifiable.models import CredentialAuthority, Election, ElectionState
from moot.verifiable.readiness import missing_to_open
from moot.verify import vballot, vboard
from moot.verify.vcommon import ProofError, canonical

__all__ = ["do_open_verifiable", "do_open_verifiable_now", "ready_to_open"]

_OPEN_OR_LATER = {
    ElectionState.OPEN,
    ElectionState.CLOSED,
    ElectionState.MIXING,
    ElectionState.DECRYPTING,
    ElectionState.DECRYPTED,
}


def ready_to_open(election: Election) -> bool:
    """Whether everything the opening needs is in (and it has not opened)."""
    if election.state in _OPEN_OR_LATER:
        return False
    return not missing_to_open(election, Ballot.objects.get(pk=election.ballot_id))


def _credentials(election: Election) -> list[str]:
    """The uploaded public list, checked as the verifier checks it (sorted points, no
    repeats, its hash the one stored)."""
    try:
        listed = json.loads(election.credentials_json)
        vballot.read_credential_list(listed, "credentials")
    except (ValueError, ProofError) as exc:
        where = f"{exc.where}: {exc.what}" if isinstance(exc, ProofError) else str(exc)
        raise VerifiableError(
            f"The uploaded credential list is not a sorted list of public credentials ({where})"
            ": the credential authority uploads it again.",
            field="credentials",
        ) from None
    digest = vballot.credentials_sha256(listed)
    if digest != election.credentials_sha256:
        raise VerifiableError(
            f"The credential list's SHA-256 is {digest}, not the {election.credentials_sha256} "
            "recorded at its upload: the credential authority uploads it again.",
            field="credentials",
        )
    # The audit chain's record of the upload (the authority's own act) names the same list:
    # a list written into the row any other way does not open.
    uploaded = (
        AuditEvent.objects.filter(
            verb=AuditVerb.UPLOAD_CREDENTIALS,
            object_type="verifiable.election",
            object_id=str(election.pk),
        )
        .order_by("-seq")
        .values_list("after", flat=True)
        .first()
    )
    recorded = (uploaded or {}).get("sha256")
    if recorded != digest:
        raise VerifiableError(
            f"The credential list's SHA-256 is {digest}, but the audit chain records "
            + (f"an upload of {recorded}" if recorded else "no upload by the credential authority")
            + ": the credential authority uploads it again.",
            field="credentials",
        )
    return list(listed)


def online_voters(ballot: Ballot) -> int:
    """The frozen roll's voters who may vote online: every eligible entry when online is one
    of the ballot's channels (an entry's own channel says how its invitation goes, by e-mail or
    by post; either may vote online), none otherwise. A credential list longer than this would
    let whoever holds the spare credentials vote."""
    if Channel.ONLINE not in (ballot.channels or []):
        return 0
    return RollEntry.objects.filter(ballot=ballot, eligible=True).count()


def _checked_document(document: dict[str, Any]) -> None:
    """election.json as the booth and the verifier will read it (every point, the trustees'
    verification keys on one polynomial whose value at 0 is the public key)."""
    try:
        vballot.parse_election(document)
    except ProofError as exc:
        raise VerifiableError(
            f"election.json would not verify: {exc.where or 'election'}: {exc.what}. The "
            "trustees' key generation must be finished again.",
            field=exc.where or "election",
            code=RefusalCode.STATE,
        ) from None


def _check_setup(document: dict[str, Any], payload: dict[str, Any]) -> None:
    """The setup entry as ``moot verify`` checks it (the key generation transcript)."""
    from moot.verify import vrecord_checks_setup

    try:
        vrecord_checks_setup.check_setup(document, {"height": 0, "payload": payload})
    except Exception as exc:  # vrecord's Failure: a file, an entry, a field and what is wrong
        raise VerifiableError(
            f"The trustees' key generation transcript would not verify: {exc}",
            field="setup",
            code=RefusalCode.STATE,
        ) from None


@transaction.atomic(savepoint=False)
def do_open_verifiable(election: Election, *, acting_user: Any = None) -> Election:
    """Open ``election``: build, check and hash election.json; append the board's ``setup``
    and ``credentials`` entries; record the board's head in the audit chain. Refused, naming
    everything still missing, unless the ballot is frozen, the trustees' key generation is
    finished and the credential list is uploaded. Called by the action that brings the last
    piece (inside its transaction) or by :func:`do_open_verifiable_now`."""
    locked = board.lock_election(election.pk)
    if locked.state in _OPEN_OR_LATER:
        raise VerifiableError(
            f"The verifiable election is already {locked.get_state_display().lower()}.",
            code=RefusalCode.CONFLICT,
        )
    ballot = Ballot.objects.select_related("unit").get(pk=locked.ballot_id)
    missing = missing_to_open(locked, ballot)
    if missing:
        raise VerifiableError(
            "The verifiable election cannot open yet: it needs " + "; ".join(missing) + ".",
            code=RefusalCode.STATE,
        )
    if ballot.state != BallotState.FROZEN:
        raise VerifiableError(
            "The verifiable election opens between the ballot's freeze and its issue; this "
            f"ballot is {ballot.get_state_display().lower()}.",
            code=RefusalCode.STATE,
        )
    listed = _credentials(locked)
    online = online_voters(ballot)
    if len(listed) > online:
        raise VerifiableError(
            f"The credential list has {len(listed)} credentials and the frozen roll has "
            f"{online} online voters: there may not be more credentials than online voters "
            "(spare credentials could vote). The credential authority generates one per "
            "online voter and uploads the list again.",
            field="credentials",
            code=RefusalCode.RULE,
        )
    document = context.election_document(locked, locked.credentials_sha256)
    _checked_document(document)
    payload = context.setup_payload(locked, document)
    _check_setup(document, payload)
    election_bytes = canonical(document)
    locked.election_json = election_bytes.decode("utf-8")
    locked.election_hash = context.sha256_hex(election_bytes)
    locked.revote = document["revote"]
    locked.credentials_count = len(listed)
    board.append(locked, vboard.SETUP, payload, locked=True)
    board.append(locked, vboard.CREDENTIALS, {"credentials": listed}, locked=True)
    locked.state = ElectionState.OPEN
    locked.opened_at = timezone.now()
    # From now on the list is the board's credentials entry (its SHA-256 stays on the row):
    # the election's row, locked and updated by every cast, stays small (SQLite rewrites a
    # whole row on an update, and 500,000 credentials are some 33 MB).
    locked.credentials_json = ""
    locked.save(
        update_fields=[
            "election_json",
            "election_hash",
            "revote",
            "credentials_count",
            "credentials_json",
            "state",
            "opened_at",
        ]
    )
    CredentialAuthority.objects.filter(election=locked, uploaded_at__isnull=True).update(
        uploaded_at=locked.opened_at
    )
    record(
        actor=acting_user,
        verb=AuditVerb.OPEN_VERIFIABLE,
        obj=ballot,
        after={
            "uuid": str(locked.uuid),
            "election_hash": locked.election_hash,
            "credentials": len(listed),
            "online_voters": online,
            "credentials_sha256": locked.credentials_sha256,
            "board_size": locked.board_size,
            "board_head": locked.board_head,
        },
        clause=ballot.clause,
    )
    election.refresh_from_db()
    return election


@transaction.atomic(durable=True)
def do_open_verifiable_now(election: Election, *, acting_user: Any) -> Election:
    """The ballot's manager opens the election once everything is in (the page's button)."""
    ballot = Ballot.objects.get(pk=election.ballot_id)
    if not acting_user.has_perm("ballots.manage_ballot", ballot):
        raise VerifiableError(
            "Only the ballot's returning officer opens its verifiable election.",
            code=RefusalCode.FORBIDDEN,
        )
    return do_open_verifiable(election, acting_user=acting_user)
