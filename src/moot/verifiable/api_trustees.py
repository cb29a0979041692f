"""The API the trustees' ``moot trustee`` and the credential authority's ``moot credentials``
talk to (docs/verifiable.md, "Running the key ceremony"). Every post is checked on arrival by
the actions; a trustee posts only as themself (the token's account decides the index)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.verifiable import board
from moot.verifiable.access_trustees import (
    access_as_credential_authority,
    access_election,
    access_election_to_appoint,
    access_own_trustee,
)
from moot.verifiable.actions.credentials import do_upload_credentials
from moot.verifiable.actions.mixing import do_post_decryption, do_post_shuffle, do_skip_mixer
from moot.verifiable.actions.trustees import (
    do_check_shares,
    do_commit_trustee,
    do_deal_shares,
    do_prove_share_key,
    do_register_seal_key,
    do_reveal_coefficients,
)
from moot.verifiable.queries_trustees import ceremony_document, packets_for

router = Router(tags=["verifiable"], auth=API_AUTH)

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}
Hex64 = Annotated[str, Field(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")]
BASE = "/{ballot_id}/verifiable"


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class ProofIn(StrictIn):
    challenge: Hex64
    response: Hex64


class SealKeyIn(StrictIn):
    seal_key: Hex64


class CommitmentIn(StrictIn):
    commitment_hash: Hex64


class CoefficientIn(StrictIn):
    point: Hex64
    proof: ProofIn


class CoefficientsIn(StrictIn):
    coefficients: list[CoefficientIn] = Field(min_length=1, max_length=64)


class PacketIn(StrictIn):
    recipient: int = Field(ge=1, le=64)
    sealed: str = Field(min_length=1, max_length=1024, pattern="^[A-Za-z0-9+/=]+$")


class PacketsIn(StrictIn):
    packets: list[PacketIn] = Field(max_length=64)


class ComplaintIn(StrictIn):
    dealer: int = Field(ge=1, le=64)
    box_key: Hex64


class CheckedIn(StrictIn):
    complaints: list[ComplaintIn] = Field(max_length=64)


class ShareKeyIn(StrictIn):
    verification_key: Hex64
    proof: ProofIn


class CredentialsIn(StrictIn):
    credentials: list[Hex64] = Field(min_length=1, max_length=2_000_000)
    credentials_sha256: Hex64


class ShufflesIn(StrictIn):
    shuffles: list[dict[str, Any]] = Field(min_length=1, max_length=64)


class DecryptionIn(StrictIn):
    trustee: int = Field(ge=1, le=64)
    sums: list[dict[str, Any]] = Field(max_length=1000)
    ranked: list[dict[str, Any]] = Field(max_length=1000)


class SkipIn(StrictIn):
    reason: str = Field(min_length=1, max_length=500)


class BoardOut(Schema):
    election: dict[str, Any]
    entries: list[dict[str, Any]]


class ElectionOut(Schema):
    state: str
    board_size: int
    board_head: str


class TrusteeOut(Schema):
    index: int
    state: str
    detail: str


class PacketOut(Schema):
    dealer: int
    sealed: str


class UploadOut(Schema):
    count: int
    credentials_sha256: str
    state: str
    detail: str


def _answer(trustee: Any) -> TrusteeOut:
    return TrusteeOut(index=trustee.index, state=trustee.state, detail=trustee.get_state_display())


@router.get(f"{BASE}/ceremony", response={200: dict[str, Any], **REFUSALS})
def ceremony(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    """The key ceremony's public state: every trustee's progress and public values, the
    complaints, and who the caller is in it (``you``). Never a secret."""
    user = _user(request)
    return ceremony_document(access_election(ballot_id, user), user)


@router.get(f"{BASE}/trustees/me/packets", response={200: list[PacketOut], **REFUSALS})
def my_packets(request: HttpRequest, ballot_id: int) -> list[dict[str, Any]]:
    """The sealed shares addressed to the caller's trustee (only the caller can open them)."""
    return packets_for(access_own_trustee(ballot_id, _user(request)))


@router.post(f"{BASE}/trustees/me/seal-key", response={200: TrusteeOut, **REFUSALS})
def seal_key(request: HttpRequest, ballot_id: int, payload: SealKeyIn) -> TrusteeOut:
    user = _user(request)
    trustee = access_own_trustee(ballot_id, user)
    return _answer(do_register_seal_key(trustee, payload.seal_key, acting_user=user))


@router.post(f"{BASE}/trustees/me/commitment", response={200: TrusteeOut, **REFUSALS})
def commitment(request: HttpRequest, ballot_id: int, payload: CommitmentIn) -> TrusteeOut:
    user = _user(request)
    trustee = access_own_trustee(ballot_id, user)
    return _answer(do_commit_trustee(trustee, payload.commitment_hash, acting_user=user))


@router.post(f"{BASE}/trustees/me/coefficients", response={200: TrusteeOut, **REFUSALS})
def coefficients(request: HttpRequest, ballot_id: int, payload: CoefficientsIn) -> TrusteeOut:
    """The coefficients' points with their proofs; a set that does not match the commitment
    or whose proof fails disqualifies the trustee (the answer's state says so)."""
    user = _user(request)
    trustee = access_own_trustee(ballot_id, user)
    rows = [row.model_dump() for row in payload.coefficients]
    return _answer(do_reveal_coefficients(trustee, rows, acting_user=user))


@router.post(f"{BASE}/trustees/me/packets", response={200: TrusteeOut, **REFUSALS})
def packets(request: HttpRequest, ballot_id: int, payload: PacketsIn) -> TrusteeOut:
    user = _user(request)
    trustee = access_own_trustee(ballot_id, user)
    rows = [row.model_dump() for row in payload.packets]
    return _answer(do_deal_shares(trustee, rows, acting_user=user))


@router.post(f"{BASE}/trustees/me/checked", response={200: TrusteeOut, **REFUSALS})
def checked(request: HttpRequest, ballot_id: int, payload: CheckedIn) -> TrusteeOut:
    """The caller has checked every share it received; each complaint reveals one packet's
    box key and is checked here (upheld: the dealer is disqualified)."""
    user = _user(request)
    trustee = access_own_trustee(ballot_id, user)
    rows = [row.model_dump() for row in payload.complaints]
    return _answer(do_check_shares(trustee, rows, acting_user=user))


@router.post(f"{BASE}/trustees/me/share-key", response={200: TrusteeOut, **REFUSALS})
def share_key(request: HttpRequest, ballot_id: int, payload: ShareKeyIn) -> TrusteeOut:
    user = _user(request)
    trustee = access_own_trustee(ballot_id, user)
    return _answer(
        do_prove_share_key(
            trustee, payload.verification_key, payload.proof.model_dump(), acting_user=user
        )
    )


@router.post(f"{BASE}/credentials", response={200: UploadOut, **REFUSALS})
def credentials(request: HttpRequest, ballot_id: int, payload: CredentialsIn) -> UploadOut:
    """The credential authority's public list (sorted public credentials, no names)."""
    user = _user(request)
    election = access_as_credential_authority(ballot_id, user)
    election = do_upload_credentials(
        election, payload.credentials, payload.credentials_sha256, acting_user=user
    )
    return UploadOut(
        count=election.credentials_count,
        credentials_sha256=election.credentials_sha256,
        state=election.state,
        detail=f"the election is {election.get_state_display().lower()}",
    )


def _election_out(election: Any) -> ElectionOut:
    return ElectionOut(
        state=election.state, board_size=election.board_size, board_head=election.board_head
    )


def _board_document(election: Any) -> Iterator[bytes]:
    """``{"election": …, "entries": [...]}`` written as it is read: each entry's stored
    canonical bytes, a chunk of rows at a time (the server never holds the whole board)."""
    yield b'{"election":' + (election.election_json or "{}").encode("utf-8") + b',"entries":['
    first = True
    for entry in board.entries(election):
        yield (b"" if first else b",") + entry.body.encode("utf-8")
        first = False
    yield b"]}"


@router.get(f"{BASE}/trustees/board", response={200: BoardOut, **REFUSALS})
def whole_board(request: HttpRequest, ballot_id: int) -> StreamingHttpResponse:
    """election.json and every board entry, in order: what ``moot trustee step`` checks
    before it mixes or decrypts anything. Streamed, as board.jsonl is."""
    election = access_election(ballot_id, _user(request))
    if not election.election_json:
        return StreamingHttpResponse(
            iter([b'{"election":{},"entries":[]}']), content_type="application/json"
        )
    return StreamingHttpResponse(_board_document(election), content_type="application/json")


@router.post(f"{BASE}/trustees/me/shuffle", response={200: ElectionOut, **REFUSALS})
def shuffle(request: HttpRequest, ballot_id: int, payload: ShufflesIn) -> ElectionOut:
    """The caller's shuffle of each ranked question, in its turn; refused (nothing written)
    unless every proof verifies on the current rows."""
    user = _user(request)
    trustee = access_own_trustee(ballot_id, user)
    return _election_out(do_post_shuffle(trustee, payload.shuffles, acting_user=user))


@router.post(f"{BASE}/trustees/{{index}}/skip", response={200: ElectionOut, **REFUSALS})
def skip(request: HttpRequest, ballot_id: int, index: int, payload: SkipIn) -> ElectionOut:
    """The returning officer skips the trustee whose turn it is to mix, with a reason."""
    user = _user(request)
    election = access_election_to_appoint(ballot_id, user)
    return _election_out(do_skip_mixer(election, index, payload.reason, acting_user=user))


@router.post(f"{BASE}/trustees/me/decryption", response={200: ElectionOut, **REFUSALS})
def decryption(request: HttpRequest, ballot_id: int, payload: DecryptionIn) -> ElectionOut:
    """The caller's decryption shares, every proof checked; the t-th set makes the result."""
    user = _user(request)
    trustee = access_own_trustee(ballot_id, user)
    return _election_out(do_post_decryption(trustee, payload.model_dump(), acting_user=user))
