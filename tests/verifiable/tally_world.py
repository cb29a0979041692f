"""The trustees' mix and decryption of a closed verifiable ballot, done here in the test with the
shares the test's key generation kept (``world.VerifiableWorld.shares``): the board's tally,
one shuffle per mixer, the decryptions of ``decryptors`` and the result, with the pure functions
the server and ``moot verify`` share (``moot.verify.shuffle``, ``vproofs``, ``vtally``). The
election is then ``decrypted``, as after the trustees' own steps.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.verifiable import board
from moot.verifiable.models import BoardEntry, Election, ElectionState
from moot.verify import vballot, vboard
from moot.verify.group import Point
from moot.verify.shuffle import rows_digest, shuffle
from moot.verify.vproofs import make_decryption_share
from moot.verify.vrecord_checks import homomorphic_sums, sums_json
from moot.verify.vtally import decryption_payload, ranked_rows, result_payload


def mix_and_decrypt(
    election: Election,
    shares: dict[int, int],
    *,
    mixers: Sequence[int] = (1, 2),
    decryptors: Sequence[int] = (1, 3),
) -> dict[str, Any]:
    """Mix and decrypt the closed ``election``; returns the result entry's payload."""
    election.refresh_from_db()
    entries = [json.loads(e.body) for e in BoardEntry.objects.filter(election=election)]
    document = json.loads(election.election_json)
    parsed = vballot.parse_election(document)
    counting = entries[0]["payload"]["counting"]
    close = next(e["payload"] for e in entries if e["type"] == vboard.CLOSE)
    superseded = set(close["superseded"])
    counted = [
        e["payload"]
        for e in entries
        if e["type"] == vboard.BALLOT and vballot.tracker(e["payload"]) not in superseded
    ]
    joint = Point.decode(document["public_key"])
    sums = homomorphic_sums(document, counted)
    ranked = [q for q, x in enumerate(document["questions"]) if x["type"] == "ranked"]
    current = {q: ranked_rows(document, q, counted) for q in ranked}
    with transaction.atomic():
        held = board.lock_election(election.pk)
        board.append(held, vboard.TALLY, sums_json(sums), locked=True)
        for q in ranked:
            for mixer in mixers:
                outputs, proof = shuffle(joint, current[q], parsed.ctx, mixer)
                payload = {
                    "question": q,
                    "mixer": mixer,
                    "inputs_digest": rows_digest(current[q]).hex(),
                    "outputs": [[ct.to_json() for ct in row] for row in outputs],
                    "proof": proof.to_json(),
                }
                board.append(held, vboard.SHUFFLE, payload, locked=True)
                current[q] = outputs
        sum_factors: dict[int, Any] = {}
        ranked_factors: dict[int, Any] = {}
        for j in decryptors:
            share_sums = {
                q: [make_decryption_share(shares[j], j, ct, ctx=parsed.ctx) for ct in cts]
                for q, cts in sums.items()
            }
            share_ranked = {
                q: [
                    [make_decryption_share(shares[j], j, ct, ctx=parsed.ctx) for ct in row]
                    for row in rows
                ]
                for q, rows in current.items()
            }
            board.append(
                held,
                vboard.DECRYPTION,
                decryption_payload(j, share_sums, share_ranked),
                locked=True,
            )
            sum_factors[j] = {q: [s.factor for s in row] for q, row in share_sums.items()}
            ranked_factors[j] = {
                q: [[s.factor for s in row] for row in rows] for q, rows in share_ranked.items()
            }
        payload, _files = result_payload(
            document, counting, sums, dict(current), sum_factors, ranked_factors, len(counted)
        )
        board.append(held, vboard.RESULT, payload, locked=True)
        Election.objects.filter(pk=held.pk).update(
            state=ElectionState.DECRYPTED, decrypted_at=timezone.now()
        )
    election.refresh_from_db()
    return payload
