"""Publishing a declared ballot's record (:mod:`moot.ballots.record` builds it)."""

from __future__ import annotations

import tempfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from moot.audit.actions import record as audit_record
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.models import Ballot
from moot.ballots.record import file_sha256, record_name, write_record


@transaction.atomic(durable=True)
def do_publish_ballot_record(ballot_id: int, *, acting_user: Any = None) -> str:
    """Build the declared ballot's record, store it, keep its SHA-256 on the ballot and in the
    audit trail; returns the SHA-256. The zip is written to a temporary file one part at a time
    and stored from there (at 500,000 ballots it is some hundreds of megabytes). Publishing
    again gives the same bytes (nothing new is written when the hash is already the ballot's
    and the file is stored)."""
    ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=ballot_id)
    with tempfile.TemporaryFile(prefix="moot-record-") as out:
        write_record(ballot, out)
        size = out.tell()
        digest = file_sha256(out)
        before = ballot.bundle_sha256 or None
        ballot.bundle_sha256 = digest
        name = record_name(ballot)
        stored = default_storage.exists(name)
        if before == digest and stored:
            return digest
        if not stored:
            default_storage.save(name, File(out, name=name))
    ballot.save(update_fields=["bundle_sha256"])
    audit_record(
        actor=acting_user,
        verb=AuditVerb.PUBLISH_BALLOT_RECORD,
        obj=ballot,
        before={"bundle_sha256": before},
        after={"bundle_sha256": digest, "bytes": size},
        reason="the published record of the declared ballot",
    )
    return digest


def build_record(ballot: Ballot) -> str:
    """What the declaration calls on commit: publish the record (see
    :func:`do_publish_ballot_record`)."""
    return do_publish_ballot_record(ballot.pk)
