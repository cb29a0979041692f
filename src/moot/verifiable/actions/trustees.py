"""The trustees of a verifiable ballot and their key generation (docs/verifiable.md §9;
docs/security.md, "Verifiable ballots: trustees and credentials").

The returning officer appoints t-of-n trustees (distinct people: one person is never two
trustees) while the election is set up. Each trustee then runs ``moot trustee step`` on their
own machine; every post arrives here and is checked before anything is written:

* the sealing key (X25519) is registered once;
* the commitment hash comes first, from every trustee, before anyone reveals (the rushing
  adversary cannot choose its coefficients after seeing the others');
* the revealed coefficients must match the hash and carry a valid proof of knowledge each —
  if not, the dealer is disqualified (its commitment is binding: no second try);
* the sealed shares go to every other qualified trustee, relayed as ciphertext;
* a complaint reveals one packet's box key: the server opens that packet and, when the share in
  it fails ``f_i(j)·B == Σ_k j^k·F_{i,k}``, disqualifies the dealer; a complaint that does not
  hold is refused;
* the share key: the server computes ``V_j`` from the qualified dealers' coefficients and
  checks the trustee's proof of knowledge of ``s_j`` — the share itself never arrives.

When every qualified trustee has proved its share key and at least t are qualified, the joint
key ``Y`` is set; with fewer than t qualified the election cannot open and says so.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.trustee import dkg
from moot.verifiable.audit_verbs import AuditVerb
from moot.verifiable.errors import RefusalCode, VerifiableError
from moot.verifiable.models import (
    Complaint,
    ComplaintVerdict,
    Election,
    ElectionState,
    SharePacket,
    Trustee,
    TrusteeState,
)
from moot.verify.group import GroupError, Point, scalar_hex
from moot.verify.vcommon import ProofError

CLAUSE = "docs/verifiable.md §9"
ORDER: list[str] = [
    TrusteeState.INVITED,
    TrusteeState.REGISTERED,
    TrusteeState.COMMITTED,
    TrusteeState.REVEALED,
    TrusteeState.SHARED,
    TrusteeState.CHECKED,
    TrusteeState.DONE,
]
MAX_PACKET = 1024  # a sealed share is some 250 base64 characters


def _lock(trustee: Trustee) -> tuple[Election, Trustee]:
    election = Election.objects.select_for_update(of=("self",)).get(pk=trustee.election_id)
    row = Trustee.objects.select_for_update(of=("self",)).get(pk=trustee.pk)
    return election, row


def _at_least(trustee: Trustee, state: str) -> bool:
    return trustee.state in ORDER and ORDER.index(trustee.state) >= ORDER.index(state)


def qualified(election: Election) -> list[Trustee]:
    """The trustees still in the ceremony: all but one whose own reveal failed. A dealer whose
    share an upheld complaint proved bad stays a share-holder (its ``V_j`` is the qualified
    dealers' sum, as election.json and the verifier have it), but deals no more."""
    return list(
        Trustee.objects.filter(election=election)
        .exclude(state=TrusteeState.DISQUALIFIED)
        .order_by("index")
    )


def dealers(election: Election) -> list[Trustee]:
    """QUAL: the trustees whose coefficients make the key (no failed reveal, no upheld
    complaint against them)."""
    return [t for t in qualified(election) if t.disqualified_at is None]


def _refuse(message: str, *, field: str = "", code: RefusalCode = RefusalCode.INVALID) -> NoReturn:
    raise VerifiableError(message, clause=CLAUSE, field=field, code=code)


def _in_keys(election: Election) -> None:
    if election.state not in (ElectionState.SETUP, ElectionState.KEYS):
        _refuse(
            f"The key generation is over (the election is {election.get_state_display()}).",
            code=RefusalCode.STATE,
        )


def _expect(trustee: Trustee, state: str, *, same: bool, what: str) -> bool:
    """True when the post is to be applied; False when it was applied before with the same
    value (a step that resumes after a crash); a refusal otherwise."""
    if trustee.state == TrusteeState.DISQUALIFIED:
        _refuse(
            f"Trustee {trustee.index} is disqualified: {trustee.disqualified_reason}",
            code=RefusalCode.STATE,
        )
    previous = ORDER[ORDER.index(state) - 1]
    if trustee.state == previous:
        return True
    if _at_least(trustee, state):
        if same:
            return False
        _refuse(
            f"Trustee {trustee.index} has already posted {what}; it cannot change.",
            code=RefusalCode.CONFLICT,
        )
    _refuse(
        f"Trustee {trustee.index} cannot post {what} yet: it is at "
        f"“{trustee.get_state_display()}”.",
        code=RefusalCode.STATE,
    )
    return False


def _waiting_for(election: Election, state: str, what: str) -> None:
    behind = [t for t in qualified(election) if not _at_least(t, state)]
    if behind:
        names = ", ".join(f"trustee {t.index} ({t.name})" for t in behind)
        _refuse(f"Not yet: {what} of {names} are still missing.", code=RefusalCode.STATE)


def _disqualify(
    election: Election, trustee: Trustee, reason: str, *, actor: Any, as_dealer: bool = False
) -> None:
    """Out of the key: entirely (a failed reveal), or ``as_dealer`` only (an upheld complaint:
    its coefficients no longer count, it still holds a share of the others')."""
    if not as_dealer:
        trustee.state = TrusteeState.DISQUALIFIED
    trustee.disqualified_reason = reason
    trustee.disqualified_at = timezone.now()
    trustee.save(update_fields=["state", "disqualified_reason", "disqualified_at"])
    record(
        actor=actor,
        verb=AuditVerb.DISQUALIFY_TRUSTEE,
        obj=trustee,
        after={"index": trustee.index, "reason": reason},
        clause=CLAUSE,
    )


# --- posts --------------------------------------------------------------------------------------
@transaction.atomic(durable=True)
def do_register_seal_key(trustee: Trustee, seal_key: str, *, acting_user: Any) -> Trustee:
    election, trustee = _lock(trustee)
    _in_keys(election)
    try:
        dkg.check_seal_key(seal_key)
    except ProofError as exc:
        _refuse(str(exc), field="seal_key")
    if not _expect(
        trustee, TrusteeState.REGISTERED, same=trustee.seal_key == seal_key, what="a sealing key"
    ):
        return trustee
    trustee.seal_key = seal_key
    trustee.state = TrusteeState.REGISTERED
    trustee.registered_at = timezone.now()
    trustee.save(update_fields=["seal_key", "state", "registered_at"])
    if election.state == ElectionState.SETUP:
        election.state = ElectionState.KEYS
        election.save(update_fields=["state"])
    record(
        actor=acting_user,
        verb=AuditVerb.REGISTER_TRUSTEE,
        obj=trustee,
        after={"index": trustee.index, "seal_key": seal_key},
    )
    return trustee


def _hex64(value: str, field: str) -> None:
    if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value):
        _refuse("Expected 64 lower-case hexadecimal digits.", field=field)


@transaction.atomic(durable=True)
def do_commit_trustee(trustee: Trustee, commitment_hash: str, *, acting_user: Any) -> Trustee:
    election, trustee = _lock(trustee)
    _in_keys(election)
    _hex64(commitment_hash, "commitment_hash")
    if not _expect(
        trustee,
        TrusteeState.COMMITTED,
        same=trustee.commitment_hash == commitment_hash,
        what="a commitment",
    ):
        return trustee
    trustee.commitment_hash = commitment_hash
    trustee.state = TrusteeState.COMMITTED
    trustee.committed_at = timezone.now()
    trustee.save(update_fields=["commitment_hash", "state", "committed_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.COMMIT_TRUSTEE,
        obj=trustee,
        after={"index": trustee.index, "commitment_hash": commitment_hash},
    )
    return trustee


@transaction.atomic(durable=True)
def do_reveal_coefficients(
    trustee: Trustee, coefficients: list[Any], *, acting_user: Any
) -> Trustee:
    """The coefficients with their proofs; a set that does not verify disqualifies the
    dealer (and is kept, so anyone can see why)."""
    election, trustee = _lock(trustee)
    _in_keys(election)
    if not _expect(
        trustee,
        TrusteeState.REVEALED,
        same=trustee.coefficients == coefficients,
        what="its coefficients",
    ):
        return trustee
    _waiting_for(election, TrusteeState.COMMITTED, "the commitment hashes")
    trustee.coefficients = coefficients
    trustee.revealed_at = timezone.now()
    try:
        dkg.check_reveal(
            str(election.uuid),
            index=trustee.index,
            threshold=election.threshold,
            expected_hash=trustee.commitment_hash,
            revealed=coefficients,
        )
    except ProofError as exc:
        trustee.save(update_fields=["coefficients", "revealed_at"])
        record(
            actor=acting_user,
            verb=AuditVerb.REVEAL_COEFFICIENTS,
            obj=trustee,
            after={"index": trustee.index, "verified": False},
        )
        _disqualify(
            election, trustee, f"its revealed coefficients do not verify: {exc}", actor=acting_user
        )
        return trustee
    trustee.state = TrusteeState.REVEALED
    trustee.save(update_fields=["coefficients", "state", "revealed_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.REVEAL_COEFFICIENTS,
        obj=trustee,
        after={"index": trustee.index},
    )
    return trustee


@transaction.atomic(durable=True)
def do_deal_shares(trustee: Trustee, packets: list[dict[str, Any]], *, acting_user: Any) -> Trustee:
    """One sealed packet for every other qualified trustee, nothing else."""
    election, trustee = _lock(trustee)
    _in_keys(election)
    stored = {
        p.recipient: p.sealed
        for p in SharePacket.objects.filter(election=election, dealer=trustee.index)
    }
    given: dict[int, str] = {}
    for position, packet in enumerate(packets):
        recipient, sealed = packet.get("recipient"), packet.get("sealed")
        if not isinstance(recipient, int) or not isinstance(sealed, str):
            _refuse(
                "Each packet is {recipient: index, sealed: base64}.", field=f"packets[{position}]"
            )
        if len(sealed) > MAX_PACKET:
            _refuse(
                f"A sealed share is at most {MAX_PACKET} characters.",
                field=f"packets[{position}].sealed",
            )
        if recipient in given:
            _refuse(f"Two packets for trustee {recipient}.", field=f"packets[{position}]")
        given[recipient] = sealed
    if not _expect(trustee, TrusteeState.SHARED, same=stored == given, what="its shares"):
        return trustee
    _waiting_for(election, TrusteeState.REVEALED, "the revealed coefficients")
    wanted = {t.index for t in qualified(election)} - {trustee.index}
    if set(given) != wanted:
        _refuse(
            "Send one packet to each other qualified trustee: "
            + ", ".join(map(str, sorted(wanted)))
            + f" (got {', '.join(map(str, sorted(given))) or 'none'}).",
            field="packets",
        )
    SharePacket.objects.bulk_create(
        SharePacket(election=election, dealer=trustee.index, recipient=r, sealed=s)
        for r, s in sorted(given.items())
    )
    trustee.state = TrusteeState.SHARED
    trustee.shared_at = timezone.now()
    trustee.save(update_fields=["state", "shared_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.DEAL_SHARES,
        obj=trustee,
        after={"index": trustee.index, "recipients": sorted(given)},
    )
    return trustee


def _dealer_points(election: Election, dealer: Trustee) -> list[Point]:
    return [Point.decode(row["point"]) for row in dealer.coefficients or []]


@transaction.atomic(durable=True)
def do_check_shares(
    trustee: Trustee, complaints: list[dict[str, Any]], *, acting_user: Any
) -> Trustee:
    """The trustee has opened and checked its shares; each complaint (a packet's box key) is
    checked here: upheld, the dealer is disqualified; not holding, the whole post is refused."""
    election, trustee = _lock(trustee)
    _in_keys(election)
    already = sorted(
        Complaint.objects.filter(election=election, complainant=trustee.index).values_list(
            "dealer", flat=True
        )
    )
    dealers = sorted(int(c["dealer"]) for c in complaints if isinstance(c.get("dealer"), int))
    if not _expect(trustee, TrusteeState.CHECKED, same=already == dealers, what="its share checks"):
        return trustee
    _waiting_for(election, TrusteeState.SHARED, "the shares")
    by_index = {
        t.index: t
        for t in Trustee.objects.select_for_update(of=("self",)).filter(election=election)
    }
    upheld: list[tuple[Trustee, str]] = []
    for position, complaint in enumerate(complaints):
        field = f"complaints[{position}]"
        dealer = by_index.get(complaint.get("dealer"))  # type: ignore[arg-type]
        key = complaint.get("box_key")
        if dealer is None or dealer.index == trustee.index or not isinstance(key, str):
            _refuse("A complaint is {dealer: another trustee's index, box_key: hex}.", field=field)
        packet = SharePacket.objects.filter(
            election=election, dealer=dealer.index, recipient=trustee.index
        ).first()
        if packet is None:
            _refuse(
                f"Trustee {dealer.index} sent no share to trustee {trustee.index}.", field=field
            )
        try:
            share = dkg.check_complaint(
                packet.sealed,
                key_hex=key,
                recipient_seal_key=bytes.fromhex(trustee.seal_key),
                uuid=str(election.uuid),
                dealer=dealer.index,
                recipient=trustee.index,
                dealer_points=_dealer_points(election, dealer),
            )
        except (ProofError, GroupError) as exc:
            _refuse(
                f"The complaint against trustee {dealer.index} does not hold: {exc}", field=field
            )
        upheld.append((dealer, share_hex(share)))
    now = timezone.now()
    for dealer, revealed in upheld:
        reason = (
            f"the share it sealed to trustee {trustee.index} fails its check "
            "(complaint upheld: the packet's key revealed, anyone can re-open it)"
        )
        Complaint.objects.create(
            election=election,
            complainant=trustee.index,
            dealer=dealer.index,
            revealed_share=revealed,
            verdict=ComplaintVerdict.UPHELD,
            reason=reason,
            decided_at=now,
        )
        if dealer.disqualified_at is None:
            _disqualify(election, dealer, reason, actor=acting_user, as_dealer=True)
    trustee.state = TrusteeState.CHECKED
    trustee.checked_at = now
    trustee.save(update_fields=["state", "checked_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.CHECK_SHARES,
        obj=trustee,
        after={"index": trustee.index, "complaints": [d.index for d, _ in upheld]},
    )
    return trustee


def share_hex(share: int) -> str:
    return scalar_hex(share)


@transaction.atomic(durable=True)
def do_prove_share_key(
    trustee: Trustee, verification_key: str, proof: dict[str, Any], *, acting_user: Any
) -> Trustee:
    """``V_j`` as everyone computes it from the qualified coefficients, with the trustee's
    proof of knowledge of its share; the last one sets the joint key."""
    election, trustee = _lock(trustee)
    _in_keys(election)
    if not _expect(
        trustee,
        TrusteeState.DONE,
        same=trustee.verification_key == verification_key,
        what="its share key",
    ):
        return trustee
    _waiting_for(election, TrusteeState.CHECKED, "the share checks")
    points = {d.index: _dealer_points(election, d) for d in dealers(election)}
    expected = dkg.verification_key(points, trustee.index)
    if verification_key != expected.hex():
        _refuse(
            f"Trustee {trustee.index}'s verification key is {expected.hex()} from the qualified "
            "trustees' coefficients, not the one posted (was the share summed over the same "
            "trustees?).",
            field="verification_key",
        )
    try:
        dkg.check_knowledge(
            expected,
            proof,
            str(election.uuid).encode("utf-8"),
            dkg.share_label(trustee.index),
            "proof",
        )
    except ProofError as exc:
        _refuse(str(exc), field="proof")
    trustee.verification_key = verification_key
    trustee.share_proof = proof
    trustee.state = TrusteeState.DONE
    trustee.done_at = timezone.now()
    trustee.save(update_fields=["verification_key", "share_proof", "state", "done_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.PROVE_SHARE_KEY,
        obj=trustee,
        after={"index": trustee.index, "verification_key": verification_key},
    )
    _finish_keys(election, points)
    return trustee


def _finish_keys(election: Election, points: dict[int, list[Point]]) -> None:
    if any(t.state != TrusteeState.DONE for t in qualified(election)):
        return
    if len(points) < election.threshold:
        return
    election.public_key = dkg.joint_public_key([p[0] for p in points.values()]).hex()
    election.keys_done_at = timezone.now()
    election.state = ElectionState.CREDENTIALS
    election.save(update_fields=["public_key", "keys_done_at", "state"])
    from moot.verifiable.actions.credentials import open_when_ready

    open_when_ready(election)


# --- appointment ------------------------------------------------------------------------------
@transaction.atomic(durable=True)
def do_appoint_trustees(
    election: Election, appointees: list[tuple[Any, str]], *, acting_user: Any
) -> list[Trustee]:
    """Appoint the election's ``n`` trustees, in index order (1..n), each a distinct person
    with the name published in election.json. Only while nobody has started the key
    generation; appointing again replaces the list."""
    election = Election.objects.select_for_update(of=("self",)).get(pk=election.pk)
    if (
        election.state != ElectionState.SETUP
        or Trustee.objects.filter(election=election).exclude(state=TrusteeState.INVITED).exists()
    ):
        _refuse(
            "The trustees are fixed once one of them has registered a sealing key.",
            code=RefusalCode.STATE,
        )
    if len(appointees) != election.trustee_count:
        _refuse(
            f"The election has {election.trustee_count} trustees (of whom "
            f"{election.threshold} decrypt): name {election.trustee_count}.",
            field="trustees",
        )
    seen: dict[int, int] = {}
    for position, (user, name) in enumerate(appointees, start=1):
        if user is None or not user.is_active:
            _refuse(f"Trustee {position}: name an active account.", field=f"trustee_{position}")
        if user.pk in seen:
            _refuse(
                f"Trustee {position} is already trustee {seen[user.pk]}: one person holds one "
                "share, or the threshold means nothing.",
                field=f"trustee_{position}",
                code=RefusalCode.RULE,
            )
        seen[user.pk] = position
        if not name.strip():
            _refuse(
                f"Trustee {position}: give the name published with the key.",
                field=f"name_{position}",
            )
    before = [
        {"index": t.index, "user": t.user_id}
        for t in Trustee.objects.filter(election=election).order_by("index")
    ]
    Trustee.objects.filter(election=election).delete()
    made = [
        Trustee.objects.create(
            election=election,
            index=position,
            user=user,
            name=name.strip(),
            appointed_by=acting_user,
        )
        for position, (user, name) in enumerate(appointees, start=1)
    ]
    record(
        actor=acting_user,
        verb=AuditVerb.APPOINT_TRUSTEES,
        obj=election,
        before=before or None,
        after=[{"index": t.index, "user": t.user_id, "name": t.name} for t in made],
        clause=CLAUSE,
    )
    return made
