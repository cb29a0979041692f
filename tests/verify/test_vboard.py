"""The bulletin board's entries: chained by hash, typed in order, one canonical line each."""

from __future__ import annotations

import pytest

from moot.verify.vboard import (
    GENESIS,
    BoardError,
    append,
    board_jsonl,
    check_chain,
    entry_hash,
    head,
    read_board,
)

pytestmark = pytest.mark.pure


def _board() -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    append(entries, "setup", {"election": {"uuid": "u"}})
    append(entries, "credentials", {"credentials": []})
    append(entries, "ballot", {"n": 1})
    append(entries, "ballot", {"n": 2})
    append(entries, "close", {"ballots": 2})
    append(entries, "tally", {})
    append(entries, "decryption", {"trustee": 1})
    append(entries, "decryption", {"trustee": 2})
    append(entries, "result", {})
    return entries


def test_a_board_chains_and_reads_back() -> None:
    entries = _board()
    assert entries[0]["parent"] == GENESIS
    assert entries[3]["parent"] == entry_hash(entries[2])
    assert check_chain(entries, complete=True) == head(entries)
    assert read_board(board_jsonl(entries)) == entries
    assert head([]) == GENESIS


@pytest.mark.parametrize(
    ("prefix", "type_", "message"),
    [
        (0, "ballot", "opens with a setup"),
        (5, "ballot", "cannot follow a close"),
        (1, "ballot", "no credentials entry"),
        (9, "setup", "cannot follow a result"),
        (2, "vote", "is not one of"),
    ],
)
def test_append_refuses_an_entry_out_of_order(prefix: int, type_: str, message: str) -> None:
    entries = _board()[:prefix]
    with pytest.raises(BoardError, match=message):
        append(entries, type_, {})
    assert len(entries) == prefix


def test_check_chain_names_the_entry_and_field() -> None:
    entries = _board()
    entries[3]["payload"] = {"n": 3}
    with pytest.raises(BoardError, match="entry 4: parent"):
        check_chain(entries)
    swapped = _board()
    swapped[2], swapped[3] = swapped[3], swapped[2]
    with pytest.raises(BoardError, match="entry 2: height"):
        check_chain(swapped)
    with pytest.raises(BoardError, match="truncated"):
        check_chain(_board()[:-1], complete=True)
    assert check_chain(_board()[:-1]) == head(_board()[:-1])


def test_a_line_not_canonical_is_refused() -> None:
    data = board_jsonl(_board()).replace(b'{"height":0,', b'{"height": 0,', 1)
    with pytest.raises(BoardError, match=r"line 1.*canonical"):
        read_board(data)
    with pytest.raises(BoardError, match="newline"):
        read_board(board_jsonl(_board())[:-1])
