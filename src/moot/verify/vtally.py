"""From the closed board to the result (docs/verifiable.md §12): the ranked questions' rows that
the first mixer takes, the decryption entries' payloads, the combination of the trustees'
factors, and the result entry with its files. The server, the simulator and the verifier call
these very functions, so the verifier re-derives the result entry and the files byte for byte.

Decryption entry payload (one per trustee who decrypts):
``{"trustee": j, "sums": [{"question": q, "shares": [share, ...]}],
"ranked": [{"question": q, "shares": [[share per chunk] per row]}]}``; a share is
``{"factor": D, "proof": {"challenge", "response"}}``
(:class:`~moot.verify.vproofs.DecryptionShare`).

Result entry payload: ``{"decrypted_by": [j, ...], "questions": [...]}`` in question order; a
homomorphic question ``{"question": q, "type": "homomorphic", "totals": [n, ...]}``; a ranked
one ``{"question": q, "type": "ranked", "plaintexts": [[chunk or null, ...] per row],
"invalid": [{"position": p, "reason": "..."}], "valid": k, "elected": [...],
"events": [...], "files": {name: sha256}}`` (``position`` 0-based in the last mixer's output order).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from moot.verify.group import Ciphertext, Point
from moot.verify.vballot import InvalidRanking, unpack
from moot.verify.vproofs import DecryptionShare, DlogTable, combine_shares
from moot.verify.vresult import count_files, ranking_of

Rows = list[list[Ciphertext]]


def ranked_rows(election: Mapping[str, Any], q: int, ballots: Sequence[Mapping[str, Any]]) -> Rows:
    """The first mixer's inputs for ranked question ``q``: each counted ballot's chunks, in
    board order (the ballots already verified: their points are not checked again)."""
    from moot.verify.vparallel import trusted_ciphertext

    return [
        [trusted_ciphertext(ct) for ct in ballot["answers"][q]["choices"]] for ballot in ballots
    ]


def decryption_payload(
    trustee: int,
    sums: Mapping[int, Sequence[DecryptionShare]],
    ranked: Mapping[int, Sequence[Sequence[DecryptionShare]]],
) -> dict[str, Any]:
    return {
        "trustee": trustee,
        "sums": [
            {"question": q, "shares": [share.to_json() for share in shares]}
            for q, shares in sorted(sums.items())
        ],
        "ranked": [
            {"question": q, "shares": [[share.to_json() for share in row] for row in rows]}
            for q, rows in sorted(ranked.items())
        ],
    }


def combine(ct: Ciphertext, factors: Mapping[int, Point]) -> Point:
    return combine_shares(ct, dict(factors))


def result_payload(  # noqa: PLR0917 - the record's parts, as the verifier holds them
    election: Mapping[str, Any],
    counting: Mapping[str, Any],
    sums: Mapping[int, Sequence[Ciphertext]],
    finals: Mapping[int, Sequence[Sequence[Ciphertext]]],
    sum_factors: Mapping[int, Mapping[int, Sequence[Point]]],
    ranked_factors: Mapping[int, Mapping[int, Sequence[Sequence[Point]]]],
    counted: int,
    events: Mapping[int, Sequence[Mapping[str, Any]]] | None = None,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The result entry's payload and the ranked questions' files. ``sums``: the homomorphic
    sums by question; ``finals``: the last mixer's output rows by ranked question;
    ``sum_factors[j][q]`` and ``ranked_factors[j][q]``: trustee j's factors (already
    verified) of those ciphertexts; ``counted``: the ballots counted (bounds the totals);
    ``events[q]``: ranked question q's post-issue events (withdrawals: see
    :func:`moot.verify.vresult.count_files`), recorded in the payload."""
    trustees = sorted(set(sum_factors) | set(ranked_factors))
    title = str((election.get("ballot") or {}).get("title") or "")
    questions: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    # Totals reach ``counted``: baby steps up to its square root, giant steps beyond.
    totals_table = DlogTable(math.isqrt(counted) + 1)
    tables: dict[int, DlogTable] = {}
    for q, question in enumerate(election["questions"]):
        if question["type"] == "homomorphic":
            totals = []
            for k, ct in enumerate(sums[q]):
                point = combine(ct, {j: sum_factors[j][q][k] for j in trustees})
                value = totals_table.log(point, counted)
                if value is None:
                    raise ValueError(
                        f"question {q} choice {k}: the combined decryption is not a total "
                        f"between 0 and {counted} (the shares do not decrypt the sum)"
                    )
                totals.append(value)
            questions.append({"question": q, "type": "homomorphic", "totals": totals})
            continue
        n = len(question["candidates"])
        pack = int(question["pack"])
        size = (n + 1) ** pack
        table = tables.get(size) or tables.setdefault(size, DlogTable(size))
        plaintexts: list[list[int | None]] = []
        invalid: list[dict[str, Any]] = []
        rankings = []
        for p, row in enumerate(finals[q]):
            chunks: list[int | None] = []
            for c, ct in enumerate(row):
                point = combine(ct, {j: ranked_factors[j][q][p][c] for j in trustees})
                chunks.append(table.log(point))
            plaintexts.append(chunks)
            ranks = unpack(chunks, n, pack)
            if isinstance(ranks, InvalidRanking):
                invalid.append({"position": p, "reason": ranks.reason})
            else:
                rankings.append(ranking_of(ranks))
        happened = [dict(event) for event in (events or {}).get(q, [])]
        made, elected = count_files(q, question, counting[str(q)], title, rankings, events=happened)
        files.update(made)
        questions.append(
            {
                "question": q,
                "type": "ranked",
                "plaintexts": plaintexts,
                "invalid": invalid,
                "valid": len(rankings),
                "elected": elected,
                "events": happened,
                "files": {name: hashlib.sha256(data).hexdigest() for name, data in made.items()},
            }
        )
    return {"decrypted_by": trustees, "questions": questions}, files


__all__ = ["combine", "decryption_payload", "ranked_rows", "result_payload"]
