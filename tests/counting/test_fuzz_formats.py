"""Fuzzing the readers with mutations of the real files (truncation, byte flips, dropped and
swapped lines, swapped fields, inserted bytes; for xlsx also changed cells): every outcome is
either an election that makes sense or a CountError naming the file, in one line. Nothing
else may escape (no traceback reaches ``moot count``)."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import shared_path

from moot.counting import CountError
from moot.counting.cli import main
from moot.counting.formats import read_election

pytestmark = pytest.mark.pure

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _sample(fmt: str) -> tuple[bytes, str]:
    """(bytes of a real file, file name) for each format; large files are cut to a prefix."""
    data = shared_path("elections-data")
    if fmt == "rctab-csv":
        path = data / "rctab" / "generic_csv_test" / "generic_csv_test_cvr.csv"
    elif fmt == "cdf":
        path = (
            data
            / "rctab"
            / "test_set_7_duplicate_skip_to_next"
            / "test_set_7_duplicate_skip_to_next_cvr.json"
        )
    elif fmt == "ranked-vote":
        path = data / "ranked-vote-burlington2009" / "us_vt_btv_2009_03_mayor.normalized.csv"
        lines = path.read_bytes().splitlines(keepends=True)[:400]
        return b"".join(lines), path.name
    elif fmt == "debian":
        path = data / "debian-condorcet" / "leader2007_tally.txt"
    elif fmt == "rctab-config":
        path = data / "rctab" / "generic_csv_test" / "generic_csv_test_config.json"
        config = json.loads(path.read_text(encoding="utf-8"))
        csv_path = path.parent / config["cvrFileSources"][0]["filePath"]
        config["cvrFileSources"][0]["filePath"] = str(csv_path)
        return json.dumps(config, indent=2).encode(), path.name
    else:  # blt
        path = data / "droop" / "blt" / "SC.blt"
    return path.read_bytes(), path.name


@st.composite
def mutated(draw: st.DrawFn, raw: bytes) -> bytes:
    out = raw
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "drop", "swap", "fields", "insert"]))
        if not out:
            break
        if kind == "truncate":
            out = out[: draw(st.integers(0, len(out) - 1))]
        elif kind == "flip":
            at = draw(st.integers(0, len(out) - 1))
            out = out[:at] + bytes([draw(st.integers(0, 255))]) + out[at + 1 :]
        elif kind == "insert":
            at = draw(st.integers(0, len(out)))
            junk = draw(
                st.sampled_from([b",", b"\n", b'"', b"0", b"-1", b"=", b"{", b"\xff", b"\t"])
            )
            out = out[:at] + junk + out[at:]
        else:
            lines = out.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if kind == "drop":
                del lines[i]
            elif kind == "swap":
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            else:  # swap two fields of one line
                fields = lines[i].split(b",") if b"," in lines[i] else lines[i].split(b" ")
                if len(fields) > 1:
                    a = draw(st.integers(0, len(fields) - 1))
                    b = draw(st.integers(0, len(fields) - 1))
                    fields[a], fields[b] = fields[b], fields[a]
                sep = b"," if b"," in lines[i] else b" "
                lines[i] = sep.join(fields)
            out = b"\n".join(lines)
    return out


def _check(content: bytes, name: str, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        for how in (fmt, "auto"):
            error: CountError | None = None
            try:
                election = read_election(path, how)
            except CountError as caught:
                error = caught
            if error is not None:
                assert error.message
                assert error.source is not None
                assert "\n" not in str(error)
                continue
            n = len(election.candidates)
            assert n >= 1
            assert election.seats >= 1
            assert election.ballots.total > 0
            for ranking in election.ballots.rankings:
                for level in ranking:
                    assert all(0 <= c < n for c in level)


@pytest.mark.parametrize("fmt", ["rctab-csv", "cdf", "ranked-vote", "debian", "rctab-config"])
@FUZZ
@given(data=st.data())
def test_text_readers_give_only_clean_errors(fmt: str, data: st.DataObject) -> None:
    raw, name = _sample(fmt)
    _check(data.draw(mutated(raw)), name, fmt)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_xlsx_bytes_mutated(data: st.DataObject) -> None:
    raw = shared_path("elections-data", "rctab", "_shared", "simple_ess_cvr.xlsx").read_bytes()
    _check(data.draw(mutated(raw)), "cvr.xlsx", "ess-xlsx")


_CELLS = st.one_of(
    st.none(),
    st.sampled_from(["overvote", "undervote", "UWI", "Mookie Blaylock", "", " ", "Count"]),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_xlsx_cells_mutated(data: st.DataObject) -> None:
    source = shared_path("elections-data", "rctab", "_shared", "simple_ess_cvr.xlsx")
    rows = [
        list(r) for r in openpyxl.load_workbook(source).worksheets[0].iter_rows(values_only=True)
    ]
    for _ in range(data.draw(st.integers(1, 4))):
        r = data.draw(st.integers(0, len(rows) - 1))
        c = data.draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = data.draw(_CELLS)
    if data.draw(st.booleans()):
        del rows[data.draw(st.integers(0, len(rows) - 1))]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(
            ["".join(ch for ch in v if ch.isprintable()) if isinstance(v, str) else v for v in row]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    _check(buffer.getvalue(), "cvr.xlsx", "ess-xlsx")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_command_line_exit_2_in_one_line(data: st.DataObject) -> None:
    raw, name = _sample("ranked-vote")
    content = data.draw(mutated(raw))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        err = io.StringIO()
        out = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main([str(path), "--output", "json"])
        assert code in (0, 2)
        if code == 2:
            lines = err.getvalue().strip().splitlines()
            assert len(lines) == 1
            assert lines[0].startswith("moot count: ")
        else:
            assert json.loads(out.getvalue())["elected"]
