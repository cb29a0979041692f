"""The election context of a verifiable ballot (docs/verifiable.md §4 and §12): ``election.json``
built from the frozen ballot and the trustees' public keys, the setup entry's payload (the
election, the count's rules, the trustees' key-generation transcript) and the credential
list's canonical form.

The questions come from the ballot: an election by a ranked method is one ``ranked`` question
(the candidates in ballot order, the seats, ``pack`` 4); an election by crosses (plurality,
block, approval) one ``homomorphic`` question over the candidates (at most ``seats`` crosses,
any number in approval); a question put to the members a ``homomorphic`` Yes/No (one answer).
"""

from __future__ import annotations

import hashlib
from typing import Any

from moot.ballots import content
from moot.ballots.models import Ballot, Candidate, Precedence
from moot.verifiable.models import Complaint, ComplaintVerdict, Election, Trustee
from moot.verify import group
from moot.verify.vcommon import canonical

__all__ = [
    "PACK",
    "candidates_in_order",
    "credentials_canonical",
    "election_document",
    "questions_of",
    "revote_of",
    "setup_payload",
    "sha256_hex",
]

PACK = 4  # ranks per ciphertext of a ranked question (design item 4)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def revote_of(ballot: Ballot) -> bool:
    """A later ballot of a credential replaces the earlier one where the ballot's declared
    precedence lets a later online vote replace an earlier one (``last_online``)."""
    return ballot.precedence == Precedence.LAST_ONLINE


def candidates_in_order(ballot: Ballot) -> list[Candidate]:
    """The candidates (or answers) on the ballot in ballot order, as frozen."""
    return list(Candidate.objects.filter(ballot=ballot, on_ballot=True).order_by("position", "id"))


def questions_of(ballot: Ballot) -> list[dict[str, Any]]:
    style = content.mark_style(ballot)
    if style == content.MarkStyle.ANSWER:
        return [
            {
                "type": "homomorphic",
                "text": ballot.question or ballot.title,
                "answers": ["Yes", "No"],
                "min": 1,
                "max": 1,
            }
        ]
    names = [c.name for c in candidates_in_order(ballot)]
    text = ballot.position or ballot.title
    if style == content.MarkStyle.RANK:
        return [
            {
                "type": "ranked",
                "text": text,
                "candidates": names,
                "seats": ballot.seats,
                "pack": PACK,
            }
        ]
    most = len(names) if ballot.method == "approval" else min(len(names), max(1, ballot.seats))
    return [{"type": "homomorphic", "text": text, "answers": names, "min": 0, "max": most}]


def counting_rules(ballot: Ballot, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """The count's rules for each ranked question (by its index as text)."""
    women = [c.name for c in candidates_in_order(ballot) if c.woman]
    return {
        str(q): {
            "method": ballot.method,
            "tie_break": ballot.tie_break,
            "seed": ballot.seed,
            "min_women": ballot.min_women,
            "women": women,
        }
        for q, question in enumerate(questions)
        if question["type"] == "ranked"
    }


def _trustees(election: Election) -> list[Trustee]:
    return list(Trustee.objects.filter(election=election).order_by("index"))


def election_document(election: Election, credentials_sha256: str) -> dict[str, Any]:
    """``election.json`` as it will be hashed (``ctx = SHA-256(canonical(...))``)."""
    ballot = election.ballot
    return {
        "version": group.VERSION,
        "group": group.GROUP_NAME,
        "uuid": str(election.uuid),
        "ballot": {"id": ballot.pk, "title": ballot.title},
        "questions": questions_of(ballot),
        "public_key": election.public_key,
        "threshold": election.threshold,
        "trustees": [
            {"index": t.index, "name": t.name, "verification_key": t.verification_key}
            for t in _trustees(election)
        ],
        "credentials_sha256": credentials_sha256,
        "revote": revote_of(ballot),
    }


def _split_coefficients(coefficients: Any) -> tuple[list[Any], list[Any]]:
    rows = coefficients or []
    return [row["point"] for row in rows], [row["proof"] for row in rows]


def setup_payload(election: Election, document: dict[str, Any]) -> dict[str, Any]:
    """The setup entry's payload: election.json, the count's rules, and the trustees' key
    generation transcript (commitments, coefficients with their proofs, share proofs, upheld
    complaints with the share revealed, the qualified dealers)."""
    trustees = _trustees(election)
    rows = []
    for t in trustees:
        points, proofs = _split_coefficients(t.coefficients)
        rows.append(
            {
                "index": t.index,
                "name": t.name,
                "sealing_key": t.seal_key,
                "commitment_hash": t.commitment_hash,
                "coefficients": points,
                "coefficient_proofs": proofs,
                "share_proof": t.share_proof,
            }
        )
    upheld = Complaint.objects.filter(election=election, verdict=ComplaintVerdict.UPHELD)
    complaints = [
        {"by": c.complainant, "against": c.dealer, "share": c.revealed_share}
        for c in upheld.order_by("filed_at", "id")
    ]
    # As the verifier derives it: every dealer but those an upheld complaint disqualified.
    disqualified = {c["against"] for c in complaints}
    qualified = [t.index for t in trustees if t.index not in disqualified]
    return {
        "election": document,
        "counting": counting_rules(election.ballot, document["questions"]),
        "dkg": {"trustees": rows, "complaints": complaints, "qualified": qualified},
    }


def credentials_canonical(credentials: list[str]) -> bytes:
    """The public credential list as hashed: the canonical JSON of the sorted list."""
    return canonical(sorted(credentials))
