"""Credentials, election.json, ranked packing, the encrypted ballot and its audit
(moot.verify.vballot): known answers recomputed here from the group's primitives, every field of
a ballot tampered with and refused (with the field named), copies under another credential
refused, Benaloh audits re-encrypted."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moot.verify import group
from moot.verify.group import BASE, L, Point
from moot.verify.vballot import (
    CREDENTIAL_ALPHABET,
    CredentialError,
    Election,
    InvalidRanking,
    audit_object,
    check_audit,
    credential_list,
    credential_secret,
    credentials_sha256,
    election_hash,
    encrypt_ballot,
    encrypt_unsigned,
    format_credential,
    format_tracker,
    new_credential,
    pack_ranking,
    parse_credential,
    parse_election,
    public_credential,
    read_credential_list,
    sign_ballot,
    tracker,
    unpack,
    verify_ballot,
)
from moot.verify.vcommon import ProofError, seeded_rng

pytestmark = pytest.mark.pure

FEW = settings(max_examples=10, deadline=None)
UUID = "3b1f6a52-0d1c-4c2e-9e57-2f9a1d0c7e11"
A0, A1 = 1234567, 7654321  # the trustees' polynomial f(x) = A0 + A1·x (2 of 3)
CRED = "2222-3333-4444-5555-6666-7777"
OTHER_CRED = "7Kx2-Hq9P-mZ4r-Tw8N-bV3e-Jy6A"
OTHER = "abcd-efgh-ijkm-nopq-rstu-vwxy"

YES_NO = {"type": "homomorphic", "text": "Adopt?", "answers": ["Yes", "No"], "min": 1, "max": 1}
APPROVE = {
    "type": "homomorphic",
    "text": "Approve",
    "answers": ["Ann", "Bob", "Cy"],
    "min": 0,
    "max": 2,
}
RANK = {
    "type": "ranked",
    "text": "Rank",
    "candidates": ["P", "Q", "R", "S", "T"],
    "seats": 2,
    "pack": 2,
}


def B(n: int) -> Point:
    return Point.base_times(n)


def election_json(questions: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": "moot-verifiable/1",
        "group": "ed25519-prime-order-subgroup",
        "uuid": UUID,
        "ballot": {"id": 7, "title": "Branch officers"},
        "questions": [YES_NO, APPROVE, RANK] if questions is None else questions,
        "public_key": B(A0).hex(),
        "threshold": 2,
        "trustees": [
            {"index": j, "name": f"Trustee {j}", "verification_key": B(A0 + A1 * j).hex()}
            for j in (1, 2, 3)
        ],
        "credentials_sha256": "ab" * 32,
        "revote": False,
    }
    data.update(changes)
    return data


ELECTION = parse_election(election_json())
SELECTIONS = [[1, 0], [1, 0, 1], [2, 0, 1, 3, 0]]
CREDENTIALS = {public_credential(UUID, CRED).hex()}


def fixed(*values: int) -> Callable[[], int]:
    stream: Iterator[int] = iter(values)
    return lambda: next(stream)


# --- credentials ----------------------------------------------------------------------------------
def test_new_credentials_are_24_base58_characters_shown_in_fours() -> None:
    made = {new_credential() for _ in range(50)}
    assert len(made) == 50
    for credential in made:
        assert len(credential) == 24
        assert set(credential) <= set(CREDENTIAL_ALPHABET)
        shown = format_credential(credential)
        assert shown.split("-") == [credential[k : k + 4] for k in range(0, 24, 4)]
        assert parse_credential(shown) == credential
    assert not set("0OIl") & set(CREDENTIAL_ALPHABET)
    assert len(CREDENTIAL_ALPHABET) == 58


def test_credential_parsing_ignores_hyphens_and_spaces_and_says_what_is_wrong() -> None:
    assert parse_credential(" 2222 3333-4444\t5555-6666 7777 ") == "222233334444555566667777"
    with pytest.raises(CredentialError, match=r"“0” \(position 3\)"):
        parse_credential("220233334444555566667777")
    with pytest.raises(CredentialError, match="23 characters; a credential has 24"):
        parse_credential("22223333444455556666777")
    with pytest.raises(CredentialError, match="“l”"):
        parse_credential("2222-3333-4444-5555-6666-777l")


def test_credential_secret_known_answer_and_case() -> None:
    bare = "222233334444555566667777"
    assert credential_secret(UUID, CRED) == group.challenge("credential", UUID, bare)
    assert public_credential(UUID, CRED) == B(group.challenge("credential", UUID, bare))
    assert credential_secret("another-uuid", CRED) != credential_secret(UUID, CRED)
    lower, upper = "2222-3333-4444-5555-6666-777a", "2222-3333-4444-5555-6666-777A"
    assert credential_secret(UUID, lower) != credential_secret(UUID, upper)


def test_the_published_list_is_sorted_and_hashed_canonically() -> None:
    points = [B(5), B(3), B(9)]
    listed = credential_list(points)
    assert listed == sorted(p.hex() for p in points)
    expected = hashlib.sha256(json.dumps(listed, separators=(",", ":")).encode()).hexdigest()
    assert credentials_sha256(listed) == expected
    assert read_credential_list(listed) == frozenset(listed)
    with pytest.raises(ProofError) as unsorted:
        read_credential_list(listed[::-1], "credentials")
    assert unsorted.value.where == "credentials[1]"
    with pytest.raises(ValueError, match="twice"):
        credential_list([B(5), B(5)])


# --- election.json --------------------------------------------------------------------------------
def test_the_context_is_the_sha256_of_the_canonical_election() -> None:
    data = election_json()
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert ELECTION.ctx == hashlib.sha256(text.encode()).digest()
    assert election_hash(data) == ELECTION.ctx.hex() == ELECTION.election_hash
    assert [type(q).__name__ for q in ELECTION.questions] == [
        "Homomorphic",
        "Homomorphic",
        "Ranked",
    ]
    assert ELECTION.questions[2].chunks == 3  # type: ignore[union-attr]


BAD_ELECTIONS: list[tuple[dict[str, Any], str, str]] = [
    (election_json(version="moot-verifiable/2"), "version", "expected"),
    (election_json(group="p256"), "group", "expected"),
    (election_json(uuid=""), "uuid", "empty"),
    (election_json(threshold=4), "threshold", "above"),
    (election_json(threshold=True), "threshold", "integer"),
    (election_json(revote="no"), "revote", "true or false"),
    (election_json(credentials_sha256="AB" * 32), "credentials_sha256", "lower-case"),
    (election_json(public_key="01" + "00" * 31), "public_key", "small order"),
    (election_json(public_key=B(A0 + 1).hex()), "public_key", "not consistent"),
    (election_json(extra=1), "extra", "not a field"),
    (election_json(questions=[]), "questions", "empty"),
    (election_json(questions=[{**YES_NO, "min": 2}]), "questions[0].min", "above"),
    (election_json(questions=[{**YES_NO, "max": 3}]), "questions[0].max", "above"),
    (election_json(questions=[{**YES_NO, "max": 0, "min": 0}]), "questions[0].max", "below"),
    (
        election_json(questions=[{**YES_NO, "answers": ["Yes", "Yes"]}]),
        "questions[0].answers",
        "twice",
    ),
    (election_json(questions=[{**YES_NO, "answers": []}]), "questions[0].answers", "empty"),
    (
        election_json(questions=[{**YES_NO, "type": "stv"}]),
        "questions[0].type",
        "not a question type",
    ),
    (election_json(questions=[{**YES_NO, "pack": 4}]), "questions[0].pack", "not a field"),
    (election_json(questions=[{**RANK, "seats": 6}]), "questions[0].seats", "above"),
    (election_json(questions=[{**RANK, "pack": 0}]), "questions[0].pack", "below"),
    (
        election_json(questions=[{**RANK, "candidates": [f"c{i}" for i in range(70)], "pack": 4}]),
        "questions[0].pack",
        "smaller pack",
    ),
    (election_json(questions=[{**RANK, "text": " "}]), "questions[0].text", "empty"),
]


@pytest.mark.parametrize(("data", "where", "what"), BAD_ELECTIONS)
def test_a_malformed_election_is_refused_with_the_field(
    data: dict[str, Any], where: str, what: str
) -> None:
    with pytest.raises(ProofError) as refused:
        parse_election(data)
    assert refused.value.where == where
    assert what in refused.value.what


def test_verification_keys_must_lie_on_one_polynomial() -> None:
    data = election_json()
    data["trustees"][2]["verification_key"] = B(A0 + A1 * 3 + 1).hex()
    with pytest.raises(ProofError) as refused:
        parse_election(data)
    assert refused.value.where == "trustees[2].verification_key"
    data["trustees"][2]["index"] = 4
    with pytest.raises(ProofError, match="expected 3"):
        parse_election(data)


# --- ranked packing -------------------------------------------------------------------------------
def test_packing_known_answer() -> None:
    # 5 candidates, pack 2, base 6: chunk j holds candidates 2j, 2j+1 as r₀ + r₁·6.
    assert pack_ranking([2, 0, 1, 3, 0], 5, 2) == [2 + 0 * 6, 1 + 3 * 6, 0]
    assert unpack([2, 19, 0], 5, 2) == [2, 0, 1, 3, 0]
    # 20 candidates, pack 4, base 21: ranks 1..20 in order.
    assert pack_ranking(list(range(1, 21)), 20, 4)[0] == 1 + 2 * 21 + 3 * 21**2 + 4 * 21**3


@st.composite
def rankings(draw: st.DrawFn) -> tuple[list[int], int, int]:
    n = draw(st.integers(1, 12))
    pack = draw(st.integers(1, 4))
    k = draw(st.integers(1, n))
    order = draw(st.permutations(range(n)))
    ranks = [0] * n
    for rank, candidate in enumerate(order[:k], start=1):
        ranks[candidate] = rank
    return ranks, n, pack


@settings(max_examples=60, deadline=None)
@given(case=rankings())
def test_packing_round_trips(case: tuple[list[int], int, int]) -> None:
    ranks, n, pack = case
    values = pack_ranking(ranks, n, pack)
    assert len(values) == -(-n // pack)
    assert all(0 <= v < (n + 1) ** pack for v in values)
    assert unpack(values, n, pack) == ranks


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ([2, 2 + 1 * 6, 0], "rank 2 is given twice"),  # ranks 2, 0, 2, 1, 0
        ([3, 0 + 1 * 6, 0], "rank 2 is missing"),  # ranks 3, 0, 0, 1, 0
        ([0, 0, 0], "no candidate is ranked"),
        ([36, 0, 0], "chunk 1 does not hold ranks of 0 to 5 for its 2 candidates"),
        (
            [1, 0, 6],
            "chunk 3 does not hold ranks of 0 to 5 for its 1 candidates",
        ),  # the last chunk holds one candidate
        ([1, None, 0], "chunk 2 does not hold"),
        ([1, 0], "2 chunks; 5 candidates in chunks of 2 make 3"),
    ],
)
def test_unpacking_names_an_invalid_ranking(values: list[int | None], reason: str) -> None:
    result = unpack(values, 5, 2)
    assert isinstance(result, InvalidRanking)
    assert reason in result.reason


def test_only_a_valid_ranking_is_packed() -> None:
    for ranks, reason in (
        ([0, 0, 0], "no candidate"),
        ([1, 1, 0], "given twice"),
        ([2, 0, 0], "missing"),
        ([1, 4, 0], "rank 4"),
    ):
        with pytest.raises(ValueError, match=reason):
            pack_ranking(ranks, 3, 4)


# --- the ballot: known answer ---------------------------------------------------------------------
def scalar(n: int) -> str:
    return (n % L).to_bytes(32, "little").hex()


def cds_by_hand(  # noqa: PLR0917 - the statement, written out as docs/verifiable.md §6.2 has it
    ctx: bytes,
    z: Point,
    q: int,
    i: int,
    ct: tuple[Point, Point],
    m: int,
    r: int,
    lo: int,
    hi: int,
    draws: Iterator[int],
) -> list[dict[str, str]]:
    y = B(A0)
    alpha, beta = ct
    cs: dict[int, int] = {}
    ss: dict[int, int] = {}
    parts: list[group.Part] = [ctx, z, q, i, lo, hi, alpha, beta]
    w = 0
    for j in range(lo, hi + 1):
        if j == m:
            w = next(draws)
            parts += [B(w), y * w]
        else:
            cs[j], ss[j] = next(draws), next(draws)
            parts += [B(ss[j]) - alpha * cs[j], y * ss[j] - (beta - B(j)) * cs[j]]
    c = group.challenge("range", *parts)
    cs[m] = (c - sum(cs.values())) % L
    ss[m] = (w + cs[m] * r) % L
    return [{"challenge": scalar(cs[j]), "response": scalar(ss[j])} for j in range(lo, hi + 1)]


def test_a_ballot_known_answer() -> None:
    """Yes/no (Yes) and a 3-candidate ranking (one chunk), every scalar drawn from 101, 102, …;
    the expected ballot is written out here from the group alone."""
    small = {**RANK, "candidates": ["P", "Q", "R"], "pack": 4}
    election = parse_election(election_json([YES_NO, small]))
    ctx, y = election.ctx, B(A0)
    z = group.challenge("credential", UUID, "222233334444555566667777")
    zp = B(z)
    draws = iter(range(101, 200))
    enc = lambda m, r: (B(r), B(m) + y * r)  # noqa: E731
    r0, r1 = next(draws), next(draws)
    ct0, ct1 = enc(1, r0), enc(0, r1)
    p0 = cds_by_hand(ctx, zp, 0, 0, ct0, 1, r0, 0, 1, draws)
    p1 = cds_by_hand(ctx, zp, 0, 1, ct1, 0, r1, 0, 1, draws)
    total = (ct0[0] + ct1[0], ct0[1] + ct1[1])
    overall = cds_by_hand(ctx, zp, 0, 2, total, 1, r0 + r1, 1, 1, draws)
    m = 3 + 1 * 4 + 2 * 16  # ranks 3, 1, 2 in base 4
    r2 = next(draws)
    ct2 = enc(m, r2)
    w2 = next(draws)
    c2 = group.challenge("ranked", ctx, zp, 1, ct2[0], ct2[1], B(w2))
    answers = [
        {
            "choices": [
                {"alpha": ct0[0].hex(), "beta": ct0[1].hex()},
                {"alpha": ct1[0].hex(), "beta": ct1[1].hex()},
            ],
            "individual_proofs": [p0, p1],
            "overall_proof": overall,
        },
        {
            "choices": [{"alpha": ct2[0].hex(), "beta": ct2[1].hex()}],
            "proof": {"challenge": scalar(c2), "responses": [scalar(w2 + c2 * r2)]},
        },
    ]
    digest = hashlib.sha256(
        json.dumps(answers, sort_keys=True, separators=(",", ":")).encode()
    ).digest()
    ws = next(draws)
    cs = group.challenge("signature", ctx, zp, B(ws), digest)
    expected = {
        "version": "moot-verifiable/1",
        "election_hash": ctx.hex(),
        "credential": zp.hex(),
        "answers": answers,
        "signature": {"challenge": scalar(cs), "response": scalar(ws + cs * z)},
    }
    ballot, randomness = encrypt_ballot(
        election, CRED, [[1, 0], [3, 1, 2]], rng=fixed(*range(101, 200))
    )
    assert ballot == expected
    assert randomness == [[r0, r1], [r2]]
    # The tracker covers the UNSIGNED ballot: what the booth shows before cast-or-check.
    unsigned = {key: value for key, value in expected.items() if key != "signature"}
    text = json.dumps(unsigned, sort_keys=True, separators=(",", ":"))
    assert tracker(ballot) == hashlib.sha256(text.encode()).hexdigest() == tracker(unsigned)
    alone, same_r = encrypt_unsigned(
        election, CRED, [[1, 0], [3, 1, 2]], rng=fixed(*range(101, 200))
    )
    assert alone == unsigned
    assert same_r == randomness
    assert format_tracker(tracker(ballot)).split(" ") == [
        tracker(ballot)[k : k + 8] for k in range(0, 64, 8)
    ]
    verify_ballot(election, ballot, {zp.hex()})


# --- the ballot: completeness and soundness -------------------------------------------------------
@st.composite
def five_rankings(draw: st.DrawFn) -> list[int]:
    k = draw(st.integers(1, 5))
    order = draw(st.permutations(range(5)))
    ranks = [0] * 5
    for rank, candidate in enumerate(order[:k], start=1):
        ranks[candidate] = rank
    return ranks


@FEW
@given(
    yes=st.integers(0, 1),
    approve=st.lists(st.integers(0, 1), min_size=3, max_size=3),
    ranks=five_rankings(),
)
def test_honest_ballots_verify_and_audit(yes: int, approve: list[int], ranks: list[int]) -> None:
    chosen = [[yes, 1 - yes], approve if sum(approve) <= 2 else [1, 1, 0], ranks]
    ballot, randomness = encrypt_ballot(ELECTION, CRED, chosen)
    parsed = verify_ballot(ELECTION, ballot, CREDENTIALS)
    assert parsed.tracker == tracker(ballot)
    assert [len(a.choices) for a in parsed.answers] == [2, 3, 3]
    audit = audit_object(ELECTION, ballot, randomness, chosen)
    audited = check_audit(ELECTION, json.loads(json.dumps(audit)))
    assert audited.tracker == tracker(ballot)
    plaintexts = audited.plaintexts
    assert plaintexts == [chosen[0], chosen[1], pack_ranking(ranks, 5, 2)]
    assert unpack(plaintexts[2], 5, 2) == ranks


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string leaf of a JSON value with its path as ProofError writes it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield from leaves(item, f"{path}[{k}]")
    elif isinstance(value, str):
        yield path, value


def put(ballot: dict[str, Any], path: str, new: object) -> dict[str, Any]:
    out = copy.deepcopy(ballot)
    node: Any = out
    steps = path.replace("[", ".[").split(".")
    for step in steps[:-1]:
        node = node[int(step[1:-1])] if step.startswith("[") else node[step]
    last = steps[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = new
    else:
        node[last] = new
    return out


def altered(path: str, value: str) -> str:
    """The same kind of value, changed: a point plus B, a scalar plus one."""
    if path.endswith(("alpha", "beta", "credential")):
        return (Point.decode(value) + BASE).hex()
    if path == "election_hash":
        return hashlib.sha256(bytes.fromhex(value)).hexdigest()
    if path == "version":
        return "moot-verifiable/2"
    return group.scalar_hex(group.decode_scalar(value) + 1)


BALLOT, _ = encrypt_ballot(ELECTION, CRED, SELECTIONS, rng=seeded_rng(b"tamper"))
LEAVES = list(leaves(BALLOT))


@pytest.mark.parametrize(("path", "value"), LEAVES, ids=[p for p, _ in LEAVES])
def test_every_field_tampered_is_refused(path: str, value: str) -> None:
    tampered = put(BALLOT, path, altered(path, value))
    with pytest.raises(ProofError) as refused:
        verify_ballot(
            ELECTION, tampered, CREDENTIALS | {altered("credential", BALLOT["credential"])}
        )
    if path.startswith(("answers", "signature", "credential")):
        # the other credential is listed but did not sign: the signature check names it
        assert refused.value.where == "signature"
    else:
        assert refused.value.where == path


def resigned(ballot: dict[str, Any], credential: str = CRED) -> dict[str, Any]:
    """The ballot's answers signed again by ``credential``: what its holder could send."""
    from moot.verify.vproofs import sign_answers

    out = copy.deepcopy(ballot)
    z = credential_secret(UUID, credential)
    out["credential"] = B(z).hex()
    out["signature"] = sign_answers(z, out["answers"], ctx=ELECTION.ctx).to_json()
    return out


ANSWER_LEAVES = [(p, v) for p, v in LEAVES if p.startswith("answers")]


@pytest.mark.parametrize(("path", "value"), ANSWER_LEAVES, ids=[p for p, _ in ANSWER_LEAVES])
def test_a_tampered_answer_fails_its_own_proof_even_when_signed_again(
    path: str, value: str
) -> None:
    """The credential's holder alters one value and signs again: the proof that covers it fails,
    and the error names that proof."""
    tampered = resigned(put(BALLOT, path, altered(path, value)))
    with pytest.raises(ProofError) as refused:
        verify_ballot(ELECTION, tampered, CREDENTIALS)
    q = path[len("answers[") : path.index("]")]
    if path.startswith(f"answers[{q}].choices[") and q != "2":
        # a ciphertext is in its own 0/1 proof and in the overall proof: the first fails first
        i = path.split("choices[")[1].split("]", maxsplit=1)[0]
        assert refused.value.where == f"answers[{q}].individual_proofs[{i}]"
    elif q == "2":
        assert refused.value.where == "answers[2].proof"
    else:
        proof_path = path.removesuffix(".challenge").removesuffix(".response")
        assert refused.value.where == proof_path.rsplit("[", 1)[0]  # the proof, not its branch


def test_a_ballot_copied_under_another_credential_is_refused() -> None:
    copied = resigned(BALLOT, OTHER)
    listed = CREDENTIALS | {public_credential(UUID, OTHER).hex()}
    with pytest.raises(ProofError) as refused:
        verify_ballot(ELECTION, copied, listed)
    assert refused.value.where == "answers[0].individual_proofs[0]"
    assert verify_ballot(ELECTION, resigned(BALLOT), listed).credential == B(
        credential_secret(UUID, CRED)
    )


def test_a_credential_not_in_the_list_is_refused() -> None:
    with pytest.raises(ProofError) as refused:
        verify_ballot(ELECTION, BALLOT, {public_credential(UUID, OTHER).hex()})
    assert refused.value.where == "credential"
    assert "not in the published list" in refused.value.what


def test_a_ballot_for_another_election_is_refused() -> None:
    other = parse_election(election_json(uuid="another"))
    with pytest.raises(ProofError) as refused:
        verify_ballot(other, BALLOT, CREDENTIALS)
    assert refused.value.where == "election_hash"
    moved = {**BALLOT, "election_hash": other.election_hash}
    with pytest.raises(ProofError) as again:
        verify_ballot(other, moved, CREDENTIALS)
    assert again.value.where == "signature"


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        (lambda b: b.pop("signature"), "signature", "missing"),
        (lambda b: b.update(extra=1), "extra", "not a field"),
        (lambda b: b.update(credential="01" + "00" * 31), "credential", "small order"),
        (lambda b: b.update(credential=b["credential"].upper()), "credential", "lower-case"),
        (lambda b: b["answers"].pop(), "answers", "expected 3 items"),
        (lambda b: b["answers"][1]["choices"].pop(), "answers[1].choices", "expected 3 items"),
        (lambda b: b["answers"][2].update(proof=[]), "answers[2].proof", "expected an object"),
        (
            lambda b: b["signature"].update(response=(L + 1).to_bytes(32, "little").hex()),
            "signature.response",
            "not reduced",
        ),
        (
            lambda b: b["answers"][0]["overall_proof"].append(b["answers"][0]["overall_proof"][0]),
            "answers[0].overall_proof",
            "expected 1 items",
        ),
    ],
)
def test_malformed_ballots_name_the_field(
    change: Callable[[dict[str, Any]], object], where: str, what: str
) -> None:
    ballot = copy.deepcopy(BALLOT)
    change(ballot)
    with pytest.raises(ProofError) as refused:
        verify_ballot(ELECTION, ballot, CREDENTIALS)
    assert refused.value.where == where
    assert what in refused.value.what


def test_selections_the_booth_must_not_encrypt() -> None:
    for chosen, where in (
        ([[1, 1], [0, 0, 0], [1, 0, 0, 0, 0]], "selections[0]"),
        ([[1, 0], [1, 1, 1], [1, 0, 0, 0, 0]], "selections[1]"),
        ([[1, 0], [0, 0, 2], [1, 0, 0, 0, 0]], "selections[1][2]"),
        ([[1, 0], [0, 0, 0], [0, 0, 0, 0, 0]], "selections[2]"),
        ([[1, 0], [0, 0, 0]], "selections"),
    ):
        with pytest.raises(ProofError) as refused:
            encrypt_ballot(ELECTION, CRED, chosen)
        assert refused.value.where == where


# --- Benaloh audit --------------------------------------------------------------------------------
def test_an_audit_holds_no_signature_and_cannot_be_made_castable() -> None:
    unsigned, randomness = encrypt_unsigned(ELECTION, CRED, SELECTIONS)
    audit = audit_object(ELECTION, unsigned, randomness, SELECTIONS)
    assert "signature" not in audit["ballot"]
    with pytest.raises(ProofError) as refused:
        verify_ballot(ELECTION, audit["ballot"], CREDENTIALS)
    assert refused.value.where == "signature"
    assert refused.value.what == "missing"
    # Signing it needs the voting credential: any other is refused, and a signature made up
    # without it does not verify.
    with pytest.raises(ProofError, match="did not make this ballot"):
        sign_ballot(ELECTION, OTHER_CRED, audit["ballot"])
    forged = {
        **audit["ballot"],
        "signature": {"challenge": group.scalar_hex(1), "response": group.scalar_hex(2)},
    }
    with pytest.raises(ProofError) as unsigned_refusal:
        verify_ballot(ELECTION, forged, CREDENTIALS)
    assert unsigned_refusal.value.where == "signature"
    # Only the voter can: the signed ballot verifies and keeps the tracker the audit shows.
    cast = sign_ballot(ELECTION, CRED, audit["ballot"])
    assert (
        verify_ballot(ELECTION, cast, CREDENTIALS).tracker == check_audit(ELECTION, audit).tracker
    )


def test_an_audit_that_does_not_re_encrypt_is_refused() -> None:
    ballot, randomness = encrypt_ballot(ELECTION, CRED, SELECTIONS)
    audit = audit_object(ELECTION, ballot, randomness, SELECTIONS)
    audited = check_audit(ELECTION, audit)
    assert audited.plaintexts == [[1, 0], [1, 0, 1], pack_ranking(SELECTIONS[2], 5, 2)]
    assert audited.tracker == tracker(ballot)
    lied = copy.deepcopy(audit)
    lied["plaintexts"][0] = [0, 1]
    with pytest.raises(ProofError) as refused:
        check_audit(ELECTION, lied)
    assert refused.value.where == "ballot.answers[0].choices[0]"
    wrong_r = copy.deepcopy(audit)
    wrong_r["randomness"][2][1] = group.scalar_hex(randomness[2][1] + 1)
    with pytest.raises(ProofError) as again:
        check_audit(ELECTION, wrong_r)
    assert again.value.where == "ballot.answers[2].choices[1]"
    signed = copy.deepcopy(audit)
    signed["ballot"]["signature"] = ballot["signature"]
    with pytest.raises(ProofError) as castable:
        check_audit(ELECTION, signed)
    assert castable.value.where == "ballot.signature"
    assert "never signed" in castable.value.what
    proof = copy.deepcopy(audit)
    proof["ballot"]["answers"][0]["overall_proof"][0]["response"] = group.scalar_hex(5)
    with pytest.raises(ProofError) as unproved:
        check_audit(ELECTION, proof)
    assert unproved.value.where == "ballot.answers[0].overall_proof"
    short = copy.deepcopy(audit)
    short["randomness"][1].pop()
    with pytest.raises(ProofError) as shape:
        check_audit(ELECTION, short)
    assert shape.value.where == "randomness[1]"


def test_the_election_object_is_what_ballots_are_checked_against() -> None:
    assert isinstance(ELECTION, Election)
    assert ELECTION.public_key == B(A0)
    assert [t.verification_key for t in ELECTION.trustees] == [B(A0 + A1 * j) for j in (1, 2, 3)]


def test_the_specifications_credential_vector_holds() -> None:
    """docs/verifiable.md §4's test vector, recomputed with hashlib from the framing."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "verifiable.md").read_text()
    section = " ".join(doc.split("## §4 Credentials")[1].split("## §5")[0].split())
    bare = "222233334444555566667777"
    head = b"moot-verifiable/1/credential"
    framed = struct.pack(">I", len(head)) + head
    for text in (UUID, bare):
        framed += struct.pack(">I", 1 + len(text)) + b"S" + text.encode()
    z = int.from_bytes(hashlib.sha512(framed).digest(), "little") % L
    assert credential_secret(UUID, CRED) == z
    assert f"uuid `{UUID}`, credential `{CRED}`" in section
    assert f"`z` = `{z.to_bytes(32, 'little').hex()}`" in section
    assert f"`Z` = `{B(z).hex()}`" in section


# --- bad input of any shape: a ProofError, never another exception ------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=70),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def nodes(value: Any, path: str = "") -> Iterator[str]:
    """The path of every value inside ``value`` (objects and arrays included)."""
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else key
            yield inner
            yield from nodes(item, inner)
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield f"{path}[{k}]"
            yield from nodes(item, f"{path}[{k}]")


BALLOT_NODES = list(nodes(BALLOT))


@settings(max_examples=150, deadline=None)
@given(garbage=json_values)
def test_any_json_as_a_ballot_is_a_proof_error(garbage: object) -> None:
    with pytest.raises(ProofError):
        verify_ballot(ELECTION, garbage, CREDENTIALS)


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(BALLOT_NODES), garbage=json_values)
def test_any_node_of_a_ballot_replaced_is_a_proof_error(path: str, garbage: object) -> None:
    changed = put(BALLOT, path, garbage)
    if changed == BALLOT:
        return
    with pytest.raises(ProofError):
        verify_ballot(ELECTION, changed, CREDENTIALS)


ELECTION_JSON = election_json()
ELECTION_NODES = list(nodes(ELECTION_JSON))


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(ELECTION_NODES), garbage=json_values)
def test_any_node_of_an_election_replaced_is_refused_or_still_valid(
    path: str, garbage: object
) -> None:
    """A change is either refused with a ProofError or still a valid election (a new title,
    another candidate's name): never another exception."""
    with contextlib.suppress(ProofError):
        parse_election(put(ELECTION_JSON, path, garbage))


def test_a_lone_surrogate_is_a_proof_error() -> None:
    with pytest.raises(ProofError, match="lone surrogate"):
        parse_election(election_json(uuid="\ud800"))


AUDIT = audit_object(ELECTION, *encrypt_ballot(ELECTION, CRED, SELECTIONS), SELECTIONS)
AUDIT_NODES = list(nodes(AUDIT))


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(AUDIT_NODES), garbage=json_values)
def test_any_node_of_an_audit_replaced_is_a_proof_error(path: str, garbage: object) -> None:
    changed = put(AUDIT, path, garbage)
    if changed == AUDIT:
        return
    with pytest.raises(ProofError):
        check_audit(ELECTION, changed)
