"""A verifiable ballot on issue 11's pages (through ``moot.ballots.hooks``): its stage on the
returning officer's console — where the trustees, the credential authority, the opening, the
mix and the decryption stand, with the setup and trustees pages — and, on the count page before
the button, the trustees' progress while the result is not yet decrypted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from moot.ballots.models import Ballot
from moot.dates import long_datetime
from moot.verifiable.models import CredentialAuthority, Election, ElectionState, Trustee
from moot.verifiable.readiness import missing_to_open

__all__ = ["console_stage", "count_notes", "progress"]

TITLE = "Verifiable: trustees and credentials"
PURPOSE = (
    "Trustees make the election key, the credential authority uploads the public credential "
    "list, the election opens before the issue; after the close the trustees mix and decrypt."
)


def _election(ballot: Ballot) -> Election | None:
    return Election.objects.filter(ballot_id=ballot.pk).first()


def _setup(election: Election) -> str:
    trustees = list(Trustee.objects.filter(election=election))
    done = sum(1 for t in trustees if t.verification_key and t.share_proof)
    if election.credentials_sha256:
        credentials = "the public list is uploaded."
    elif CredentialAuthority.objects.filter(election=election).exists():
        credentials = "the authority is appointed; the public list is not uploaded yet."
    else:
        credentials = "no credential authority is appointed yet."
    return (
        f"Trustees: {len(trustees)} of {election.trustee_count} appointed, {done} with their "
        f"key made ({election.threshold} needed to decrypt). Credentials: {credentials}"
    )


def progress(election: Election) -> str:
    """The trustees' mix and decryption, in words (after the close)."""
    from moot.verifiable.queries_trustees import mixing_status

    status = mixing_status(election)
    mixed = ", ".join(f"trustee {i}" for i in status["mixed"]) or "nobody yet"
    decrypted = len(status["decrypted"])
    parts = [f"Mixed by {mixed}."]
    if status["skipped"]:
        parts.append(
            "Skipped: "
            + "; ".join(f"trustee {i} ({why})" for i, why in sorted(status["skipped"].items()))
            + "."
        )
    if election.state in (ElectionState.CLOSED, ElectionState.MIXING) and status["next"]:
        parts.append(f"Next to mix: trustee {status['next']}.")
    if election.state in (ElectionState.DECRYPTING, ElectionState.DECRYPTED):
        parts.append(f"Decrypted by {decrypted} of the {election.threshold} trustees needed.")
    return " ".join(parts)


def console_stage(ballot: Ballot) -> dict[str, Any] | None:
    election = _election(ballot)
    if election is None:
        return None
    state = election.state
    if state in (ElectionState.SETUP, ElectionState.KEYS, ElectionState.CREDENTIALS):
        missing = missing_to_open(election, ballot)
        status = "now"
        text = _setup(election) + (
            " Still missing before it opens: " + "; ".join(missing) + "."
            if missing
            else " Everything is in: open the election, then issue the ballot."
        )
    elif state == ElectionState.OPEN:
        status = "done"
        opened = f" on {long_datetime(election.opened_at)}" if election.opened_at else ""
        text = (
            f"Opened{opened}; {election.board_size:,} entries on the board. After the close "
            "the trustees mix and decrypt."
        )
    elif state == ElectionState.DECRYPTED:
        status = "done"
        when = f" on {long_datetime(election.decrypted_at)}" if election.decrypted_at else ""
        text = f"Mixed and decrypted{when}. {progress(election)} Count the ballot."
    else:
        status = "now"
        text = f"{election.get_state_display()}. " + progress(election)
    return {
        "key": "verifiable",
        "title": TITLE,
        "purpose": PURPOSE,
        "after": "close",
        "status": status,
        "text": text,
        "links": [
            ("Verifiable setup", reverse("verifiable:setup", args=[ballot.pk])),
            ("The trustees", reverse("verifiable:trustees", args=[ballot.pk])),
            ("The public board", reverse("verifiable:board", args=[ballot.pk])),
        ],
    }


def count_notes(ballot: Ballot) -> list[dict[str, str]]:
    """Before the count's button, while the result is not decrypted: where the trustees are."""
    election = _election(ballot)
    if election is None or election.state == ElectionState.DECRYPTED:
        return []
    return [
        {
            "text": (
                "This ballot is verifiable: it is counted once its trustees have mixed and "
                f"decrypted the online ballots. {election.get_state_display()}. "
                f"{progress(election)}"
            ),
            "label": "The trustees' page",
            "url": reverse("verifiable:trustees", args=[ballot.pk]),
        }
    ]
