"""Publishing a declared ballot's record (:mod:`moot.ballots.record` builds it)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from moot.audit.actions import record as audit_record
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.models import Ballot
from moot.ballots.record import record_bytes, record_name, stored_record
from moot.verify.record import sha256_hex


@transaction.atomic(durable=True)
def do_publish_ballot_record(ballot_id: int, *, acting_user: Any = None) -> str:
    """Build the declared ballot's record, store it, keep its SHA-256 on the ballot and in the
    audit trail; returns the SHA-256. Publishing again gives the same bytes (nothing new is
    written when the hash is already the ballot's)."""
    ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=ballot_id)
    data = record_bytes(ballot)
    digest = sha256_hex(data)
    if ballot.bundle_sha256 == digest and stored_record(ballot) is not None:
        return digest
    before = ballot.bundle_sha256 or None
    ballot.bundle_sha256 = digest
    name = record_name(ballot)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    ballot.save(update_fields=["bundle_sha256"])
    audit_record(
        actor=acting_user,
        verb=AuditVerb.PUBLISH_BALLOT_RECORD,
        obj=ballot,
        before={"bundle_sha256": before},
        after={"bundle_sha256": digest, "bytes": len(data)},
        reason="the published record of the declared ballot",
    )
    return digest


def build_record(ballot: Ballot) -> str:
    """What the declaration calls on commit: publish the record (see
    :func:`do_publish_ballot_record`)."""
    return do_publish_ballot_record(ballot.pk)
