"""Time one verifiable mix (docs/verifiable.md §11): encrypt ``--rows`` rows of ``--width``
ciphertexts under a fresh key, shuffle them with a proof, verify the proof, and print the
seconds of each step (one core unless ``--workers`` is given).

    .venv/bin/python bench/shuffle.py --rows 1000 --width 5 [--workers 2]

``measure(rows, width, workers)`` returns the figures for the bench helper.
"""

from __future__ import annotations

import argparse
import time

from moot.verify import group
from moot.verify.shuffle import ShuffleProof, shuffle, verify_shuffle


def measure(rows: int, width: int, workers: int = 1) -> dict[str, float]:
    """Seconds to prove and to verify one mix of ``rows`` × ``width`` ciphertexts (the
    encryption of the inputs is not counted), and the proof's JSON decoding: wall clock, and
    this process's CPU time (``*_cpu_s``; on a shared machine the better estimate of the cost
    on one free core — with workers, the verify CPU time counts the parent only)."""
    secret = group.random_scalar()
    public_key = group.Point.base_times(secret)
    ctx = bytes(range(32))
    # Inputs: cheap distinct ciphertexts (one random point times small factors) — their
    # encryption is not what is measured.
    base = group.encrypt(public_key, 1, group.random_scalar())
    step = group.encrypt(public_key, 0, group.random_scalar())
    inputs = []
    current = base
    for _ in range(rows):
        row = []
        for _ in range(width):
            current = current + step
            row.append(current)
        inputs.append(row)
    start, cpu = time.perf_counter(), time.process_time()
    outputs, proof = shuffle(public_key, inputs, ctx, 0)
    prove, prove_cpu = time.perf_counter() - start, time.process_time() - cpu
    wire = proof.to_json()
    start = time.perf_counter()
    decoded = ShuffleProof.from_json(wire)
    decode = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    verify_shuffle(public_key, inputs, outputs, decoded, ctx, 0, workers=workers)
    verify, verify_cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "prove_s": prove,
        "prove_cpu_s": prove_cpu,
        "decode_s": decode,
        "verify_s": verify,
        "verify_cpu_s": verify_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--width", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    figures = measure(args.rows, args.width, args.workers)
    print(
        f"rows={args.rows} width={args.width} workers={args.workers} "
        f"prove={figures['prove_s']:.2f}s (cpu {figures['prove_cpu_s']:.2f}s) "
        f"decode_proof={figures['decode_s']:.2f}s "
        f"verify={figures['verify_s']:.2f}s (cpu {figures['verify_cpu_s']:.2f}s)"
    )


if __name__ == "__main__":
    main()
