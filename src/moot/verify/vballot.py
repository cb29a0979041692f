"""Credentials, the election, and the encrypted ballot of moot's verifiable ballots
(docs/verifiable.md §4, §5, §7, §8): what the booth makes and what the board and the verifier
check, field by field.

* A credential is 24 base58 characters given to one voter by the credential authority; its
  secret ``z = challenge("credential", uuid, credential)`` signs the ballot, its public
  ``Z = z·B`` is in the published list (no names).
* ``election.json`` (:func:`parse_election`) fixes the questions, the public key, the trustees
  and the credential list's hash; ``ctx = SHA-256(canonical(election.json))`` is the first part
  of every ballot proof.
* A ballot (:func:`encrypt_ballot`, :func:`verify_ballot`) holds one exponential ElGamal
  ciphertext per answer (homomorphic questions, with 0/1 and [min, max] proofs) or per chunk of
  a packed ranking (ranked questions, with one proof of knowledge of the randomness), signed by
  the credential. Its tracker is the SHA-256 of its canonical JSON.
* A Benaloh audit (:func:`check_audit`) reveals a ballot's randomness: anyone re-encrypts.

Errors are :class:`ProofError` with the path inside the object (``answers[0].choices[3]``);
the caller puts it in place with :meth:`ProofError.within` (``board entry 12``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from moot.verify import group
from moot.verify.group import Ciphertext, L, Point
from moot.verify.vcommon import (
    ProofError,
    Rng,
    at,
    canonical,
    read_bool,
    read_ciphertext,
    read_hex,
    read_int,
    read_list,
    read_object,
    read_point,
    read_scalar,
    read_str,
)
from moot.verify.vproofs import (
    Proof,
    RankedProof,
    lagrange_at_zero,
    prove_range,
    prove_ranked,
    range_proof_from_json,
    range_proof_json,
    sign_answers,
    verify_range,
    verify_ranked,
    verify_signature,
)

# --- §4 Credentials -------------------------------------------------------------------------------
CREDENTIAL_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
CREDENTIAL_LENGTH = 24
CREDENTIAL_GROUP = 4


class CredentialError(ValueError):
    """A credential as typed that cannot be one (the message says what to correct)."""


def new_credential() -> str:
    """A fresh credential, 24 characters (about 140 bits) from the OS's random source."""
    return "".join(secrets.choice(CREDENTIAL_ALPHABET) for _ in range(CREDENTIAL_LENGTH))


def format_credential(credential: str) -> str:
    """The credential as shown to the voter: groups of 4 joined by hyphens."""
    bare = parse_credential(credential)
    return "-".join(
        bare[k : k + CREDENTIAL_GROUP] for k in range(0, CREDENTIAL_LENGTH, CREDENTIAL_GROUP)
    )


def parse_credential(text: str) -> str:
    """The credential as typed, hyphens and spaces (any white space) removed; letters are
    case-sensitive. 24 characters of the alphabet must remain."""
    bare = "".join(ch for ch in text if ch != "-" and not ch.isspace())
    for position, ch in enumerate(bare, start=1):
        if ch not in CREDENTIAL_ALPHABET:
            raise CredentialError(
                f"the character “{ch}” (position {position}) is not used in credentials "
                "(0, O, I and l never are: read it again)"
            )
    if len(bare) != CREDENTIAL_LENGTH:
        raise CredentialError(
            f"{len(bare)} characters; a credential has {CREDENTIAL_LENGTH} "
            "(hyphens and spaces aside)"
        )
    return bare


def credential_secret(uuid: str, credential: str) -> int:
    """The credential's signing key ``z = challenge("credential", uuid, credential)``."""
    return group.challenge("credential", uuid, parse_credential(credential))


def public_credential(uuid: str, credential: str) -> Point:
    """``Z = z·B``: what the published list holds."""
    return Point.base_times(credential_secret(uuid, credential))


def credential_list(credentials: Collection[Point]) -> list[str]:
    """The published list: every public credential's hex, sorted, each once."""
    listed = sorted(point.hex() for point in credentials)
    if len(set(listed)) != len(listed):
        raise ValueError("a public credential appears twice")
    return listed


def credentials_sha256(listed: Sequence[str]) -> str:
    """SHA-256 (hex) of the canonical JSON of the published list: election.json's
    ``credentials_sha256``."""
    return hashlib.sha256(canonical(list(listed))).hexdigest()


def read_credential_list(value: object, where: str = "") -> frozenset[str]:
    """The published list checked: an array of points, sorted, without repeats."""
    items = read_list(value, where)
    for k, item in enumerate(items):
        read_point(item, at(where, k))
        if k and items[k - 1] >= item:
            raise ProofError(at(where, k), "the list is not sorted, or repeats a credential")
    return frozenset(items)


# --- §5 The election ------------------------------------------------------------------------------
MAX_CHUNK = 2**24  # (n+1)^pack: each chunk's discrete logarithm is looked up in a table this big


@dataclass(frozen=True)
class Homomorphic:
    """Choose between ``min`` and ``max`` of ``answers`` (yes/no, plurality, approval)."""

    text: str
    answers: tuple[str, ...]
    min: int
    max: int


@dataclass(frozen=True)
class Ranked:
    """Rank some of ``candidates`` 1, 2, …; counted after the mix by the ballot's rules."""

    text: str
    candidates: tuple[str, ...]
    seats: int
    pack: int

    @property
    def chunks(self) -> int:
        """How many ciphertexts a ranking takes: ``ceil(n / pack)``."""
        return -(-len(self.candidates) // self.pack)

    @property
    def chunk_bound(self) -> int:
        """``(n+1)^pack``: every chunk of a valid ranking is below it."""
        return int((len(self.candidates) + 1) ** self.pack)


Question = Homomorphic | Ranked


@dataclass(frozen=True)
class Trustee:
    index: int
    name: str
    verification_key: Point


@dataclass(frozen=True)
class Election:
    """``election.json`` checked, with its context ``ctx`` (32 bytes)."""

    data: Mapping[str, Any]
    uuid: str
    ballot_id: int
    title: str
    questions: tuple[Question, ...]
    public_key: Point
    threshold: int
    trustees: tuple[Trustee, ...]
    credentials_sha256: str
    revote: bool
    ctx: bytes

    @property
    def election_hash(self) -> str:
        """``ctx`` in hex, as the ballot and the record carry it."""
        return self.ctx.hex()


def election_hash(data: object) -> str:
    """SHA-256 (hex) of the canonical JSON of ``election.json``."""
    return hashlib.sha256(canonical(data)).hexdigest()


def parse_question(value: object, where: str) -> Question:
    """One question's definition, refused with the field when it is malformed."""
    kind = read_str(read_object(value, where, ("type",), _QUESTION_KEYS)["type"], at(where, "type"))
    if kind == "homomorphic":
        data = read_object(value, where, ("type", "text", "answers", "min", "max"))
        answers = _names(data["answers"], at(where, "answers"))
        high = read_int(data["max"], at(where, "max"), 1, len(answers))
        low = read_int(data["min"], at(where, "min"), 0, high)
        return Homomorphic(_text(data["text"], at(where, "text")), answers, low, high)
    if kind == "ranked":
        data = read_object(value, where, ("type", "text", "candidates", "seats", "pack"))
        candidates = _names(data["candidates"], at(where, "candidates"))
        seats = read_int(data["seats"], at(where, "seats"), 1, len(candidates))
        pack = read_int(data["pack"], at(where, "pack"), 1)
        if (len(candidates) + 1) ** pack > MAX_CHUNK:
            raise ProofError(
                at(where, "pack"),
                f"{pack} ranks of {len(candidates)} candidates make chunks up to "
                f"{len(candidates) + 1}^{pack}, more than {MAX_CHUNK:,} (choose a smaller pack)",
            )
        return Ranked(_text(data["text"], at(where, "text")), candidates, seats, pack)
    raise ProofError(at(where, "type"), f"“{kind}” is not a question type: homomorphic or ranked")


_QUESTION_KEYS = ("text", "answers", "min", "max", "candidates", "seats", "pack")


def _text(value: object, where: str) -> str:
    text = read_str(value, where)
    if not text.strip():
        raise ProofError(where, "empty")
    return text


def _names(value: object, where: str) -> tuple[str, ...]:
    items = read_list(value, where)
    if not items:
        raise ProofError(where, "empty")
    names = tuple(_text(item, at(where, k)) for k, item in enumerate(items))
    if len(set(names)) != len(names):
        raise ProofError(where, "a name appears twice")
    return names


def parse_election(data: object) -> Election:
    """``election.json`` checked in full (docs/verifiable.md §5.1): every field, every point,
    every question; the trustees' verification keys consistent with the public key (they lie
    on one polynomial of degree t−1 whose value at 0 is the key)."""
    obj = read_object(
        data,
        "",
        (
            "version",
            "group",
            "uuid",
            "ballot",
            "questions",
            "public_key",
            "threshold",
            "trustees",
            "credentials_sha256",
            "revote",
        ),
    )
    if read_str(obj["version"], "version") != group.VERSION:
        raise ProofError("version", f"expected “{group.VERSION}”")
    if read_str(obj["group"], "group") != group.GROUP_NAME:
        raise ProofError("group", f"expected “{group.GROUP_NAME}”")
    uuid = _text(obj["uuid"], "uuid")
    ballot = read_object(obj["ballot"], "ballot", ("id", "title"))
    questions = read_list(obj["questions"], "questions")
    if not questions:
        raise ProofError("questions", "empty")
    trustees_json = read_list(obj["trustees"], "trustees")
    if not trustees_json:
        raise ProofError("trustees", "empty")
    trustees = []
    for k, item in enumerate(trustees_json):
        where = at("trustees", k)
        entry = read_object(item, where, ("index", "name", "verification_key"))
        index = read_int(entry["index"], at(where, "index"))
        if index != k + 1:
            raise ProofError(
                at(where, "index"), f"expected {k + 1} (trustees are numbered 1, 2, …)"
            )
        trustees.append(
            Trustee(
                index,
                _text(entry["name"], at(where, "name")),
                read_point(entry["verification_key"], at(where, "verification_key")),
            )
        )
    threshold = read_int(obj["threshold"], "threshold", 1, len(trustees))
    public_key = read_point(obj["public_key"], "public_key")
    _check_verification_keys(public_key, threshold, trustees)
    read_hex(obj["credentials_sha256"], "credentials_sha256", 32)
    return Election(
        data=obj,
        uuid=uuid,
        ballot_id=read_int(ballot["id"], "ballot.id", 1),
        title=_text(ballot["title"], "ballot.title"),
        questions=tuple(parse_question(q, at("questions", k)) for k, q in enumerate(questions)),
        public_key=public_key,
        threshold=threshold,
        trustees=tuple(trustees),
        credentials_sha256=obj["credentials_sha256"],
        revote=read_bool(obj["revote"], "revote"),
        ctx=hashlib.sha256(canonical(obj)).digest(),
    )


def _check_verification_keys(public_key: Point, threshold: int, trustees: list[Trustee]) -> None:
    """Interpolate in the exponent from the first t keys: the key at 0 must be Y, and every
    other trustee's key must be the polynomial's value at its index."""
    base = [t.index for t in trustees[:threshold]]
    for target in [0, *(t.index for t in trustees[threshold:])]:
        expected = _interpolate(base, target, trustees)
        actual = public_key if target == 0 else trustees[target - 1].verification_key
        if expected != actual:
            where = "public_key" if target == 0 else f"trustees[{target - 1}].verification_key"
            raise ProofError(
                where,
                "not consistent with the other trustees' verification keys "
                f"(they do not lie on one polynomial of degree {threshold - 1})",
            )


def _interpolate(indices: list[int], target: int, trustees: list[Trustee]) -> Point:
    total = group.IDENTITY
    if target == 0:
        lambdas = lagrange_at_zero(indices)
    else:  # λ_j(x) = Π (x − k)/(j − k): shift to 0 by evaluating at target
        lambdas = {}
        for j in indices:
            num, den = 1, 1
            for k in indices:
                if k != j:
                    num = num * (target - k) % L
                    den = den * (j - k) % L
            lambdas[j] = num * pow(den, -1, L) % L
    for j in indices:
        total = total + trustees[j - 1].verification_key * lambdas[j]
    return total


# --- §7.2 Ranked answers: packing -----------------------------------------------------------------
@dataclass(frozen=True)
class InvalidRanking:
    """A decrypted ranked ballot that is not a ranking; counted as invalid, with why."""

    reason: str


def check_ranking(ranks: Sequence[int], n: int) -> str | None:
    """None for a valid ranking of ``n`` candidates (ranks 1..k each once, 0 for a candidate
    not ranked, k ≥ 1), else the reason in words."""
    if len(ranks) != n:
        return f"{len(ranks)} ranks for {n} candidates"
    for i, rank in enumerate(ranks):
        if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank <= n:
            return f"candidate {i + 1} has rank {rank!r}; a rank is 0 (not ranked) or 1 to {n}"
    given = sorted(rank for rank in ranks if rank)
    if not given:
        return "no candidate is ranked"
    for k, rank in enumerate(given, start=1):
        if rank < k:
            return f"rank {rank} is given twice: ranks are 1 to k, each once"
        if rank > k:
            return f"rank {k} is missing: ranks are 1 to k, each once"
    return None


def pack_ranking(ranks: Sequence[int], n: int, pack: int) -> list[int]:
    """Candidate i's rank is digit ``i % pack`` of chunk ``i // pack`` in base n+1:
    ``m_j = Σ_d rank[j·pack + d]·(n+1)^d``. Only a valid ranking is packed."""
    reason = check_ranking(ranks, n)
    if reason:
        raise ValueError(reason)
    base = n + 1
    return [
        sum(rank * base**d for d, rank in enumerate(ranks[start : start + pack]))
        for start in range(0, n, pack)
    ]


def unpack(values: Sequence[int | None], n: int, pack: int) -> list[int] | InvalidRanking:
    """The ranks from decrypted chunks (None: a chunk whose plaintext was not found below
    ``(n+1)^pack``), or why the ballot is invalid."""
    chunks = -(-n // pack)
    if len(values) != chunks:
        return InvalidRanking(
            f"{len(values)} chunks; {n} candidates in chunks of {pack} make {chunks}"
        )
    base = n + 1
    ranks: list[int] = []
    for j, value in enumerate(values):
        width = min(pack, n - j * pack)
        if value is None or not 0 <= value < base**width:
            return InvalidRanking(
                f"chunk {j + 1} does not hold ranks of 0 to {n} for its {width} candidates "
                f"(its plaintext is not below {base}^{width})"
            )
        rest = value
        for _ in range(width):
            rest, digit = divmod(rest, base)
            ranks.append(digit)
    reason = check_ranking(ranks, n)
    return InvalidRanking(reason) if reason else ranks


# --- §7 The ballot --------------------------------------------------------------------------------
BALLOT_KEYS = ("version", "election_hash", "credential", "answers", "signature")
UNSIGNED_KEYS = ("version", "election_hash", "credential", "answers")


def _check_selection(question: Question, selection: Sequence[int], where: str) -> list[int]:
    """The plaintexts a selection encrypts to, or a ProofError naming what is wrong."""
    if isinstance(question, Ranked):
        reason = check_ranking(list(selection), len(question.candidates))
        if reason:
            raise ProofError(where, reason)
        return pack_ranking(selection, len(question.candidates), question.pack)
    if len(selection) != len(question.answers):
        raise ProofError(where, f"one 0 or 1 per answer ({len(question.answers)})")
    for i, value in enumerate(selection):
        if value not in {0, 1} or isinstance(value, bool):
            raise ProofError(at(where, i), "must be 0 or 1")
    total = sum(selection)
    if not question.min <= total <= question.max:
        raise ProofError(where, f"{total} chosen; choose between {question.min} and {question.max}")
    return list(selection)


def encrypt_unsigned(
    election: Election,
    credential: str,
    selections: Sequence[Sequence[int]],
    rng: Rng = group.random_scalar,
) -> tuple[dict[str, Any], list[list[int]]]:
    """Encrypt and prove a ballot, NOT signed; returns it and its randomness (one scalar per
    ciphertext, per question: the Benaloh audit reveals it). Its tracker (:func:`tracker`) is
    what the booth shows before the voter chooses to cast or check; only a cast is signed
    (:func:`sign_ballot`), so an audited ballot can never be cast by whoever sees its audit.

    ``selections[q]`` is, for a homomorphic question, one 0 or 1 per answer; for a ranked
    one, one rank per candidate (0: not ranked). Randomness is drawn from ``rng`` in the
    order of docs/verifiable.md §7.6: for each question, every ciphertext's ``r``, then its
    proofs' scalars (each 0/1 proof in turn, then the overall proof; or the ranked proof's
    ``w_j``); the signature's ``w`` is drawn last, by :func:`sign_ballot`."""
    if len(selections) != len(election.questions):
        raise ProofError("selections", f"one selection per question ({len(election.questions)})")
    secret = credential_secret(election.uuid, credential)
    z_point = Point.base_times(secret)
    y, ctx = election.public_key, election.ctx
    answers: list[dict[str, Any]] = []
    randomness: list[list[int]] = []
    for q, (question, selection) in enumerate(zip(election.questions, selections, strict=True)):
        plaintexts = _check_selection(question, selection, at("selections", q))
        rs = [rng() for _ in plaintexts]
        cts = [group.encrypt(y, m, r) for m, r in zip(plaintexts, rs, strict=True)]
        if isinstance(question, Ranked):
            proof = prove_ranked(cts, rs, ctx=ctx, credential=z_point, question=q, rng=rng)
            answers.append({"choices": [ct.to_json() for ct in cts], "proof": proof.to_json()})
        else:
            individual = [
                range_proof_json(
                    prove_range(
                        y,
                        ct,
                        m,
                        r,
                        lo=0,
                        hi=1,
                        ctx=ctx,
                        credential=z_point,
                        question=q,
                        index=i,
                        rng=rng,
                    )
                )
                for i, (ct, m, r) in enumerate(zip(cts, plaintexts, rs, strict=True))
            ]
            overall = prove_range(
                y,
                _sum(cts),
                sum(plaintexts),
                sum(rs) % L,
                lo=question.min,
                hi=question.max,
                ctx=ctx,
                credential=z_point,
                question=q,
                index=len(cts),
                rng=rng,
            )
            answers.append(
                {
                    "choices": [ct.to_json() for ct in cts],
                    "individual_proofs": individual,
                    "overall_proof": range_proof_json(overall),
                }
            )
        randomness.append(rs)
    unsigned = {
        "version": group.VERSION,
        "election_hash": election.election_hash,
        "credential": z_point.hex(),
        "answers": answers,
    }
    return unsigned, randomness


def sign_ballot(
    election: Election,
    credential: str,
    unsigned: Mapping[str, Any],
    rng: Rng = group.random_scalar,
) -> dict[str, Any]:
    """The ballot to cast: ``unsigned`` (from :func:`encrypt_unsigned`) with the Schnorr
    signature by the voting credential over its answers. Only a cast is signed; refuses a
    ballot made with another credential or already signed."""
    obj = read_object(unsigned, "", UNSIGNED_KEYS)
    secret = credential_secret(election.uuid, credential)
    if Point.base_times(secret).hex() != obj["credential"]:
        raise ProofError("credential", "this voting credential did not make this ballot")
    signature = sign_answers(secret, obj["answers"], ctx=election.ctx, rng=rng)
    return {**obj, "signature": signature.to_json()}


def encrypt_ballot(
    election: Election,
    credential: str,
    selections: Sequence[Sequence[int]],
    rng: Rng = group.random_scalar,
) -> tuple[dict[str, Any], list[list[int]]]:
    """Encrypt, prove and sign a ballot (:func:`encrypt_unsigned` then :func:`sign_ballot`,
    the randomness drawn in that order): the ballot to cast and its randomness."""
    unsigned, randomness = encrypt_unsigned(election, credential, selections, rng)
    return sign_ballot(election, credential, unsigned, rng), randomness


def _sum(cts: Sequence[Ciphertext]) -> Ciphertext:
    total = cts[0]
    for ct in cts[1:]:
        total = total + ct
    return total


@dataclass(frozen=True)
class Answer:
    """One answer decoded: its ciphertexts and proofs (``proofs`` per choice and ``overall``
    for a homomorphic question, ``ranked`` for a ranked one)."""

    choices: tuple[Ciphertext, ...]
    proofs: tuple[tuple[Proof, ...], ...] = ()
    overall: tuple[Proof, ...] = ()
    ranked: RankedProof | None = None


@dataclass(frozen=True)
class Ballot:
    """A ballot decoded (every point and scalar checked): what the tally and mix take."""

    credential: Point
    answers: tuple[Answer, ...]
    signature: Proof
    tracker: str
    raw: Mapping[str, Any]


def parse_ballot(election: Election, ballot: object) -> Ballot:
    """The ballot's shape, version, election hash, and every point and scalar decoded;
    no proof is checked here (:func:`verify_ballot` does)."""
    obj = read_object(ballot, "", BALLOT_KEYS)
    credential, answers = _parse_unsigned(election, obj)
    return Ballot(
        credential, answers, Proof.from_json(obj["signature"], "signature"), tracker(obj), obj
    )


def _parse_unsigned(election: Election, obj: Mapping[str, Any]) -> tuple[Point, tuple[Answer, ...]]:
    if read_str(obj["version"], "version") != group.VERSION:
        raise ProofError("version", f"expected “{group.VERSION}”")
    if read_hex(obj["election_hash"], "election_hash", 32) != election.ctx:
        raise ProofError("election_hash", "not this election's (the ballot was made for another)")
    credential = read_point(obj["credential"], "credential")
    items = read_list(obj["answers"], "answers", len(election.questions))
    answers = tuple(
        _parse_answer(question, item, at("answers", q))
        for q, (question, item) in enumerate(zip(election.questions, items, strict=True))
    )
    return credential, answers


def _parse_answer(question: Question, value: object, where: str) -> Answer:
    if isinstance(question, Ranked):
        data = read_object(value, where, ("choices", "proof"))
        count = question.chunks
    else:
        data = read_object(value, where, ("choices", "individual_proofs", "overall_proof"))
        count = len(question.answers)
    items = read_list(data["choices"], at(where, "choices"), count)
    choices = tuple(read_ciphertext(ct, at(at(where, "choices"), i)) for i, ct in enumerate(items))
    if isinstance(question, Ranked):
        return Answer(
            choices, ranked=RankedProof.from_json(data["proof"], at(where, "proof"), count)
        )
    proofs_where = at(where, "individual_proofs")
    proofs = read_list(data["individual_proofs"], proofs_where, count)
    return Answer(
        choices,
        proofs=tuple(
            range_proof_from_json(p, at(proofs_where, i), 0, 1) for i, p in enumerate(proofs)
        ),
        overall=range_proof_from_json(
            data["overall_proof"], at(where, "overall_proof"), question.min, question.max
        ),
    )


def verify_ballot(election: Election, ballot: object, credentials: Collection[str]) -> Ballot:
    """Every check a ballot must pass before the board takes it (docs/verifiable.md §7.5), in
    this order: shape and encodings (:func:`parse_ballot`), the credential in the published
    list ``credentials`` (hex), the signature, then every proof. Returns the decoded ballot;
    raises :class:`ProofError` naming the first field that fails."""
    parsed = parse_ballot(election, ballot)
    if parsed.credential.hex() not in credentials:
        raise ProofError("credential", "not in the published list of credentials")
    _check_proofs(election, parsed)
    return parsed


def _check_proofs(election: Election, parsed: Ballot) -> None:
    if not verify_signature(
        parsed.credential, parsed.signature, parsed.raw["answers"], ctx=election.ctx
    ):
        raise ProofError(
            "signature", "does not verify: not signed by this credential over these answers"
        )
    _check_answer_proofs(election, parsed.credential, parsed.answers)


def _check_answer_proofs(election: Election, z_point: Point, answers: Sequence[Answer]) -> None:
    y, ctx = election.public_key, election.ctx
    for q, (question, answer) in enumerate(zip(election.questions, answers, strict=True)):
        where = at("answers", q)
        if isinstance(question, Ranked):
            if answer.ranked is None or not verify_ranked(
                answer.choices, answer.ranked, ctx=ctx, credential=z_point, question=q
            ):
                raise ProofError(
                    at(where, "proof"),
                    "the proof of knowledge of the ranking's randomness does not verify",
                )
            continue
        for i, (ct, proof) in enumerate(zip(answer.choices, answer.proofs, strict=True)):
            if not verify_range(
                y, ct, proof, lo=0, hi=1, ctx=ctx, credential=z_point, question=q, index=i
            ):
                raise ProofError(
                    at(at(where, "individual_proofs"), i),
                    f"the proof that choice {i} holds 0 or 1 does not verify",
                )
        if not verify_range(
            y,
            _sum(answer.choices),
            answer.overall,
            lo=question.min,
            hi=question.max,
            ctx=ctx,
            credential=z_point,
            question=q,
            index=len(answer.choices),
        ):
            raise ProofError(
                at(where, "overall_proof"),
                f"the proof that between {question.min} and {question.max} answers are chosen "
                "does not verify",
            )


def tracker(ballot: object) -> str:
    """SHA-256 (hex) of the canonical JSON of the ballot's UNSIGNED part (every field but
    ``"signature"``): the booth shows it before the voter chooses to cast or check, and a cast
    ballot's tracker on the board is the same hash (docs/verifiable.md §7.7)."""
    if isinstance(ballot, Mapping):
        ballot = {key: value for key, value in ballot.items() if key != "signature"}
    return hashlib.sha256(canonical(ballot)).hexdigest()


def format_tracker(hex_digest: str) -> str:
    """The tracker as the voter reads it: 8 groups of 8 hex digits."""
    return " ".join(hex_digest[k : k + 8] for k in range(0, len(hex_digest), 8))


# --- §8 Benaloh audit -----------------------------------------------------------------------------
def audit_object(
    election: Election,
    ballot: Mapping[str, Any],
    randomness: Sequence[Sequence[int]],
    selections: Sequence[Sequence[int]],
) -> dict[str, Any]:
    """What the booth reveals instead of casting: ``{"ballot", "randomness": [[r hex]…],
    "plaintexts": [[m]…]}`` (a ranked question's plaintexts are its packed chunks). The
    ballot is the UNSIGNED one (a signature, if given, is dropped): nobody who sees the audit
    can cast it without the voting credential."""
    plaintexts = [
        _check_selection(question, selection, at("selections", q))
        for q, (question, selection) in enumerate(zip(election.questions, selections, strict=True))
    ]
    return {
        "ballot": {key: value for key, value in ballot.items() if key != "signature"},
        "randomness": [[group.scalar_hex(r) for r in rs] for rs in randomness],
        "plaintexts": plaintexts,
    }


@dataclass(frozen=True)
class Audited:
    """A Benaloh audit that checks out: the tracker recomputed from the revealed ballot (the
    voter compares it with the tracker the booth showed before they chose to check) and the
    plaintexts per question."""

    tracker: str
    plaintexts: list[list[int]]


def check_audit(election: Election, audit: object) -> Audited:
    """A Benaloh audit checked: the unsigned ballot well formed and proved (it holds no
    signature — an audited ballot is never signed, so never castable; its credential is not
    looked up), then each ciphertext re-encrypted from its revealed plaintext and randomness.
    Returns the tracker recomputed from the ballot and the plaintexts (per question)."""
    obj = read_object(audit, "", ("ballot", "randomness", "plaintexts"))
    try:
        if isinstance(obj["ballot"], dict) and "signature" in obj["ballot"]:
            raise ProofError(
                "signature",
                "an audited ballot is never signed: this one could be cast, so the booth "
                "that revealed it is not to be trusted",
            )
        unsigned = read_object(obj["ballot"], "", UNSIGNED_KEYS)
        credential, answers = _parse_unsigned(election, unsigned)
        _check_answer_proofs(election, credential, answers)
    except ProofError as exc:
        raise ProofError(at("ballot", exc.where) if exc.where else "ballot", exc.what) from exc
    rs = read_list(obj["randomness"], "randomness", len(election.questions))
    ms = read_list(obj["plaintexts"], "plaintexts", len(election.questions))
    out: list[list[int]] = []
    for q, (question, answer) in enumerate(zip(election.questions, answers, strict=True)):
        count = len(answer.choices)
        r_items = read_list(rs[q], at("randomness", q), count)
        m_items = read_list(ms[q], at("plaintexts", q), count)
        plaintexts = []
        for i, ct in enumerate(answer.choices):
            r = read_scalar(r_items[i], at(at("randomness", q), i))
            m = read_int(m_items[i], at(at("plaintexts", q), i), 0, L - 1)
            if group.encrypt(election.public_key, m, r) != ct:
                raise ProofError(
                    f"ballot.answers[{q}].choices[{i}]",
                    f"is not the encryption of {m} with the revealed randomness: "
                    "the booth did not encrypt what it showed",
                )
            plaintexts.append(m)
        if isinstance(question, Ranked):
            ranks = unpack(plaintexts, len(question.candidates), question.pack)
            if isinstance(ranks, InvalidRanking):
                raise ProofError(at("plaintexts", q), f"not a ranking: {ranks.reason}")
        out.append(plaintexts)
    return Audited(tracker(unsigned), out)
