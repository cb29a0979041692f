"""What a verifiable election still lacks before it opens, in words a returning officer acts on:
the trustees appointed and their key generation finished, the credential authority appointed
and the public credential list uploaded, the ballot frozen. The opening refuses with these, and
so does the ballot's issue (through ``moot.ballots.hooks``) until the election is open."""

from __future__ import annotations

from moot.ballots.models import Ballot, BallotState
from moot.verifiable.models import CredentialAuthority, Election, ElectionState, Trustee

__all__ = ["missing_for_issue", "missing_to_open"]


def _names(trustees: list[Trustee]) -> str:
    return ", ".join(f"{t.name} (trustee {t.index})" for t in trustees)


def missing_to_open(election: Election, ballot: Ballot) -> list[str]:
    """Each thing still missing before ``election`` can open (empty: it can)."""
    missing: list[str] = []
    if ballot.state == BallotState.DRAFT:
        missing.append("the ballot is frozen (its candidates in ballot order)")
    trustees = list(Trustee.objects.filter(election=election).order_by("index"))
    if len(trustees) < election.trustee_count:
        missing.append(f"all {election.trustee_count} trustees appointed ({len(trustees)} so far)")
    unfinished = [
        t
        for t in trustees
        if not (t.verification_key and t.coefficients and t.share_proof and t.commitment_hash)
    ]
    if unfinished:
        missing.append(f"the key generation finished by {_names(unfinished)}")
    if not election.public_key:
        missing.append("the election's public key (it follows from the trustees' key generation)")
    authority = CredentialAuthority.objects.filter(election=election).first()
    if authority is None:
        missing.append("a credential authority appointed")
    if not election.credentials_json or not election.credentials_sha256:
        missing.append("the public credential list uploaded by the credential authority")
    return missing


def missing_for_issue(election: Election, ballot: Ballot) -> list[str]:
    """Why the ballot may not be issued yet (empty once the election is open)."""
    if election.state == ElectionState.OPEN:
        return []
    if election.state != ElectionState.SETUP and election.opened_at is not None:
        return [f"the election to be open (it is {election.get_state_display().lower()})"]
    return [*missing_to_open(election, ballot), "the verifiable election opened"]
