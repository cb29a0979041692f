"""What someone holding a copy of moot's SQLite file can read without SQLite's help: the b-tree
pages of a table (each cell's position, its content offset, the free blocks and unallocated
space) and the frames of the write-ahead log, commit by commit.

Used by tests/security/test_ballot_secrecy.py to play the attack of issue 8, finding 2: SQLite
writes a page's cells from its end backwards, so a cell's content offset gives the order in
which rows were inserted; and each commit appends the pages it changed to the WAL, so the
participation and the ballot written by one cast appear together in one commit's frames.

File format: https://www.sqlite.org/fileformat2.html (sections 1.6 "B-tree Pages", 2.1
"Record Format", 4 "The Write-Ahead Log")."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEAF_TABLE = 0x0D
INTERIOR_TABLE = 0x05
WAL_HEADER = 32
FRAME_HEADER = 24


def varint(data: bytes, at: int) -> tuple[int, int]:
    """A SQLite varint at ``at``: (value, offset after it)."""
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def record(payload: bytes) -> list[Any]:
    """The column values of a record (integers, floats, text, blobs, None)."""
    header_size, at = varint(payload, 0)
    types = []
    while at < header_size:
        serial, at = varint(payload, at)
        types.append(serial)
    values: list[Any] = []
    body = header_size
    sizes = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}
    for serial in types:
        if serial == 0:
            values.append(None)
        elif serial in sizes:
            n = sizes[serial]
            values.append(int.from_bytes(payload[body : body + n], "big", signed=True))
            body += n
        elif serial == 7:
            values.append(struct.unpack(">d", payload[body : body + 8])[0])
            body += 8
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            n = (serial - 12) // 2
            chunk = payload[body : body + n]
            values.append(chunk.decode(errors="replace") if serial % 2 else chunk)
            body += n
        else:
            raise ValueError(f"reserved serial type {serial}")
    return values


@dataclass(frozen=True)
class Cell:
    page: int
    offset: int  # where the cell's content starts in its page: later inserts sit lower
    rowid: int
    values: list[Any]


@dataclass(frozen=True)
class Leaf:
    number: int
    cells: list[Cell]  # in cell-pointer order (= rowid order)
    freeblocks: list[tuple[int, int]]  # (offset, size)
    unallocated: bytes  # between the cell pointer array and the cell content area
    raw: bytes


def _header_at(number: int) -> int:
    return 100 if number == 1 else 0


def parse_leaf(number: int, page: bytes) -> Leaf:
    h = _header_at(number)
    assert page[h] == LEAF_TABLE, f"page {number} is not a table leaf"
    first_free, count, content_start = struct.unpack(">HHH", page[h + 1 : h + 7])
    content_start = content_start or 65536
    pointers = struct.unpack(f">{count}H", page[h + 8 : h + 8 + 2 * count])
    cells = []
    for offset in pointers:
        size, at = varint(page, offset)
        rowid, at = varint(page, at)
        cells.append(Cell(number, offset, rowid, record(page[at : at + size])))
    freeblocks = []
    free = first_free
    while free:
        following, size = struct.unpack(">HH", page[free : free + 4])
        freeblocks.append((free, size))
        free = following
    unallocated = page[h + 8 + 2 * count : content_start]
    return Leaf(number, cells, freeblocks, unallocated, page)


def leaves(pages: dict[int, bytes] | Any, root: int) -> Iterator[Leaf]:
    """The leaf pages of the table b-tree rooted at ``root``, left to right. ``pages`` maps a
    page number to its bytes."""
    page = pages[root]
    h = _header_at(root)
    if page[h] == LEAF_TABLE:
        yield parse_leaf(root, page)
        return
    assert page[h] == INTERIOR_TABLE, f"page {root} is not a table b-tree page"
    count = struct.unpack(">H", page[h + 3 : h + 5])[0]
    right = struct.unpack(">I", page[h + 8 : h + 12])[0]
    pointers = struct.unpack(f">{count}H", page[h + 12 : h + 12 + 2 * count])
    for offset in pointers:
        child = struct.unpack(">I", page[offset : offset + 4])[0]
        yield from leaves(pages, child)
    yield from leaves(pages, right)


class MainFile:
    """The pages of a database file, read directly."""

    def __init__(self, path: Path) -> None:
        self.data = path.read_bytes()
        self.page_size = struct.unpack(">H", self.data[16:18])[0] or 65536

    def __getitem__(self, number: int) -> bytes:
        start = (number - 1) * self.page_size
        return self.data[start : start + self.page_size]

    def pages(self) -> dict[int, bytes]:
        return {n: self[n] for n in range(1, len(self.data) // self.page_size + 1)}


def root_pages(path: Path, *tables: str) -> dict[str, int]:
    """The root page of each table, from the copy's schema (read-only: the copy is not
    touched, and its WAL is not applied)."""
    uri = f"file:{path}?immutable=1"
    with sqlite3.connect(uri, uri=True) as db:
        found = dict(
            db.execute(
                "SELECT name, rootpage FROM sqlite_schema WHERE type = 'table' AND name IN "
                f"({', '.join('?' * len(tables))})",
                tables,
            ).fetchall()
        )
    db.close()
    return found


def column_index(path: Path, table: str, column: str) -> int:
    """Where ``column`` sits in ``table``'s records (the copy's own schema says)."""
    uri = f"file:{path}?immutable=1"
    db = sqlite3.connect(uri, uri=True)
    try:
        names = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    finally:
        db.close()
    return names.index(column)


def insertion_order(pages: Any, root: int) -> list[Cell]:
    """The table's rows in the order they were written, as the cell content offsets tell it:
    within a page SQLite allocates each new cell below the previous one (highest offset
    first)."""
    cells: list[Cell] = []
    for leaf in leaves(pages, root):
        cells.extend(sorted(leaf.cells, key=lambda c: -c.offset))
    return cells


def wal_commits(main: MainFile, wal_path: Path) -> Iterator[dict[int, bytes]]:
    """The WAL's transactions, oldest first: for each, every page as it stood after that
    commit (the main file's pages overlaid with the frames so far). Frames after the last
    commit, or of an older generation (salts differ from the header's), are ignored."""
    wal = wal_path.read_bytes()
    if len(wal) < WAL_HEADER:
        return
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    state = main.pages()
    pending: dict[int, bytes] = {}
    at = WAL_HEADER
    while at + FRAME_HEADER + page_size <= len(wal):
        number, commit_size = struct.unpack(">II", wal[at : at + 8])
        if wal[at + 8 : at + 16] != salts:
            break
        pending[number] = wal[at + FRAME_HEADER : at + FRAME_HEADER + page_size]
        at += FRAME_HEADER + page_size
        if commit_size:
            state = {**state, **pending}
            pending = {}
            yield state


def pair_by_commit(
    main: MainFile,
    wal_path: Path,
    participation_root: int,
    ballot_root: int,
    columns: tuple[int, int],
) -> list[tuple[int, str]]:
    """(member id, ballot content) for every commit that added exactly one participation and
    one ballot: the cast that wrote both. ``columns``: where the member id and the content
    sit in their records."""
    member_at, content_at = columns
    pairs = []
    before_p = {c.rowid for leaf in leaves(main.pages(), participation_root) for c in leaf.cells}
    before_b = {c.rowid for leaf in leaves(main.pages(), ballot_root) for c in leaf.cells}
    for state in wal_commits(main, wal_path):
        now_p = {c.rowid: c for leaf in leaves(state, participation_root) for c in leaf.cells}
        now_b = {c.rowid: c for leaf in leaves(state, ballot_root) for c in leaf.cells}
        new_p = [now_p[r] for r in set(now_p) - before_p]
        new_b = [now_b[r] for r in set(now_b) - before_b]
        if len(new_p) == 1 and len(new_b) == 1:
            pairs.append((new_p[0].values[member_at], new_b[0].values[content_at]))
        before_p, before_b = set(now_p), set(now_b)
    return pairs


def pair_by_position(
    path: Path, participation_root: int, ballot_root: int, columns: tuple[int, int]
) -> list[Any]:
    """(member id, ballot content) pairing the n-th participation written with the n-th ballot
    written, by cell content offsets."""
    member_at, content_at = columns
    pages = MainFile(path).pages()
    voters = [c.values[member_at] for c in insertion_order(pages, participation_root)]
    ballots = [c.values[content_at] for c in insertion_order(pages, ballot_root)]
    return list(zip(voters, ballots, strict=True))
