"""What the trustees' page and API list: the ceremony's public document (who has done what,
never a secret) and the packets addressed to one trustee."""

from __future__ import annotations

from typing import Any

from moot.verifiable.models import (
    Complaint,
    CredentialAuthority,
    Election,
    SharePacket,
    Trustee,
    TrusteeState,
)


def trustees_of(election: Election) -> list[Trustee]:
    return list(
        Trustee.objects.filter(election=election)
        .select_related("user", "appointed_by")
        .order_by("index")
    )


def ceremony_document(election: Election, user: Any) -> dict[str, Any]:
    """The public state of the key ceremony, as ``moot trustee step`` reads it."""
    trustees = trustees_of(election)
    authority = CredentialAuthority.objects.filter(election=election).first()
    user_pk = getattr(user, "pk", None)
    you = next((t.index for t in trustees if t.user_id == user_pk), None)
    qualified = [
        t for t in trustees if t.state != TrusteeState.DISQUALIFIED and t.disqualified_at is None
    ]
    return {
        "ballot": election.ballot_id,
        "uuid": str(election.uuid),
        "state": election.state,
        "threshold": election.threshold,
        "trustee_count": election.trustee_count,
        "public_key": election.public_key,
        "election_hash": election.election_hash,
        "credentials_sha256": election.credentials_sha256,
        "credentials_count": election.credentials_count,
        "can_open": len(qualified) >= election.threshold,
        "you": {
            "trustee": you,
            "credential_authority": authority is not None and authority.user_id == user_pk,
        },
        "trustees": [
            {
                "index": t.index,
                "name": t.name,
                "state": t.state,
                "seal_key": t.seal_key,
                "commitment_hash": t.commitment_hash,
                "coefficients": t.coefficients,
                "verification_key": t.verification_key,
                "share_proof": t.share_proof,
                "disqualified_reason": t.disqualified_reason,
            }
            for t in trustees
        ],
        "mixing": mixing_status(election),
        "complaints": [
            {
                "complainant": c.complainant,
                "dealer": c.dealer,
                "share": c.revealed_share,
                "verdict": c.verdict,
                "reason": c.reason,
            }
            for c in Complaint.objects.filter(election=election).order_by("filed_at", "id")
        ],
    }


def packets_for(trustee: Trustee) -> list[dict[str, Any]]:
    return [
        {"dealer": p.dealer, "sealed": p.sealed}
        for p in SharePacket.objects.filter(
            election_id=trustee.election_id, recipient=trustee.index
        ).order_by("dealer")
    ]


def credential_authority_of(election: Election) -> CredentialAuthority | None:
    return (
        CredentialAuthority.objects.select_related("user", "appointed_by")
        .filter(election=election)
        .first()
    )


def account_named(text: str) -> Any | None:
    """The active account whose e-mail address (or user name) is ``text``, or None."""
    from django.contrib.auth import get_user_model

    text = text.strip()
    if not text:
        return None
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(email__iexact=text).first() or users.filter(username=text).first()


def login_of(user: Any) -> str:
    return (getattr(user, "email", "") or user.get_username()) if user else ""


TALLY_STATES = ("closed", "mixing", "decrypting", "decrypted")


def mixing_status(election: Election) -> dict[str, Any]:
    """Who has mixed, who was skipped (with the reason), whose turn it is, who has decrypted."""
    if election.state not in TALLY_STATES:
        return {
            "next": None,
            "skippable": False,
            "mixed": [],
            "skipped": {},
            "decrypted": [],
            "ranked": [],
        }
    from moot.verifiable.actions.mixing import (
        mixers_after_skip,
        next_mixer,
        read_board,
        skipped_mixers,
    )

    tally = read_board(election)
    turn = next_mixer(election, tally)
    return {
        "next": turn,
        "skippable": turn is not None
        and mixers_after_skip(election, tally, turn) >= election.threshold,
        "mixed": tally.mixers,
        "skipped": {str(k): v for k, v in skipped_mixers(election).items()},
        "decrypted": sorted(tally.decryptions),
        "ranked": tally.ranked,
    }
