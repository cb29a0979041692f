"""Setup, trustees, credentials and ballots of a Belenios 2.0 archive.

The election's fingerprint is the unpadded Base64 of the SHA-256 of its data file's exact bytes;
every ballot names it, and it opens the statement of every ballot and decryption proof.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from moot.verify.belenios.archive import Archive, Event, load_json
from moot.verify.belenios.errors import ProofError, VerifyError
from moot.verify.belenios.groups import Group, group_named, parse_int, sanity_check
from moot.verify.belenios.proofs import (
    Ciphertext,
    check_ballot_signature,
    check_blank,
    check_interval,
    check_raw_elgamal,
    read_ciphertext,
)
from moot.verify.belenios.trustees import TrusteeItem, read_trustees

_UUID = re.compile(r"[1-9A-HJ-NP-Za-km-z]{14,}\Z")
_BALLOT_KEYS = ["election_uuid", "election_hash", "credential", "answers", "signature"]


def sha256_b64(raw: bytes) -> str:
    return base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii").rstrip("=")


def compact(obj: Any) -> bytes:
    """JSON as Belenios writes it: compact, fields in their given order, UTF-8."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Question:
    homomorphic: bool
    answers: int
    blank: bool = False
    min: int = 0
    max: int = 0

    @property
    def choices(self) -> int:
        """Ciphertexts per answer: one per answer, plus the leading blank flag if allowed."""
        return self.answers + (1 if self.blank else 0) if self.homomorphic else 1


@dataclass
class Election:
    uuid: str
    name: str
    group: Group
    public_key: int
    fingerprint: str
    questions: list[Question]
    trustee_items: list[TrusteeItem] = field(default_factory=list)
    trustee_keys: list[int] = field(default_factory=list)  # by owner number - 1
    credentials: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CountedBallot:
    height: int
    file: str
    weight: int
    answers: list[list[Ciphertext]]


def _fail(group: str, exc: ProofError, file: str, height: int) -> VerifyError:
    return VerifyError(group, exc.what, file=file, height=height, field=exc.field)


def _question(obj: Any, index: int) -> Question:
    where = f"questions[{index}]"
    if isinstance(obj, dict) and "type" in obj:
        if obj.get("type") != "NonHomomorphic" or not isinstance(obj.get("value"), dict):
            raise ProofError(where, f"unsupported question type {obj.get('type')!r}")
        answers = obj["value"].get("answers")
        if not isinstance(answers, list) or not answers:
            raise ProofError(f"{where}.value.answers", "expected a non-empty list")
        return Question(homomorphic=False, answers=len(answers))
    if not isinstance(obj, dict):
        raise ProofError(where, "expected a question")
    answers, qmin, qmax = obj.get("answers"), obj.get("min"), obj.get("max")
    blank = obj.get("blank", False)
    if not isinstance(answers, list) or not answers:
        raise ProofError(f"{where}.answers", "expected a non-empty list")
    bounds_ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (qmin, qmax))
    if not bounds_ok or not 0 <= qmin <= qmax <= len(answers):  # type: ignore[operator]
        raise ProofError(where, "min and max must satisfy 0 <= min <= max <= answers")
    if not isinstance(blank, bool):
        raise ProofError(f"{where}.blank", "expected a boolean")
    return Question(True, len(answers), blank, qmin, qmax)  # type: ignore[arg-type]


def check_setup(archive: Archive, event: Event) -> tuple[Election, dict[str, str], list[str]]:
    """The Setup event's payload, the election it names and its group."""
    assert event.payload is not None
    setup = load_json(archive.data[event.payload], group="setup", file=event.payload, height=0)
    if not isinstance(setup, dict) or set(setup) != {"election", "trustees", "credentials"}:
        raise VerifyError(
            "setup", "expected {election, trustees, credentials}", file=event.payload, height=0
        )
    files = {}
    for key in ("election", "trustees", "credentials"):
        digest = setup[key]
        if not isinstance(digest, str):
            raise VerifyError("setup", "expected a hash", file=event.payload, height=0, field=key)
        archive.get(digest, group="setup", height=0, field=key)
        files[key] = digest
    raw = archive.data[files["election"]]
    obj = load_json(raw, group="setup", file=files["election"], height=0)
    try:
        election = _election(obj, raw)
        checks = sanity_check(election.group)
    except ProofError as exc:
        raise _fail("setup", exc, files["election"], 0) from None
    return election, files, checks


def _election(obj: Any, raw: bytes) -> Election:
    if not isinstance(obj, dict):
        raise ProofError("", "expected an election object")
    if obj.get("version") != 1:
        raise ProofError(
            "version", f"election version {obj.get('version')!r} (Belenios 2.0 writes 1)"
        )
    uuid = obj.get("uuid")
    if not isinstance(uuid, str) or not _UUID.match(uuid):
        raise ProofError("uuid", "expected at least 14 Base58 characters")
    group = group_named(obj.get("group"))
    public_key = group.element(obj.get("public_key"), "public_key")
    questions = obj.get("questions")
    if not isinstance(questions, list) or not questions:
        raise ProofError("questions", "expected a non-empty list")
    parsed = [_question(q, i) for i, q in enumerate(questions)]
    if any(not q.homomorphic for q in parsed) and group.embedding is None:
        raise ProofError("group", f"{group.name} cannot carry non-homomorphic answers")
    name = obj.get("name")
    return Election(
        uuid=uuid,
        name=name if isinstance(name, str) else "",
        group=group,
        public_key=public_key,
        fingerprint=sha256_b64(raw),
        questions=parsed,
    )


def check_trustees(archive: Archive, election: Election, digest: str) -> str:
    """Every trustee's key and proofs; the election key is the product of the sub-keys.
    Returns a description of the trustees for the report."""
    group = election.group
    obj = load_json(archive.data[digest], group="trustees", file=digest, height=0)
    try:
        items, product = read_trustees(group, obj)
    except ProofError as exc:
        raise _fail("trustees", exc, digest, 0) from None
    if product != election.public_key:
        raise VerifyError(
            "trustees",
            "the election's public key is not the product of the trustees' keys",
            file=digest,
            height=0,
            field="public_key",
        )
    election.trustee_items = items
    election.trustee_keys = [key for item in items for key in item.keys]
    singles = sum(1 for item in items if not item.pedersen)
    parts = [f"{singles} single"] if singles else []
    parts += [f"{item.threshold}-of-{len(item.keys)} threshold" for item in items if item.pedersen]
    keys = len(election.trustee_keys)
    return f"{keys} trustees ({', '.join(parts)}), {keys} proofs of knowledge"


def check_credentials(archive: Archive, election: Election, digest: str) -> bool:
    """The public credentials: elements of the group, distinct, each with an optional weight.
    Returns whether weights are used."""
    group = election.group
    obj = load_json(archive.data[digest], group="credentials", file=digest, height=0)
    if not isinstance(obj, list) or not all(isinstance(x, str) for x in obj):
        raise VerifyError("credentials", "expected a list of strings", file=digest, height=0)
    weighted = False
    for i, text in enumerate(obj):
        key_text, _, weight_text = text.partition(",")
        try:
            key = group.element(key_text, f"[{i}]")
            weight = parse_int(weight_text, f"[{i}]") if weight_text else 1
        except ProofError as exc:
            raise _fail("credentials", exc, digest, 0) from None
        weighted = weighted or bool(weight_text)
        if weight < 1:
            raise VerifyError(
                "credentials", "weight below 1", file=digest, height=0, field=f"[{i}]"
            )
        if key in election.credentials:
            raise VerifyError(
                "credentials", "duplicate credential", file=digest, height=0, field=f"[{i}]"
            )
        election.credentials[key] = weight
    return weighted


@dataclass
class BallotStats:
    accepted: int = 0
    revotes: int = 0
    individual: int = 0
    overall: int = 0
    blank: int = 0
    raw: int = 0


def check_ballot(
    archive: Archive, election: Election, event: Event, stats: BallotStats
) -> tuple[int, list[list[Ciphertext]]]:
    """One ballot: canonical form, election, credential in the list, signature, every proof.
    Returns its credential and its ciphertexts per question."""
    assert event.payload is not None
    digest, height = event.payload, event.height
    raw = archive.data[digest]
    obj = load_json(raw, group="ballots", file=digest, height=height)

    def fail(what: str, where: str | None = None) -> VerifyError:
        return VerifyError("ballots", what, file=digest, height=height, field=where)

    if not isinstance(obj, dict) or list(obj) != _BALLOT_KEYS:
        raise fail(f"expected the fields {', '.join(_BALLOT_KEYS)} in that order")
    if compact(obj) != raw:
        raise fail("ballot not in canonical form (compact JSON, as Belenios writes it)")
    if obj["election_uuid"] != election.uuid:
        raise fail("ballot for another election", "election_uuid")
    if obj["election_hash"] != election.fingerprint:
        raise fail("ballot for another election fingerprint", "election_hash")
    group = election.group
    try:
        credential = group.element(obj["credential"], "credential")
    except ProofError as exc:
        raise _fail("ballots", exc, digest, height) from None
    if credential not in election.credentials:
        raise fail("credential not in the published list", "credential")
    answers = obj["answers"]
    if not isinstance(answers, list) or len(answers) != len(election.questions):
        raise fail(f"expected {len(election.questions)} answers", "answers")
    zkp = f"{election.fingerprint}|{credential}"
    try:
        cts = [_answer(election, index, answer, zkp, stats) for index, answer in enumerate(answers)]
    except ProofError as exc:
        raise _fail("ballots", exc, digest, height) from None
    # The proofs first, so that a changed proof or ciphertext is reported by the proof it breaks
    # (the signature, over the whole ballot, would catch it too).
    signature = obj["signature"]
    if not isinstance(signature, dict) or set(signature) != {"hash", "proof"}:
        raise fail("expected {hash, proof}", "signature")
    unsigned = {key: value for key, value in obj.items() if key != "signature"}
    if signature["hash"] != sha256_b64(compact(unsigned)):
        raise fail("signed hash is not the hash of the ballot", "signature.hash")
    try:
        check_ballot_signature(
            group, signature["hash"], credential, signature["proof"], "signature.proof"
        )
    except ProofError as exc:
        raise _fail("ballots", exc, digest, height) from None
    return credential, cts


def _answer(
    election: Election, index: int, answer: Any, zkp: str, stats: BallotStats
) -> list[Ciphertext]:
    try:
        return _answer_body(election, election.questions[index], answer, zkp, stats)
    except ProofError as exc:
        raise exc.under(f"answers[{index}]") from None


def _answer_body(
    election: Election, question: Question, answer: Any, zkp: str, stats: BallotStats
) -> list[Ciphertext]:
    group, y = election.group, election.public_key
    if not isinstance(answer, dict):
        raise ProofError("", "expected an answer object")
    if not question.homomorphic:
        if set(answer) != {"choices", "proof"}:
            raise ProofError("", "expected {choices, proof}")
        ct = read_ciphertext(group, answer["choices"], "choices")
        check_raw_elgamal(group, y, zkp, ct, answer["proof"], field="proof")
        stats.raw += 1
        return [ct]
    keys = set(answer)
    if not {"choices", "individual_proofs", "overall_proof"} <= keys or not keys <= {
        "choices",
        "individual_proofs",
        "overall_proof",
        "blank_proof",
    }:
        raise ProofError("", "expected {choices, individual_proofs, overall_proof, ?blank_proof}")
    blank_proof = answer.get("blank_proof")
    with_blank = question.blank
    if with_blank != (blank_proof is not None):
        what = "missing" if with_blank else "present, but the question allows no blank vote"
        raise ProofError("blank_proof", what)
    expected = question.choices
    choices = answer["choices"]
    if not isinstance(choices, list) or len(choices) != expected:
        raise ProofError("choices", f"expected {expected} ciphertexts")
    cts = [read_ciphertext(group, c, f"choices[{i}]") for i, c in enumerate(choices)]
    proofs = answer["individual_proofs"]
    if not isinstance(proofs, list) or len(proofs) != expected:
        raise ProofError("individual_proofs", f"expected {expected} proofs")
    for i, (ct, proof) in enumerate(zip(cts, proofs, strict=True)):
        check_interval(group, y, zkp, ct, proof, values=[0, 1], field=f"individual_proofs[{i}]")
    stats.individual += len(cts)
    statement = zkp + "|" + ",".join(f"{a},{b}" for a, b in cts)
    counted = cts[1:] if with_blank else cts
    total = (group.mul(*(a for a, _ in counted)), group.mul(*(b for _, b in counted)))
    if with_blank:
        check_blank(
            group,
            y,
            statement,
            blank_ct=cts[0],
            sum_ct=total,
            overall=answer["overall_proof"],
            blank=blank_proof,
            bounds=(question.min, question.max),
            field="",
        )
        stats.blank += 1
    else:
        values = list(range(question.min, question.max + 1))
        check_interval(
            group,
            y,
            statement,
            total,
            answer["overall_proof"],
            values=values,
            field="overall_proof",
        )
    stats.overall += 1
    return cts
