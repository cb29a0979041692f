"""A verifiable ballot ready to open, or open, for the verifiable app's tests.

The ballot is issue 11's open-ballot world (``ballots.casting_world``: a roll with invitation
credentials) taken back to ``frozen``; its verifiable election gets trustees whose threshold key
generation is done here in the test, as the trustees' own machines would do it (the server sees
only public values), a credential authority and a public credential list for the voters'
voting credentials. ``open_verifiable`` then opens it and issues the ballot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from ballots.casting_world import OpenBallot, open_ballot
from factories import UserFactory
from moot.audit.actions import record
from moot.ballots.models import Ballot
from moot.verifiable.models import CredentialAuthority, Election, Trustee, TrusteeState
from moot.verify import group, vballot, vdkg
from moot.verify.group import IDENTITY, Point


@dataclass
class VerifiableWorld:
    base: OpenBallot
    election: Election
    credentials: list[str] = field(default_factory=list)  # voting credentials, one per voter
    shares: dict[int, int] = field(default_factory=dict)  # trustee index -> secret share

    @property
    def ballot(self) -> Ballot:
        return self.base.ballot

    def parsed(self) -> vballot.Election:
        self.election.refresh_from_db()
        return vballot.parse_election(json.loads(self.election.election_json))

    def encrypt(self, voter: int, selection: list[int], **kwargs: Any) -> dict[str, Any]:
        ballot, _randomness = vballot.encrypt_ballot(
            self.parsed(), self.credentials[voter], [selection], **kwargs
        )
        return ballot


def run_key_generation(election: Election, users: list[Any]) -> dict[int, int]:
    """Every trustee's part of the Joint-Feldman key generation (docs/verifiable.md §9, with
    ``moot.verify.vdkg``), stored as the trustees' flows store it; returns each trustee's
    secret share (the test's only)."""
    uuid = str(election.uuid)
    t, n = election.threshold, election.trustee_count
    polys = {i: vdkg.random_polynomial(t) for i in range(1, n + 1)}
    points = {i: vdkg.commitments(polys[i]) for i in polys}
    shares = {j: vdkg.secret_share({i: vdkg.evaluate(polys[i], j) for i in polys}) for j in polys}
    public = IDENTITY
    for i in polys:
        public = public + points[i][0]
    now = timezone.now()
    for i, user in enumerate(users, start=1):
        Trustee.objects.create(
            election=election,
            index=i,
            user=user,
            name=f"Trustee {i}",
            state=TrusteeState.DONE,
            seal_key=Point.base_times(group.random_scalar()).hex(),
            commitment_hash=vdkg.commitment_hash(uuid, i, points[i]),
            coefficients=[
                {"point": point.hex(), "proof": proof.to_json()}
                for point, proof in zip(
                    points[i], vdkg.prove_coefficients(uuid, i, polys[i]), strict=True
                )
            ],
            share_proof=vdkg.prove_share(uuid, i, shares[i]).to_json(),
            verification_key=Point.base_times(shares[i]).hex(),
            registered_at=now,
            done_at=now,
        )
    election.public_key = public.hex()
    election.save(update_fields=["public_key"])
    return shares


def upload_credentials(election: Election, count: int) -> list[str]:
    """The credential authority's part: one voting credential per voter, the public list."""
    credentials = [vballot.new_credential() for _ in range(count)]
    uuid = str(election.uuid)
    listed = vballot.credential_list([vballot.public_credential(uuid, c) for c in credentials])
    authority = CredentialAuthority.objects.create(election=election, user=UserFactory())
    election.credentials_json = json.dumps(listed)
    election.credentials_sha256 = vballot.credentials_sha256(listed)
    election.save(update_fields=["credentials_json", "credentials_sha256"])
    # As do_upload_credentials records it (the opening checks the list against this record).
    with transaction.atomic():
        record(
            actor=authority.user,
            verb="verifiable.upload_credentials",
            obj=election,
            after={"count": len(listed), "sha256": election.credentials_sha256},
            clause="docs/verifiable.md §4",
        )
    return credentials


def verifiable_world(
    *,
    voters: int = 3,
    threshold: int = 2,
    trustees: int = 3,
    precedence: str = "first_received",
    kind: str = "election",
    method: str = "scottish-stv",
    prepared: bool = True,
) -> VerifiableWorld:
    """A frozen ballot with its verifiable election: with ``prepared`` the keys and the
    credential list are in (ready to open)."""
    base = open_ballot(voters=voters, precedence=precedence, kind=kind, method=method)
    Ballot.objects.filter(pk=base.ballot.pk).update(state="frozen")
    base.ballot.refresh_from_db()
    election = Election.objects.create(
        ballot=base.ballot, threshold=threshold, trustee_count=trustees
    )
    world = VerifiableWorld(base, election)
    if prepared:
        world.shares = run_key_generation(election, [UserFactory() for _ in range(trustees)])
        world.credentials = upload_credentials(election, voters)
    return world


def open_verifiable(**kwargs: Any) -> VerifiableWorld:
    """The world above, its election opened and its ballot open for voting."""
    from moot.verifiable.actions import do_open_verifiable

    world = verifiable_world(**kwargs)
    do_open_verifiable(world.election)
    Ballot.objects.filter(pk=world.ballot.pk).update(state="open")
    world.ballot.refresh_from_db()
    world.election.refresh_from_db()
    return world
