"""The board's entries checked in order (docs/verifiable.md §12): setup, credentials, every
ballot, the close, the homomorphic sums; then the mix, the decryptions and the result
(:mod:`moot.verify.vrecord_checks_tally`). Each check raises
:class:`~moot.verify.vrecord.RecordError` with the entry's height and the field.

Payloads written by the server (and the simulator):

* ``ballot``: the ballot itself (docs/verifiable.md §7);
* ``close``: ``{"ballots": <ballot entries>, "counted": <ballots that count>, "head": <the
  board's head before the close>, "superseded": [<trackers of re-cast ballots>, sorted]}``;
* ``tally``: ``{"sums": [{"question": q, "choices": [ct, ...]}, ...]}`` for each homomorphic
  question, the sums of the counted ballots' choices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from moot.verify.group import Ciphertext, Point
from moot.verify.vboard import BALLOT, BOARD_FILE, CLOSE, CREDENTIALS, SETUP, TALLY, entry_hash
from moot.verify.vcommon import (
    ProofError,
    at,
    read_ciphertext,
    read_int,
    read_list,
    read_object,
    read_str,
)

if TYPE_CHECKING:
    from moot.verify.vballot import Election
    from moot.verify.vrecord import Report


@dataclass
class Board:
    """What the checks learn as they go, for the next ones."""

    election: dict[str, Any]
    parsed: Election
    ctx: bytes
    public_key: Point
    counting: dict[str, Any] = field(default_factory=dict)
    qualified: list[int] = field(default_factory=list)
    credentials: set[str] = field(default_factory=set)
    # The counted ballots (the last per credential), in board order: (height, ballot).
    counted: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    sums: dict[int, list[Ciphertext]] = field(default_factory=dict)
    workers: int = 1


def _failure(height: int | None, exc: ProofError) -> Exception:
    from moot.verify.vrecord import RecordError

    return RecordError(BOARD_FILE, exc.what, height=height, where=exc.where)


def check_board(
    election: dict[str, Any],
    entries: Sequence[dict[str, Any]],
    files: Mapping[str, bytes],
    manifest: Mapping[str, Any],
    report: Report,
) -> None:
    import hashlib

    from moot.verify.vballot import parse_election
    from moot.verify.vrecord_checks_setup import check_credentials, check_setup
    from moot.verify.vrecord_checks_tally import check_tally_stages

    parsed = parse_election(election)
    ctx = hashlib.sha256(files["election.json"]).digest()
    board = Board(election, parsed, ctx, parsed.public_key, workers=report.workers)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_type.setdefault(entry["type"], []).append(entry)
    board.counting, board.qualified = check_setup(election, by_type[SETUP][0])
    dkg = by_type[SETUP][0]["payload"]["dkg"]
    complaints = len(dkg["complaints"])
    report.note(
        f"trustees: {len(election['trustees'])} commitments match the coefficients revealed, "
        f"{len(election['trustees']) * election['threshold']} coefficient proofs, "
        f"{complaints} complaint(s) judged, qualified {board.qualified}; the joint key and "
        f"{len(election['trustees'])} verification keys recomputed, share proofs hold"
    )
    board.credentials = check_credentials(election, by_type[CREDENTIALS][0])
    report.note(
        f"credentials: {len(board.credentials)} public credentials, sorted and distinct; their "
        "SHA-256 is the election's"
    )
    superseded = _check_ballots(board, by_type.get(BALLOT, []), report)
    _check_close(board, entries, by_type[CLOSE][0], len(by_type.get(BALLOT, [])), superseded)
    report.note(
        f"close: {len(by_type.get(BALLOT, []))} ballot entries, {len(board.counted)} counted, "
        f"{len(superseded)} superseded by a later ballot of the same credential; the head is "
        "the board's before the close"
    )
    _check_sums(board, by_type[TALLY][0])
    report.note(
        f"tally: the homomorphic sums of {len(board.sums)} question(s) recomputed from the "
        f"{len(board.counted)} counted ballots"
    )
    check_tally_stages(board, by_type, files, manifest, report)


def _check_ballots(board: Board, ballots: Sequence[dict[str, Any]], report: Report) -> list[str]:
    """Every ballot: its proofs and signature (H1's ``verify_ballot``), its credential on the
    list; one per credential unless the election allows re-voting (then the last counts).
    Returns the trackers of the superseded ballots."""
    from moot.verify.vballot import tracker
    from moot.verify.vparallel import check_ballots, init_ballots, pool_map, split

    items = [(entry["height"], entry["payload"]) for entry in ballots]
    found = pool_map(
        check_ballots,
        split(items, board.workers),
        board.workers,
        init_ballots,
        (board.election, frozenset(board.credentials)),
    )
    failures = [failure for failure in found if failure is not None]
    first = min(failures) if failures else None
    last: dict[str, tuple[int, dict[str, Any]]] = {}
    superseded: list[str] = []
    seen_trackers: dict[str, int] = {}
    for height, ballot in items:
        if first is not None and height >= first[0]:
            break
        mark = tracker(ballot)
        if mark in seen_trackers:
            raise _failure(
                height,
                ProofError("payload", f"the same ballot as entry {seen_trackers[mark]} (a replay)"),
            )
        seen_trackers[mark] = height
        credential = ballot["credential"]
        if credential in last:
            if not board.election["revote"]:
                raise _failure(
                    height,
                    ProofError(
                        "payload.credential",
                        f"already cast a ballot (entry {last[credential][0]}); this election "
                        "does not allow re-voting",
                    ),
                )
            superseded.append(tracker(last[credential][1]))
        last[credential] = (height, ballot)
    if first is not None:
        raise _failure(first[0], ProofError(first[1], first[2]))
    board.counted = sorted(last.values(), key=lambda pair: pair[0])
    report.note(
        f"ballots: {len(ballots)} ballots, every proof and signature holds, every credential "
        f"is on the list; {len(board.counted)} credentials voted"
        + (", the last ballot of each counts" if board.election["revote"] else ", once each")
    )
    return sorted(superseded)


def _check_close(
    board: Board,
    entries: Sequence[dict[str, Any]],
    entry: dict[str, Any],
    ballot_entries: int,
    superseded: list[str],
) -> None:
    height = entry["height"]
    try:
        data = read_object(
            entry["payload"], "payload", ("ballots", "counted", "head", "superseded")
        )
        read_int(data["ballots"], "payload.ballots", ballot_entries, ballot_entries)
        read_int(data["counted"], "payload.counted", len(board.counted), len(board.counted))
        before = entry_hash(entries[height - 1])
        if read_str(data["head"], "payload.head") != before:
            raise ProofError("payload.head", f"is not the board's head before the close ({before})")
        listed = read_list(data["superseded"], "payload.superseded")
        if listed != superseded:
            missing = sorted(set(superseded) - set(listed))
            extra = sorted(set(listed) - set(superseded))
            raise ProofError(
                "payload.superseded",
                f"lists {len(listed)} tracker(s); the board's re-cast ballots supersede "
                f"{len(superseded)} (missing {missing[:3]}, not superseded {extra[:3]})",
            )
    except ProofError as exc:
        raise _failure(height, exc) from None


def homomorphic_sums(
    election: Mapping[str, Any], ballots: Sequence[Mapping[str, Any]]
) -> dict[int, list[Ciphertext]]:
    """The sum of each homomorphic question's choices over ``ballots`` (already verified: their
    points are not checked again)."""
    from moot.verify.vparallel import trusted_ciphertext

    sums: dict[int, list[Ciphertext]] = {}
    for q, question in enumerate(election["questions"]):
        if question["type"] != "homomorphic":
            continue
        totals: list[Ciphertext] | None = None
        for ballot in ballots:
            row = [trusted_ciphertext(ct) for ct in ballot["answers"][q]["choices"]]
            totals = row if totals is None else [a + b for a, b in zip(totals, row, strict=True)]
        if totals is None:  # no ballot: the sums are encryptions of 0 with randomness 0
            from moot.verify.group import IDENTITY

            totals = [Ciphertext(IDENTITY, IDENTITY) for _ in question["answers"]]
        sums[q] = totals
    return sums


def sums_json(sums: Mapping[int, Sequence[Ciphertext]]) -> dict[str, Any]:
    """The tally entry's payload."""
    return {
        "sums": [
            {"question": q, "choices": [ct.to_json() for ct in cts]}
            for q, cts in sorted(sums.items())
        ]
    }


def _check_sums(board: Board, entry: dict[str, Any]) -> None:
    height = entry["height"]
    expected = homomorphic_sums(board.election, [ballot for _, ballot in board.counted])
    try:
        data = read_object(entry["payload"], "payload", ("sums",))
        rows = read_list(data["sums"], "payload.sums", len(expected))
        for n, (q, sums) in enumerate(sorted(expected.items())):
            where = at("payload.sums", n)
            row = read_object(rows[n], where, ("question", "choices"))
            read_int(row["question"], at(where, "question"), q, q)
            choices = read_list(row["choices"], at(where, "choices"), len(sums))
            for k, (value, ct) in enumerate(zip(choices, sums, strict=True)):
                if value != ct.to_json():
                    read_ciphertext(value, at(at(where, "choices"), k))
                    raise ProofError(
                        at(at(where, "choices"), k),
                        "is not the sum of the counted ballots' ciphertexts for this choice",
                    )
    except ProofError as exc:
        raise _failure(height, exc) from None
    board.sums = expected


__all__ = ["Board", "check_board", "homomorphic_sums", "sums_json"]
