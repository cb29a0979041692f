"""The board's entries checked in order as they are read (docs/verifiable.md §12): setup,
credentials, every ballot, the close, the homomorphic sums; then the mix, the decryptions and
the result (:mod:`moot.verify.vrecord_checks_tally`). The board is read a line at a time and
each entry is reduced to what the next checks need (a verified ballot to its ciphertexts, a
shuffle to its outputs), so a board of some hundreds of megabytes is never held whole. Each
check raises :class:`~moot.verify.vrecord.RecordError` with the entry's height and the field.

Payloads written by the server (and the simulator):

* ``ballot``: the ballot itself (docs/verifiable.md §7);
* ``close``: ``{"ballots": <ballot entries>, "counted": <ballots that count>, "head": <the
  board's head before the close>, "superseded": [<trackers of re-cast ballots>, sorted]}``;
* ``tally``: ``{"sums": [{"question": q, "choices": [ct, ...]}, ...]}`` for each homomorphic
  question, the sums of the counted ballots' choices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from moot.verify.group import IDENTITY, Ciphertext, Point
from moot.verify.vboard import (
    BALLOT,
    BOARD_FILE,
    CLOSE,
    CREDENTIALS,
    DECRYPTION,
    RESULT,
    SETUP,
    SHUFFLE,
    TALLY,
    BoardError,
    ChainChecker,
)
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
    from moot.verify.vparallel import Compact, Workers
    from moot.verify.vrecord import Report

# Ballots verified together (in the workers) before the next batch is read.
BATCH = 4096


@dataclass
class Counted:
    """A ballot that counts, verified: its height, tracker and each question's ciphertexts."""

    height: int
    tracker: str
    rows: list[list[Ciphertext]]


@dataclass
class Board:
    """What the checks learn as they go, for the next ones."""

    election: dict[str, Any]
    parsed: Election
    ctx: bytes
    public_key: Point
    report: Report
    workers: int = 1
    pool: Workers | None = None
    counting: dict[str, Any] = field(default_factory=dict)
    qualified: list[int] = field(default_factory=list)
    credentials: set[str] = field(default_factory=set)
    # Ballots read, not yet verified; then the last verified ballot per credential.
    pending: list[tuple[int, Any]] = field(default_factory=list)
    ballot_entries: int = 0
    last: dict[str, Counted] = field(default_factory=dict)
    trackers: dict[str, int] = field(default_factory=dict)
    superseded: list[str] = field(default_factory=list)
    # The counted ballots in board order (at the close), the sums, the mix's current rows.
    counted: list[Counted] = field(default_factory=list)
    sums: dict[int, list[Ciphertext]] = field(default_factory=dict)
    current: dict[int, list[list[Ciphertext]]] = field(default_factory=dict)
    mixers: dict[int, list[int]] = field(default_factory=dict)
    shuffles_noted: bool = False
    sum_factors: dict[int, dict[int, list[Point]]] = field(default_factory=dict)
    ranked_factors: dict[int, dict[int, list[list[Point]]]] = field(default_factory=dict)
    shares_checked: int = 0
    head_before: str = ""


def _failure(height: int | None, exc: ProofError) -> Exception:
    from moot.verify.vrecord import RecordError

    return RecordError(BOARD_FILE, exc.what, height=height, where=exc.where)


def check_board(
    election: dict[str, Any],
    *,
    ctx: bytes,
    entries: Iterable[tuple[dict[str, Any], bytes | None]],
    files: Mapping[str, Any],
    manifest: Mapping[str, Any],
    report: Report,
    live: bool = False,
    earlier_head: str | None = None,
) -> tuple[str, int]:
    """Every entry of the board in order (each with its canonical bytes when at hand), then
    the chain's end: its head and size the manifest's. With ``live`` (a board being written,
    no record around it): the board may end anywhere, there is no manifest, a result entry's
    count files are not at hand (the record's zip checks them); with ``earlier_head``, that
    hash must be one of the chain's entries (the board extends the head seen before). Returns
    the head and the number of entries."""
    from moot.verify.vballot import parse_election
    from moot.verify.vrecord_checks_tally import on_decryption, on_result, on_shuffle

    parsed = parse_election(election)
    board = Board(election, parsed, ctx, parsed.public_key, report, workers=report.workers)
    chain = ChainChecker()
    earlier_at: int | None = None
    result_seen = False
    try:
        for entry, raw in _read_ahead(entries, board):
            board.head_before = chain.parent
            try:
                chain.feed(entry, raw)
            except BoardError as exc:
                if board.pending:  # a ballot before this entry may fail first
                    _flush_ballots(board)
                raise _chain_failure(exc) from None
            if earlier_head is not None and chain.parent == earlier_head:
                earlier_at = chain.count - 1
            kind = entry["type"]
            if kind != BALLOT and board.pending:
                _flush_ballots(board)
            if kind == SETUP:
                _on_setup(board, entry)
            elif kind == CREDENTIALS:
                _on_credentials(board, entry)
            elif kind == BALLOT:
                board.ballot_entries += 1
                board.pending.append((entry["height"], entry["payload"]))
                if len(board.pending) >= BATCH:
                    _flush_ballots(board)
            elif kind == CLOSE:
                _on_close(board, entry)
            elif kind == TALLY:
                _on_tally(board, entry)
            elif kind == SHUFFLE:
                on_shuffle(board, entry)
            elif kind == DECRYPTION:
                on_decryption(board, entry)
            elif kind == RESULT and live:
                result_seen = True
            elif kind == RESULT:
                on_result(board, entry, files, manifest)
        if board.pending:
            _flush_ballots(board)
        try:
            head = chain.finish(complete=not live)
        except BoardError as exc:
            raise _chain_failure(exc) from None
    finally:
        if board.pool is not None:
            board.pool.close()
    if live:
        return _live_end(
            board,
            head,
            count=chain.count,
            earlier_head=earlier_head,
            earlier_at=earlier_at,
            result_seen=result_seen,
        )
    if manifest.get("board_head") != head or manifest.get("board_entries") != chain.count:
        from moot.verify.vrecord import RecordError

        raise RecordError(
            "manifest.json",
            f"names board head {manifest.get('board_head')!r} after "
            f"{manifest.get('board_entries')!r} entries; the board's is {head} after "
            f"{chain.count}",
            where="board_head",
        )
    report.note(
        f"{BOARD_FILE}: {chain.count} entries chained, in order, ending with the result; head "
        f"{head} as the manifest says"
    )
    return head, chain.count


def _live_end(
    board: Board,
    head: str,
    *,
    count: int,
    earlier_head: str | None,
    earlier_at: int | None,
    result_seen: bool,
) -> tuple[str, int]:
    from moot.verify.vrecord import RecordError

    if board.ballot_entries:
        board.report.note(
            f"{BOARD_FILE}: {board.ballot_entries} ballot(s) so far, each on the list, signed "
            "and proved, none twice"
        )
    if earlier_head is not None:
        if earlier_at is None:
            raise RecordError(
                BOARD_FILE,
                f"does not extend the earlier head {earlier_head}: no entry of this board has "
                "that hash — an entry seen before was dropped, changed or re-chained",
                where="--head",
            )
        board.report.note(
            f"{BOARD_FILE}: extends the earlier head {earlier_head} (entry {earlier_at}): "
            f"{count - 1 - earlier_at} entr{'y' if count - 1 - earlier_at == 1 else 'ies'} since"
        )
    if result_seen:
        board.report.note(
            f"{BOARD_FILE}: the result entry is chained; its count is checked with the record's "
            "zip (moot verify RECORD.zip)"
        )
    board.report.note(f"{BOARD_FILE}: {count} entries chained, in order; head {head}")
    return head, count


def _read_ahead(
    entries: Iterable[tuple[dict[str, Any], bytes | None]], board: Board
) -> Iterable[tuple[dict[str, Any], bytes | None]]:
    """The entries; a line that cannot be read fails only after the ballots before it are
    checked (one of them may fail first)."""
    from moot.verify.vrecord import RecordError

    try:
        yield from entries
    except RecordError:
        if board.pending:
            _flush_ballots(board)
        raise


def _chain_failure(exc: BoardError) -> Exception:
    from moot.verify.vrecord import RecordError

    return RecordError(BOARD_FILE, exc.message, height=exc.height, where=exc.field)


def _on_setup(board: Board, entry: dict[str, Any]) -> None:
    from moot.verify.vrecord_checks_setup import check_setup

    board.counting, board.qualified = check_setup(board.election, entry)
    n = len(board.election["trustees"])
    complaints = len(entry["payload"]["dkg"]["complaints"])
    board.report.note(
        f"trustees: {n} commitments match the coefficients revealed, "
        f"{n * board.election['threshold']} coefficient proofs, {complaints} complaint(s) "
        f"judged, qualified {board.qualified}; the joint key and {n} verification keys "
        "recomputed, share proofs hold"
    )


def _on_credentials(board: Board, entry: dict[str, Any]) -> None:
    from moot.verify.vparallel import Workers, init
    from moot.verify.vrecord_checks_setup import check_credentials

    board.credentials = check_credentials(board.election, entry)
    board.report.note(
        f"credentials: {len(board.credentials)} public credentials, sorted and distinct; their "
        "SHA-256 is the election's"
    )
    board.pool = Workers(
        board.workers, init, (board.election, frozenset(board.credentials), board.ctx)
    )


def _flush_ballots(board: Board) -> None:
    """The pending ballots verified in the workers (the first failure in board order), then
    one by one: no replay, one per credential (or the last with re-voting)."""
    from moot.verify.vparallel import check_ballots, split

    assert board.pool is not None  # the credentials entry precedes every ballot
    items, board.pending = board.pending, []
    results: list[tuple[Any, list[Compact]]] = board.pool.map(
        check_ballots, split(items, board.workers)
    )
    revote = board.election["revote"]
    for failure, compact in results:
        for height, mark, credential, pairs in compact:
            if mark in board.trackers:
                raise _failure(
                    height,
                    ProofError(
                        "payload", f"the same ballot as entry {board.trackers[mark]} (a replay)"
                    ),
                )
            board.trackers[mark] = height
            earlier = board.last.get(credential)
            if earlier is not None:
                if not revote:
                    raise _failure(
                        height,
                        ProofError(
                            "payload.credential",
                            f"already cast a ballot (entry {earlier.height}); this election "
                            "does not allow re-voting",
                        ),
                    )
                board.superseded.append(earlier.tracker)
            rows = [[Ciphertext(Point(alpha), Point(beta)) for alpha, beta in row] for row in pairs]
            board.last[credential] = Counted(height, mark, rows)
        if failure is not None:
            raise _failure(failure[0], ProofError(failure[1], failure[2]))


def _on_close(board: Board, entry: dict[str, Any]) -> None:
    height = entry["height"]
    board.counted = sorted(board.last.values(), key=lambda ballot: ballot.height)
    board.last = {}
    superseded = sorted(board.superseded)
    board.report.note(
        f"ballots: {board.ballot_entries} ballots, every proof and signature holds, every "
        f"credential is on the list; {len(board.counted)} credentials voted"
        + (", the last ballot of each counts" if board.election["revote"] else ", once each")
    )
    try:
        data = read_object(
            entry["payload"],
            "payload",
            ("ballots", "counted", "head", "superseded", "voters_online"),
        )
        read_int(data["ballots"], "payload.ballots", board.ballot_entries, board.ballot_entries)
        read_int(data["counted"], "payload.counted", len(board.counted), len(board.counted))
        if read_str(data["head"], "payload.head") != board.head_before:
            raise ProofError(
                "payload.head", f"is not the board's head before the close ({board.head_before})"
            )
        online = read_int(data["voters_online"], "payload.voters_online", 0, 2**53 - 1)
        if online != len(board.counted):
            raise ProofError(
                "payload.voters_online",
                f"says {online} voter(s) voted online (the returns the close counted); the "
                f"board counts {len(board.counted)} ballot(s), one per credential: a ballot "
                "is missing from the board or one is on it that no voter cast",
            )
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
    board.report.note(
        f"close: {board.ballot_entries} ballot entries, {len(board.counted)} counted, "
        f"{len(superseded)} superseded by a later ballot of the same credential; as many "
        "counted as voters who voted online; the head is the board's before the close"
    )
    for q, question in enumerate(board.election["questions"]):
        if question["type"] == "ranked":
            board.current[q] = [ballot.rows[q] for ballot in board.counted]
            board.mixers[q] = []


def _sum_rows(
    election: Mapping[str, Any], rows: Sequence[Sequence[Sequence[Ciphertext]]]
) -> dict[int, list[Ciphertext]]:
    sums: dict[int, list[Ciphertext]] = {}
    for q, question in enumerate(election["questions"]):
        if question["type"] != "homomorphic":
            continue
        totals = [Ciphertext(IDENTITY, IDENTITY) for _ in question["answers"]]
        for ballot in rows:
            totals = [a + b for a, b in zip(totals, ballot[q], strict=True)]
        sums[q] = totals
    return sums


def homomorphic_sums(
    election: Mapping[str, Any], ballots: Sequence[Mapping[str, Any]]
) -> dict[int, list[Ciphertext]]:
    """The sum of each homomorphic question's choices over ``ballots`` (already verified: their
    points are not checked again); with no ballot, each sum is (0, 0)."""
    from moot.verify.vparallel import trusted_ciphertext

    return _sum_rows(
        election,
        [
            [[trusted_ciphertext(ct) for ct in answer["choices"]] for answer in ballot["answers"]]
            for ballot in ballots
        ],
    )


def sums_json(sums: Mapping[int, Sequence[Ciphertext]]) -> dict[str, Any]:
    """The tally entry's payload."""
    return {
        "sums": [
            {"question": q, "choices": [ct.to_json() for ct in cts]}
            for q, cts in sorted(sums.items())
        ]
    }


def _on_tally(board: Board, entry: dict[str, Any]) -> None:
    height = entry["height"]
    expected = _sum_rows(board.election, [ballot.rows for ballot in board.counted])
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
    board.report.note(
        f"tally: the homomorphic sums of {len(expected)} question(s) recomputed from the "
        f"{len(board.counted)} counted ballots"
    )


__all__ = ["BATCH", "Board", "Counted", "check_board", "homomorphic_sums", "sums_json"]
