"""The credential authority of a verifiable ballot (docs/verifiable.md §4; docs/security.md,
"Verifiable ballots: trustees and credentials").

The returning officer appoints a credential authority who is not themself: the authority makes
the voters' credentials on their own machine (``moot credentials generate``), sends them to the
voters and uploads only the public list (sorted public credentials, no names). Without the
authority's collusion the server cannot sign a ballot for a voter who abstains: it never sees
a credential's secret.

When the list is in and the trustees' key generation is done, the election opens
(:func:`open_when_ready`, H6a's opening inside this transaction).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.ballots.models import Ballot, BallotState
from moot.verifiable.audit_verbs import AuditVerb
from moot.verifiable.errors import RefusalCode, VerifiableError
from moot.verifiable.models import CredentialAuthority, Election, ElectionState
from moot.verify.group import GroupError, Point
from moot.verify.vcommon import canonical

CLAUSE = "docs/verifiable.md §4"
MAX_CREDENTIALS = 2_000_000
BEFORE_OPEN = (ElectionState.SETUP, ElectionState.KEYS, ElectionState.CREDENTIALS)


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic(durable=True)
def do_appoint_credential_authority(
    election: Election, user: Any, *, acting_user: Any
) -> CredentialAuthority:
    """Appoint (or replace, before any upload) the election's credential authority: never the
    ballot's returning officer, who runs the server side of the ballot, nor staff or a
    superuser, who run the site."""
    election = Election.objects.select_for_update(of=("self",)).get(pk=election.pk)
    ballot = Ballot.objects.get(pk=election.ballot_id)
    if election.state not in BEFORE_OPEN or election.credentials_json:
        raise VerifiableError(
            "The credential authority is appointed before the credential list is uploaded.",
            clause=CLAUSE,
            code=RefusalCode.STATE,
        )
    if user is None or not user.is_active:
        raise VerifiableError("Name an active account.", field="user", clause=CLAUSE)
    if user.pk == ballot.returning_officer_id:
        raise VerifiableError(
            "The credential authority cannot be the ballot's returning officer: whoever runs "
            "the ballot must not also hold the voters' credentials (they could vote for those "
            "who abstain).",
            field="user",
            clause=CLAUSE,
            code=RefusalCode.RULE,
        )
    if user.is_staff or user.is_superuser:
        raise VerifiableError(
            "The credential authority cannot be a member of staff or a superuser: whoever "
            "runs the site must not also hold the voters' credentials (with the server's "
            "access they could vote for those who abstain).",
            field="user",
            clause=CLAUSE,
            code=RefusalCode.RULE,
        )
    current = CredentialAuthority.objects.filter(election=election).first()
    before = {"user": current.user_id} if current else None
    if current is not None:
        if current.user_id == user.pk:
            return current
        current.user = user
        current.appointed_by = acting_user
        current.save(update_fields=["user", "appointed_by"])
        authority = current
    else:
        authority = CredentialAuthority.objects.create(
            election=election, user=user, appointed_by=acting_user
        )
    record(
        actor=acting_user,
        verb=AuditVerb.APPOINT_CREDENTIAL_AUTHORITY,
        obj=authority,
        before=before,
        after={"user": user.pk, "name": _name(user)},
        clause=CLAUSE,
    )
    return authority


def check_credential_list(credentials: Any, digest: Any) -> list[str]:
    """The public list as the verifier reads it: points, sorted, no repeats, its SHA-256 the
    one given."""
    if not isinstance(credentials, list) or not credentials:
        raise VerifiableError(
            "Give the public credentials as a non-empty list.", field="credentials", clause=CLAUSE
        )
    if len(credentials) > MAX_CREDENTIALS:
        raise VerifiableError(
            f"At most {MAX_CREDENTIALS} credentials.",
            field="credentials",
            clause=CLAUSE,
            code=RefusalCode.TOO_LARGE,
        )
    for position, item in enumerate(credentials):
        try:
            Point.decode(item, what="credential")
        except (GroupError, TypeError) as exc:
            raise VerifiableError(
                f"{exc}.", field=f"credentials[{position}]", clause=CLAUSE
            ) from exc
        if position and credentials[position - 1] >= item:
            raise VerifiableError(
                "The list must be sorted, each credential once.",
                field=f"credentials[{position}]",
                clause=CLAUSE,
            )
    computed = hashlib.sha256(canonical(credentials)).hexdigest()
    if digest != computed:
        raise VerifiableError(
            f"credentials_sha256 is not the list's SHA-256 ({computed}): the file was changed.",
            field="credentials_sha256",
            clause=CLAUSE,
        )
    return credentials


@transaction.atomic(durable=True)
def do_upload_credentials(
    election: Election, credentials: Any, digest: Any, *, acting_user: Any
) -> Election:
    """The credential authority's public list (only theirs, only before the opening); the same
    list again changes nothing."""
    election = Election.objects.select_for_update(of=("self",)).get(pk=election.pk)
    authority = CredentialAuthority.objects.filter(election=election).first()
    if authority is None or authority.user_id != acting_user.pk:
        raise VerifiableError(
            "Only the election's credential authority uploads its public credential list.",
            clause=CLAUSE,
            code=RefusalCode.FORBIDDEN,
        )
    listed = check_credential_list(credentials, digest)
    if election.state not in BEFORE_OPEN:
        raise VerifiableError(
            "The credential list is fixed once the election has opened.",
            clause=CLAUSE,
            code=RefusalCode.STATE,
        )
    ballot = Ballot.objects.get(pk=election.ballot_id)
    if ballot.state == BallotState.FROZEN:
        from moot.verifiable.actions.opening import online_voters

        online = online_voters(ballot)
        if len(listed) > online:
            raise VerifiableError(
                f"The list has {len(listed)} credentials and the frozen roll has {online} "
                "voters who may vote online: there may not be more credentials than voters "
                "(a spare credential could vote). Generate one per voter and upload again.",
                field="credentials",
                clause=CLAUSE,
                code=RefusalCode.RULE,
            )
    text = canonical(listed).decode("utf-8")
    if election.credentials_json == text:
        return election
    before = (
        {"count": election.credentials_count, "sha256": election.credentials_sha256}
        if election.credentials_json
        else None
    )
    election.credentials_json = text
    election.credentials_sha256 = digest
    election.credentials_count = len(listed)
    election.credentials_at = timezone.now()
    election.save(
        update_fields=[
            "credentials_json",
            "credentials_sha256",
            "credentials_count",
            "credentials_at",
        ]
    )
    record(
        actor=acting_user,
        verb=AuditVerb.UPLOAD_CREDENTIALS,
        obj=election,
        before=before,
        after={"count": len(listed), "sha256": digest},
        clause=CLAUSE,
    )
    open_when_ready(election, acting_user=acting_user)
    election.refresh_from_db()
    return election


@transaction.atomic(durable=True)
def do_export_voters(election: Election, *, acting_user: Any) -> list[str]:
    """The e-mail voters of the frozen roll (the addresses only, sorted: nothing of the roll's
    order), for the returning officer to hand to the credential authority's
    ``moot credentials send --voters``; recorded in the audit chain."""
    from moot.ballots.models import Channel, RollEntry

    ballot = Ballot.objects.get(pk=election.ballot_id)
    if ballot.frozen_at is None:
        raise VerifiableError(
            "The roll is frozen with the ballot: export the voters after the freeze.",
            clause=CLAUSE,
            code=RefusalCode.STATE,
        )
    addresses = sorted(
        set(
            RollEntry.objects.filter(ballot=ballot, eligible=True, channel=Channel.ONLINE)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    record(
        actor=acting_user,
        verb=AuditVerb.EXPORT_VOTERS,
        obj=election,
        after={"addresses": len(addresses)},
        clause=CLAUSE,
    )
    return addresses


def open_when_ready(election: Election, *, acting_user: Any = None) -> None:
    """Open the election inside the caller's transaction if the last piece just came in (the
    ballot frozen, the keys done, the list uploaded); otherwise leave it to the page's button."""
    from moot.verifiable.actions.opening import do_open_verifiable, online_voters, ready_to_open

    # The opening refuses a ballot that is not frozen (and the refusal would undo the post
    # that brought the last piece): only a frozen ballot opens here.
    ballot = Ballot.objects.filter(pk=election.ballot_id, state=BallotState.FROZEN).first()
    # A list longer than the roll's online voters is refused by the opening (the page's
    # button says so); it must not undo the trustee's post that brought the last key.
    if (
        ballot is not None
        and ready_to_open(election)
        and Election.objects.get(pk=election.pk).credentials_count <= online_voters(ballot)
    ):
        do_open_verifiable(election, acting_user=acting_user)


def credentials_json(election: Election) -> list[str]:
    return json.loads(election.credentials_json) if election.credentials_json else []


__all__ = [
    "check_credential_list",
    "do_appoint_credential_authority",
    "do_export_voters",
    "do_upload_credentials",
    "open_when_ready",
]
