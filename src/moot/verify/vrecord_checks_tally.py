"""The record after the close (docs/verifiable.md §12): every shuffle (its inputs are the
previous stage's outputs), every decryption share, the combination and decoding of the
plaintexts, the result entry and the count's files re-derived byte for byte. Each check
raises :class:`~moot.verify.vrecord.RecordError` with the entry's height and the field.

Shuffle entry payload: ``{"question": q, "mixer": i, "inputs_digest": <rows_digest of the
inputs, 128 hex>, "outputs": [[ct per chunk] per row], "proof": <shuffle proof>}``; at least
``threshold`` distinct trustees mix each ranked question (so a coalition below the threshold
never knows the whole permutation).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from moot.verify.shuffle import ShuffleProof, rows_digest, verify_shuffle
from moot.verify.vboard import BOARD_FILE
from moot.verify.vcommon import (
    ProofError,
    at,
    read_ciphertext,
    read_int,
    read_list,
    read_object,
    read_str,
)
from moot.verify.vtally import result_payload

if TYPE_CHECKING:
    from moot.verify.vrecord_checks import Board


def _failure(height: int | None, exc: ProofError, file: str = BOARD_FILE) -> Exception:
    from moot.verify.vrecord import RecordError

    return RecordError(file, exc.what, height=height, where=exc.where)


def _ranked(board: Board) -> list[int]:
    return [q for q, x in enumerate(board.election["questions"]) if x["type"] == "ranked"]


def on_result(
    board: Board, entry: dict[str, Any], files: Mapping[str, Any], manifest: Mapping[str, Any]
) -> None:
    """The result entry re-derived from the factors; the count's files byte for byte; the
    manifest's elected."""
    _after_decryptions(board)
    height = entry["height"]
    finals = dict(board.current)
    try:
        payload, made = result_payload(
            board.election,
            board.counting,
            board.sums,
            finals,
            board.sum_factors,
            board.ranked_factors,
            len(board.counted),
            _declared_events(entry["payload"]),
        )
    except ValueError as exc:
        raise _failure(height, ProofError("payload", str(exc))) from None
    _compare(payload, entry["payload"], "payload", height)
    invalid = sum(len(row.get("invalid", [])) for row in payload["questions"])
    board.report.note(
        f"result: the trustees' factors combine to the plaintexts of the result entry; "
        f"{invalid} invalid ranking(s) listed with their reason; the totals are the sums' — "
        + "; ".join(
            _summary(board.election["questions"][row["question"]], row)
            for row in payload["questions"]
        )
    )
    for name, data in made.items():
        if files[name] != data:
            raise _failure(
                None,
                ProofError(
                    "",
                    "differs from the count re-derived from the decrypted rankings: "
                    + _first_difference(data, files[name]),
                ),
                name,
            )
    elected = {
        str(row["question"]): list(row["elected"])
        for row in payload["questions"]
        if row["type"] == "ranked"
    }
    if manifest.get("elected") != elected:
        raise _failure(
            None,
            ProofError("elected", f"is {manifest.get('elected')!r}; the count elects {elected!r}"),
            "manifest.json",
        )
    board.report.elected = elected
    if made:
        board.report.note(
            f"count: {', '.join(sorted(made))} re-derived with moot.counting byte for byte; "
            "the manifest's elected are the count's"
        )


def _declared_events(payload: Any) -> dict[int, list[dict[str, Any]]]:
    """The post-issue events each ranked question's count took, as the result entry declares
    them (the count is re-run with them; a malformed one fails the count)."""
    out: dict[int, list[dict[str, Any]]] = {}
    rows = payload.get("questions") if isinstance(payload, dict) else None
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and isinstance(row.get("question"), int):
            events = row.get("events")
            if isinstance(events, list):
                out[row["question"]] = [e for e in events if isinstance(e, dict)]
    return out


def _summary(question: Mapping[str, Any], row: Mapping[str, Any]) -> str:
    """One question's result in words: each answer's total, or the rankings counted."""
    text = str(question.get("text") or f"question {row['question']}")
    if row["type"] == "homomorphic":
        totals = ", ".join(
            f"{answer} {total}"
            for answer, total in zip(question["answers"], row["totals"], strict=True)
        )
        return f"{text}: {totals}"
    return f"{text}: {row['valid']} valid ranking(s), {len(row['invalid'])} invalid"


def _first_difference(expected: bytes, found: bytes) -> str:
    ours = expected.decode("utf-8").splitlines()
    theirs = found.decode("utf-8", errors="replace").splitlines()
    for n, (a, b) in enumerate(zip(ours, theirs, strict=False), start=1):
        if a != b:
            return f"line {n} is {b!r:.80}, the recount gives {a!r:.80}"
    return f"{len(theirs)} lines, the recount gives {len(ours)}"


def _compare(expected: Any, found: Any, where: str, height: int) -> None:
    """The first field where ``found`` differs from what the verifier derived."""
    if expected == found:
        return
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in sorted(set(expected) | set(found)):
            if key not in found:
                raise _failure(height, ProofError(at(where, key), "missing"))
            if key not in expected:
                raise _failure(height, ProofError(at(where, key), "not a field of the result"))
            _compare(expected[key], found[key], at(where, key), height)
    if isinstance(expected, list) and isinstance(found, list):
        for n, (a, b) in enumerate(zip(expected, found, strict=False)):
            _compare(a, b, at(where, n), height)
        raise _failure(
            height,
            ProofError(
                where, f"holds {len(found)} items; the decryption and count give {len(expected)}"
            ),
        )
    raise _failure(
        height,
        ProofError(where, f"is {found!r:.80}; the decryption and count give {expected!r:.80}"),
    )


def on_shuffle(board: Board, entry: dict[str, Any]) -> None:
    """One shuffle: on a ranked question, by a trustee who has not mixed it, on the previous
    stage's outputs; its proof. The outputs become the next stage's inputs."""
    height = entry["height"]
    n_trustees = len(board.election["trustees"])
    try:
        data = read_object(
            entry["payload"], "payload", ("question", "mixer", "inputs_digest", "outputs", "proof")
        )
        q = read_int(data["question"], "payload.question", 0)
        if q not in board.current:
            raise ProofError("payload.question", f"question {q} is not a ranked question")
        mixer = read_int(data["mixer"], "payload.mixer", 1, n_trustees)
        if mixer in board.mixers[q]:
            raise ProofError("payload.mixer", f"trustee {mixer} already mixed question {q}")
        inputs = board.current[q]
        if read_str(data["inputs_digest"], "payload.inputs_digest") != rows_digest(inputs).hex():
            raise ProofError(
                "payload.inputs_digest",
                "is not the digest of the previous stage's outputs (the counted ballots for "
                "the first mixer)",
            )
        raw = read_list(data["outputs"], "payload.outputs", len(inputs))
        outputs = [
            [
                read_ciphertext(ct, at(at("payload.outputs", i), k))
                for k, ct in enumerate(read_list(row, at("payload.outputs", i)))
            ]
            for i, row in enumerate(raw)
        ]
        proof = ShuffleProof.from_json(data["proof"], "payload.proof")
        try:
            verify_shuffle(
                board.public_key, inputs, outputs, proof, board.ctx, mixer, workers=board.workers
            )
        except ProofError as exc:
            raise exc.within("payload") from None
    except ProofError as exc:
        raise _failure(height, exc) from None
    board.mixers[q].append(mixer)
    board.current[q] = outputs


def _after_shuffles(board: Board) -> None:
    """Once the mix is over: at least the threshold of mixers for each ranked question."""
    if board.shuffles_noted:
        return
    board.shuffles_noted = True
    threshold = board.election["threshold"]
    for q, mixers in board.mixers.items():
        if len(mixers) < threshold:
            raise _failure(
                None,
                ProofError(
                    f"question {q}",
                    f"mixed by {len(mixers)} trustee(s) {mixers}; at least the threshold, "
                    f"{threshold}, must mix (a coalition below it would know the permutation)",
                ),
            )
    if board.mixers:
        board.report.note(
            "shuffles: "
            + "; ".join(
                f"question {q}: {len(mixers)} shuffle(s) of {len(board.current[q])} rows by "
                f"trustees {mixers}, each proof holds, each taking the previous outputs"
                for q, mixers in board.mixers.items()
            )
        )


def on_decryption(board: Board, entry: dict[str, Any]) -> None:
    """One trustee's decryption: its shape here, every share's proof in the workers, then its
    factors (their points checked by the workers) for the combination."""
    from moot.verify.vparallel import check_shares, split, trusted_point

    _after_shuffles(board)
    assert board.pool is not None  # made at the credentials entry
    trustees = board.election["trustees"]
    height = entry["height"]
    shares: list[tuple[str, Any, str]] = []
    try:
        data = read_object(entry["payload"], "payload", ("trustee", "sums", "ranked"))
        j = read_int(data["trustee"], "payload.trustee", 1, len(trustees))
        if j in board.sum_factors:
            raise ProofError("payload.trustee", f"trustee {j} already decrypted")
        rows = read_list(data["sums"], "payload.sums", len(board.sums))
        for n, (q, sums) in enumerate(sorted(board.sums.items())):
            where = at("payload.sums", n)
            row = read_object(rows[n], where, ("question", "shares"))
            read_int(row["question"], at(where, "question"), q, q)
            given = read_list(row["shares"], at(where, "shares"), len(sums))
            for k, (value, ct) in enumerate(zip(given, sums, strict=True)):
                shares.append((at(at(where, "shares"), k), value, ct.alpha.hex()))
        rows = read_list(data["ranked"], "payload.ranked", len(board.current))
        for n, (q, final) in enumerate(sorted(board.current.items())):
            where = at("payload.ranked", n)
            row = read_object(rows[n], where, ("question", "shares"))
            read_int(row["question"], at(where, "question"), q, q)
            given = read_list(row["shares"], at(where, "shares"), len(final))
            for p, (values, cts) in enumerate(zip(given, final, strict=True)):
                here = at(at(where, "shares"), p)
                for c, (value, ct) in enumerate(
                    zip(read_list(values, here, len(cts)), cts, strict=True)
                ):
                    shares.append((at(here, c), value, ct.alpha.hex()))
    except ProofError as exc:
        raise _failure(height, exc) from None
    key = trustees[j - 1]["verification_key"]
    tasks = [(height, j, key, part) for part in split(shares, board.workers)]
    for failure in board.pool.map(check_shares, tasks):
        if failure is not None:
            raise _failure(failure[0], ProofError(failure[1], failure[2]))
    board.sum_factors[j] = {
        row["question"]: [trusted_point(v["factor"]) for v in row["shares"]] for row in data["sums"]
    }
    board.ranked_factors[j] = {
        row["question"]: [[trusted_point(v["factor"]) for v in values] for values in row["shares"]]
        for row in data["ranked"]
    }
    board.shares_checked += len(shares)


def _after_decryptions(board: Board) -> None:
    _after_shuffles(board)
    threshold = board.election["threshold"]
    if len(board.sum_factors) < threshold:
        raise _failure(
            None,
            ProofError(
                "decryption",
                f"{len(board.sum_factors)} trustee(s) decrypted; the threshold is {threshold}",
            ),
        )
    board.report.note(
        f"decryptions: trustees {sorted(board.sum_factors)} (threshold {threshold}), "
        f"{board.shares_checked} decryption shares, every proof holds"
    )


__all__ = ["on_decryption", "on_result", "on_shuffle"]
