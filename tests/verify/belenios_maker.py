"""A small synthetic Belenios 2.0 archive, made here for the verifier's tests, for what the two
archives of ../shared do not have: blank votes, weighted credentials, a re-vote, and a Pedersen
threshold trustee group with one trustee not decrypting. Homomorphic questions only (group
BELENIOS-2048), no shuffle. Written from the specification's prover descriptions; a test helper,
not part of moot.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.verify.belenios_tamper import tar_bytes

from moot.verify.belenios.groups import GROUPS

G = GROUPS["BELENIOS-2048"]
P, Q, GEN = G.p, G.q, G.g


def compact(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def b64(raw: bytes) -> str:
    return base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def proof(c: int, s: int) -> dict[str, str]:
    return {"challenge": str(c), "response": str(s)}


@dataclass
class Maker:
    rng: random.Random = field(default_factory=lambda: random.Random(2026))

    def scalar(self) -> int:
        return self.rng.randrange(Q)

    def schnorr(self, x: int, prefix: str) -> dict[str, str]:
        w = self.scalar()
        c = G.hash(prefix, [pow(GEN, w, P)])
        return proof(c, (w - x * c) % Q)

    def or_proof(
        self, y: int, branches: list[tuple[int, int]], real: int, r: int, prefix: str
    ) -> list[dict[str, str]]:
        """Knowledge of r with (a_j, b_j) = (g^r, y^r) for the branch ``real``; the others are
        simulated. The challenges sum to the hash of ``prefix`` and every commitment."""
        sims: dict[int, tuple[int, int]] = {}
        commitments: list[int] = []
        w = self.scalar()
        for j, (a, b) in enumerate(branches):
            if j == real:
                commitments += [pow(GEN, w, P), pow(y, w, P)]
            else:
                c, s = self.scalar(), self.scalar()
                sims[j] = (c, s)
                commitments += [
                    pow(GEN, s, P) * pow(a, c, P) % P,
                    pow(y, s, P) * pow(b, c, P) % P,
                ]
        c_real = (G.hash(prefix, commitments) - sum(c for c, _ in sims.values())) % Q
        out = []
        for j in range(len(branches)):
            c, s = sims[j] if j != real else (c_real, (w - r * c_real) % Q)
            out.append(proof(c, s))
        return out


def shift(beta: int, m: int) -> int:
    return beta * pow(GEN, -m % Q, P) % P


@dataclass
class Voter:
    secret: int
    weight: int

    @property
    def public(self) -> int:
        return pow(GEN, self.secret, P)


QUESTIONS = [
    {"answers": ["Ann", "Ben", "Cat"], "blank": True, "min": 1, "max": 2, "question": "Two?"},
    {"answers": ["Yes", "No"], "min": 0, "max": 1, "question": "Motion?"},
]


def make_archive(
    path: Path,
    *,
    decrypting: tuple[int, ...] = (1, 2, 4),
    count_first_of_revote: bool = False,
) -> list[list[int]]:
    """Writes the archive; returns the result it publishes. Owner 1 is a Single trustee, owners
    2-4 a 2-of-3 Pedersen group; ``decrypting`` names who publishes a partial decryption."""
    mk = Maker()
    uuid = "SynthUuid12345ab"
    # Trustees: one Single, then a Pedersen 2-of-3 group.
    single = mk.scalar()
    single_pk = pow(GEN, single, P)
    single_item = {
        "pok": mk.schnorr(single, f"pok|{G.name}|{single_pk}|"),
        "public_key": str(single_pk),
    }
    certs, coefexps, polys = [], [], []
    for _ in range(3):
        sk, dk = mk.scalar(), mk.scalar()
        vk = pow(GEN, sk, P)
        message = compact({"verification": str(vk), "encryption": str(pow(GEN, dk, P))}).decode()
        certs.append({"message": message, "signature": mk.schnorr(sk, f"sigmsg|{message}|")})
        poly = [mk.scalar(), mk.scalar()]
        polys.append(poly)
        message = compact({"coefexps": [str(pow(GEN, a, P)) for a in poly]}).decode()
        coefexps.append({"message": message, "signature": mk.schnorr(sk, f"sigmsg|{message}|")})
    shares = [sum(a0 + a1 * j for a0, a1 in polys) % Q for j in (1, 2, 3)]
    vkeys = []
    for s in shares:
        pk = pow(GEN, s, P)
        vkeys.append({"pok": mk.schnorr(s, f"pok|{G.name}|{pk}|"), "public_key": str(pk)})
    pedersen = {"threshold": 2, "certs": certs, "coefexps": coefexps, "verification_keys": vkeys}
    trustees = [["Single", single_item], ["Pedersen", pedersen]]
    y = single_pk * G.mul(*(pow(GEN, poly[0], P) for poly in polys)) % P
    secrets = {1: single, 2: shares[0], 3: shares[1], 4: shares[2]}

    election = {
        "version": 1,
        "description": "Synthetic election for the verifier's tests.",
        "name": "Synthetic",
        "group": G.name,
        "public_key": str(y),
        "questions": QUESTIONS,
        "uuid": uuid,
    }
    election_raw = compact(election)
    fingerprint = b64(election_raw)
    voters = [Voter(mk.scalar(), w) for w in (1, 2, 1, 3)]
    credentials = [str(v.public) + (f",{v.weight}" if v.weight != 1 else "") for v in voters]
    # (voter, plaintexts per question incl. the blank flag for question 0)
    votes = [
        (0, [[0, 1, 1, 0], [1, 0]]),
        (1, [[0, 0, 1, 0], [0, 1]]),
        (2, [[1, 0, 0, 0], [0, 0]]),  # blank on question 0, no choice on question 1
        (3, [[0, 1, 0, 0], [1, 0]]),
        (1, [[0, 1, 0, 1], [1, 0]]),  # voter 1 votes again: this one counts
    ]
    ballots = [make_ballot(mk, uuid, fingerprint, y, voter=voters[v], plain=m) for v, m in votes]

    counted: dict[int, int] = {}
    for k, (v, _) in enumerate(votes):
        if count_first_of_revote and v in counted:
            continue
        counted.pop(v, None)
        counted[v] = k
    tally = []
    for qi, q in enumerate(QUESTIONS):
        width = len(q["answers"]) + (1 if q.get("blank") else 0)
        column = []
        for j in range(width):
            alpha = beta = 1
            for v, k in counted.items():
                ct = ballots[k]["answers"][qi]["choices"][j]
                alpha = alpha * pow(int(ct["alpha"]), voters[v].weight, P) % P
                beta = beta * pow(int(ct["beta"]), voters[v].weight, P) % P
            column.append((alpha, beta))
        tally.append(column)
    result = [
        [
            sum(votes[k][1][qi][j] * voters[v].weight for v, k in counted.items())
            for j in range(len(col))
        ]
        for qi, col in enumerate(tally)
    ]
    decryptions = {}
    for owner in decrypting:
        x = secrets[owner]
        xk = pow(GEN, x, P)
        factors, proofs = [], []
        for column in tally:
            factors.append([str(pow(a, x, P)) for a, _ in column])
            row = []
            for a, _ in column:
                w = mk.scalar()
                c = G.hash(f"decrypt|{fingerprint}|{xk}|", [pow(GEN, w, P), pow(a, w, P)])
                row.append(proof(c, (w - x * c) % Q))
            proofs.append(row)
        decryptions[owner] = {"decryption_factors": factors, "decryption_proofs": proofs}

    files: list[tuple[str, bytes]] = [("BELENIOS", b'{"version":1,"timestamp":"1795401181"}')]
    chain: list[str] = []

    def data(raw: bytes) -> str:
        digest = hashlib.sha256(raw).hexdigest()
        files.append((f"{digest}.data.json", raw))
        return digest

    def event(kind: str, payload: str | None = None) -> None:
        obj: dict[str, Any] = {} if not chain else {"parent": chain[-1]}
        obj.update({"height": len(chain), "type": kind})
        if payload is not None:
            obj["payload"] = payload
        raw = compact(obj)
        digest = hashlib.sha256(raw).hexdigest()
        files.append((f"{digest}.event.json", raw))
        chain.append(digest)

    setup = {
        "election": data(election_raw),
        "trustees": data(compact(trustees)),
        "credentials": data(compact(credentials)),
    }
    event("Setup", data(compact(setup)))
    for ballot in ballots:
        event("Ballot", data(compact(ballot)))
    event("EndBallots")
    tally_json = [[{"alpha": str(a), "beta": str(b)} for a, b in col] for col in tally]
    sized = {
        "num_tallied": len(counted),
        "total_weight": sum(voters[v].weight for v in counted),
        "encrypted_tally": data(compact(tally_json)),
    }
    event("EncryptedTally", data(compact(sized)))
    for owner, pd in decryptions.items():
        event("PartialDecryption", data(compact({"owner": owner, "payload": data(compact(pd))})))
    event("Result", data(compact({"result": result})))
    path.write_bytes(tar_bytes(files))
    return result


def make_ballot(
    mk: Maker, uuid: str, fingerprint: str, y: int, *, voter: Voter, plain: list[list[int]]
) -> dict[str, Any]:
    zkp = f"{fingerprint}|{voter.public}"
    answers = []
    for q, m in zip(QUESTIONS, plain, strict=True):
        rs = [mk.scalar() for _ in m]
        cts = [
            (pow(GEN, r, P), pow(y, r, P) * pow(GEN, v, P) % P) for r, v in zip(rs, m, strict=True)
        ]
        individual = [
            mk.or_proof(y, [(a, shift(b, 0)), (a, shift(b, 1))], v, r, f"prove|{zkp}|{a},{b}|")
            for (a, b), r, v in zip(cts, rs, m, strict=True)
        ]
        statement = zkp + "|" + ",".join(f"{a},{b}" for a, b in cts)
        answer: dict[str, Any] = {
            "choices": [{"alpha": str(a), "beta": str(b)} for a, b in cts],
            "individual_proofs": individual,
        }
        if q.get("blank"):
            (a0, b0), rest = cts[0], cts[1:]
            a_s, b_s = G.mul(*(a for a, _ in rest)), G.mul(*(b for _, b in rest))
            r0, r_s, m_s = rs[0], sum(rs[1:]) % Q, sum(m[1:])
            bounds = range(q["min"], q["max"] + 1)
            branches = [(a0, b0 * pow(GEN, -1 % Q, P) % P)] + [(a_s, shift(b_s, v)) for v in bounds]
            if m[0] == 0:
                blank = mk.or_proof(y, [(a0, b0), (a_s, b_s)], 0, r0, f"bproof0|{statement}|")
                real = m_s - q["min"] + 1
                overall = mk.or_proof(y, branches, real, r_s, f"bproof1|{statement}|")
            else:
                blank = mk.or_proof(y, [(a0, b0), (a_s, b_s)], 1, r_s, f"bproof0|{statement}|")
                overall = mk.or_proof(y, branches, 0, r0, f"bproof1|{statement}|")
            answer["overall_proof"] = overall
            answer["blank_proof"] = blank
        else:
            a_s, b_s = G.mul(*(a for a, _ in cts)), G.mul(*(b for _, b in cts))
            bounds = range(q["min"], q["max"] + 1)
            answer["overall_proof"] = mk.or_proof(
                y,
                [(a_s, shift(b_s, v)) for v in bounds],
                sum(m) - q["min"],
                sum(rs) % Q,
                f"prove|{statement}|{a_s},{b_s}|",
            )
        answers.append(answer)
    ballot: dict[str, Any] = {
        "election_uuid": uuid,
        "election_hash": fingerprint,
        "credential": str(voter.public),
        "answers": answers,
    }
    signed = b64(compact(ballot))
    ballot["signature"] = {"hash": signed, "proof": mk.schnorr(voter.secret, f"sig|{signed}|")}
    return ballot
