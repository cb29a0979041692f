"""A ranked question without a single valid ranking (nobody voted, or every ranking invalid)
still gives a record (docs/verifiable.md §12.1, "result"): there is no count, the question's
files say so, nobody is elected, and ``moot verify`` re-derives every byte of it."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from moot.verify.vrecord import Report, verify_files
from moot.verify.vresult import NO_VALID_RANKING
from moot.verify.vsim import Simulation, Vote, simulate

pytestmark = pytest.mark.pure

QUESTIONS = [
    {
        "type": "ranked",
        "text": "The chair",
        "candidates": ["Ann", "Bob", "Cy"],
        "seats": 1,
        "pack": 4,
    },
    {"type": "homomorphic", "text": "Adopt?", "answers": ["Yes", "No"], "min": 1, "max": 1},
]
KEY = Ed25519PrivateKey.generate()
RAW = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _simulate(votes: list[Vote]) -> Simulation:
    return simulate(
        title="Empty count",
        questions=QUESTIONS,
        counting={"0": {"method": "meek"}},
        votes=votes,
        voters=4,
        signing_key=KEY,
    )


def _holds(sim: Simulation) -> Report:
    report = verify_files(sim.files, Report("record.zip", trusted_key=RAW))
    assert report.ok, report.lines()
    return report


@pytest.mark.parametrize(
    "votes",
    [
        [],
        # Every ranking invalid: rank 1 twice (1 + 1·4), and a chunk past (n+1)^pack.
        [
            Vote(0, [[1, 0, 0], [1, 0]], {0: [1 + 1 * 4]}),
            Vote(1, [[1, 0, 0], [0, 1]], {0: [4**4 + 2]}),
        ],
    ],
    ids=["nobody voted", "every ranking invalid"],
)
def test_a_ranked_question_without_a_valid_ranking_has_a_record(votes: list[Vote]) -> None:
    sim = _simulate(votes)
    _holds(sim)
    result = json.loads(sim.files["board.jsonl"].splitlines()[-1])["payload"]
    ranked = result["questions"][0]
    assert ranked["valid"] == 0
    assert ranked["elected"] == []
    assert len(ranked["invalid"]) == len(votes)
    assert json.loads(sim.files["manifest.json"])["elected"] == {"0": []}
    assert NO_VALID_RANKING in sim.files["q0-count.txt"].decode().lower()
    count = json.loads(sim.files["q0-count.json"])
    assert (count["valid"], count["elected"], count["note"]) == (0, [], NO_VALID_RANKING)
    assert json.loads(sim.files["q0-rctab-summary.json"])["results"] == []
    assert b"\n0\n" in sim.files["q0-ballots.blt"]  # the ballot section is empty
    assert result["questions"][1]["totals"] == [
        sum(v.selections[1][0] for v in votes),
        sum(v.selections[1][1] for v in votes),
    ]


def test_a_changed_empty_count_file_is_caught() -> None:
    sim = _simulate([])
    files = dict(sim.files)
    files["q0-count.txt"] = files["q0-count.txt"].replace(b"nobody is elected", b"Ann is elected")
    report = verify_files(files, Report("record.zip", trusted_key=RAW))
    assert not report.ok
    assert "q0-count.txt" in "\n".join(report.lines())


def test_an_identity_factor_is_read_but_binds_only_a_sum_of_no_ballot() -> None:
    from moot.verify import group
    from moot.verify.group import IDENTITY, Ciphertext, Point
    from moot.verify.vproofs import (
        DecryptionShare,
        make_decryption_share,
        verify_decryption_share,
    )

    secret = group.random_scalar()
    key = Point.base_times(secret)
    ctx = bytes(32)
    empty = Ciphertext(IDENTITY, IDENTITY)
    share = DecryptionShare.from_json(
        make_decryption_share(secret, 1, empty, ctx=ctx).to_json(), "share"
    )
    assert share.factor == IDENTITY
    assert verify_decryption_share(share, 1, key, empty, ctx=ctx)
    # The same identity factor for a real ciphertext fails its proof, whatever the proof.
    real = Ciphertext(Point.base_times(group.random_scalar()), IDENTITY)
    forged = DecryptionShare(IDENTITY, share.proof)
    assert not verify_decryption_share(forged, 1, key, real, ctx=ctx)
