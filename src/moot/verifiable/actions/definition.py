"""The definition's choice: a ballot run verifiable (issue 12: "a per-ballot choice in the
definition").

:func:`do_make_verifiable` (the ballot's manager, while it is a draft) makes the ballot's
``Election`` with its threshold ``t`` and its number of trustees ``n``, or changes them; the
ballot's definition gains ``"verifiable": {"format", "uuid", "threshold", "trustees",
"revote"}`` (through ``moot.ballots.hooks``), saved as the next version and hashed at the
freeze like the rest of it. :func:`do_drop_verifiable` takes the choice back, also only while
the ballot is a draft. After the freeze both are refused with the freeze's clause.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from moot.audit.actions import record
from moot.ballots.actions.definition import frozen_refusal, save_version
from moot.ballots.definition import sha256_of
from moot.ballots.models import Ballot, BallotState, Channel
from moot.verifiable.audit_verbs import AuditVerb
from moot.verifiable.errors import RefusalCode, VerifiableError
from moot.verifiable.models import (
    BoardEntry,
    Complaint,
    CredentialAuthority,
    Election,
    SharePacket,
    Trustee,
)

__all__ = ["MAX_TRUSTEES", "check_threshold", "do_drop_verifiable", "do_make_verifiable"]

MAX_TRUSTEES = 9
MANAGE = "ballots.manage_ballot"
REFUSED = (
    "Only the ballot's returning officer (or, until one is appointed, whoever the rulebook lets "
    "call a ballot of this unit) decides whether it is run verifiable."
)


def _count(value: Any, field: str, what: str) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        raise VerifiableError(f"{what}: {text!r} is not a whole number.", field=field)
    return int(text)


def check_threshold(threshold: Any, trustees: Any) -> tuple[int, int]:
    """``(t, n)`` as whole numbers with 2 ≤ t ≤ n ≤ ``MAX_TRUSTEES``, else a refusal naming
    the field."""
    n = _count(trustees, "trustees", "Trustees")
    t = _count(threshold, "threshold", "Threshold")
    if not 2 <= n <= MAX_TRUSTEES:
        raise VerifiableError(
            f"A verifiable ballot has between 2 and {MAX_TRUSTEES} trustees (e.g. the returning "
            f"officer, the scrutineer and a representative the candidates choose), not {n}.",
            field="trustees",
        )
    if not 2 <= t <= n:
        raise VerifiableError(
            f"The threshold is how many of the {n} trustees must take part to decrypt: between "
            f"2 (no single trustee can decrypt a ballot alone) and {n}, not {t}.",
            field="threshold",
        )
    return t, n


def _locked_draft(ballot: Ballot, acting_user: Any) -> Ballot:
    locked = Ballot.objects.select_for_update(of=("self",)).select_related("unit").get(pk=ballot.pk)
    if not acting_user.has_perm(MANAGE, locked):
        raise VerifiableError(REFUSED, code=RefusalCode.FORBIDDEN)
    if locked.state != BallotState.DRAFT:
        raise frozen_refusal(locked)
    return locked


def _new_version(ballot: Ballot, acting_user: Any, before: dict[str, Any]) -> dict[str, Any]:
    ballot.version += 1
    ballot.save(update_fields=["version"])
    version = save_version(ballot, acting_user)
    return {
        "version": ballot.version,
        "sha256": version.sha256,
        "before": {"version": ballot.version - 1, "sha256": sha256_of(before)},
    }


@transaction.atomic(durable=True)
def do_make_verifiable(
    ballot: Ballot, *, threshold: Any, trustees: Any, acting_user: Any
) -> Election:
    """Run ``ballot`` verifiable with ``trustees`` trustees of whom ``threshold`` decrypt (or
    change those numbers). Only while it is a draft; online voting must be one of its
    channels (a verifiable ballot is cast online; papers go on as before). Nothing changed
    writes nothing."""
    from moot.ballots.definition import definition_of

    t, n = check_threshold(threshold, trustees)
    locked = _locked_draft(ballot, acting_user)
    if Channel.ONLINE not in (locked.channels or []):
        raise VerifiableError(
            "A verifiable ballot is cast online (encrypted in the voter's browser): add online "
            "voting to the ballot's channels first.",
            field="channels",
        )
    election = Election.objects.select_for_update(of=("self",)).filter(ballot=locked).first()
    if election is not None and (election.threshold, election.trustee_count) == (t, n):
        return election
    appointed = Trustee.objects.filter(election=election).count() if election else 0
    if appointed > n:
        raise VerifiableError(
            f"{appointed} trustees are already appointed: remove some before asking for {n}.",
            field="trustees",
            code=RefusalCode.CONFLICT,
        )
    before = definition_of(locked)
    if election is None:
        election = Election.objects.create(
            ballot=locked, threshold=t, trustee_count=n, created_by=acting_user
        )
        was = None
    else:
        was = {"threshold": election.threshold, "trustees": election.trustee_count}
        election.threshold, election.trustee_count = t, n
        election.save(update_fields=["threshold", "trustee_count"])
    version = _new_version(locked, acting_user, before)
    record(
        actor=acting_user,
        verb=AuditVerb.MAKE_VERIFIABLE,
        obj=locked,
        before=was,
        after={
            "threshold": t,
            "trustees": n,
            "uuid": str(election.uuid),
            "version": version["version"],
            "sha256": version["sha256"],
        },
        clause=locked.clause,
    )
    return election


@transaction.atomic(durable=True)
def do_drop_verifiable(ballot: Ballot, *, acting_user: Any) -> Ballot:
    """Run ``ballot`` as an ordinary ballot after all: only while it is a draft (no ballot can
    have been cast); its trustees, their relayed shares and complaints and its credential
    authority go with it."""
    from moot.ballots.definition import definition_of

    locked = _locked_draft(ballot, acting_user)
    election = Election.objects.select_for_update(of=("self",)).filter(ballot=locked).first()
    if election is None:
        raise VerifiableError(
            "This ballot is not run verifiable: there is nothing to take back.",
            code=RefusalCode.STATE,
        )
    if BoardEntry.objects.filter(election=election).exists():  # never in a draft: belt and braces
        raise VerifiableError(
            "This ballot's board has entries: it stays verifiable.", code=RefusalCode.STATE
        )
    before = definition_of(locked)
    was = {
        "threshold": election.threshold,
        "trustees": election.trustee_count,
        "uuid": str(election.uuid),
    }
    SharePacket.objects.filter(election=election).delete()
    Complaint.objects.filter(election=election).delete()
    CredentialAuthority.objects.filter(election=election).delete()
    Trustee.objects.filter(election=election).delete()
    election.delete()
    version = _new_version(locked, acting_user, before)
    record(
        actor=acting_user,
        verb=AuditVerb.DROP_VERIFIABLE,
        obj=locked,
        before=was,
        after={"version": version["version"], "sha256": version["sha256"]},
        clause=locked.clause,
    )
    return locked
