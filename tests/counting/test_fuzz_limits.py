"""Fuzzing the limits (issue 8, finding 12): random truncation, garbage, repeated slices and
random limits, on every kind of file ``moot count`` reads (gzip and xlsx included). The
outcome is always a count (exit 0) or one line naming the file (exit 2); never a traceback."""

from __future__ import annotations

import contextlib
import gzip
import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moot.counting.cli import main

pytestmark = pytest.mark.pure

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BLT = (
    b'3 2\n[tie 3 2 1]\n4 1 2 0\n3 2=3 0\n2 3 1 0\n(7) 2 0\n0\n"Ann" "Labour"\n'
    b'"Bob ""B"""\n"Cy"\n"Ward 1"\n"source"\n'
)


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cast Vote Record", "Choice 1", "Choice 2", "Count"])
    for i, (a, b) in enumerate([("Ann", "Bob"), ("Bob", "Ann"), ("Cy", "overvote")] * 4):
        sheet.append([str(i), a, b, 2])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SAMPLES: dict[str, bytes] = {
    "votes.blt": BLT,
    "votes.blt.gz": gzip.compress(BLT),
    "votes_cvr.xlsx": _xlsx(),
    "votes.csv": b"ballot_id,rank,choice\n1,1,Ann\n1,2,Bob\n2,1,Bob\n3,1,Cy\n3,2,Ann\n",
    "cvr.json": (
        b'{"CVR": [{"CVRSnapshot": [{"@id": "s", "CVRContest": [{"ContestId": "c", '
        b'"CVRContestSelection": [{"ContestSelectionId": "a", "SelectionPosition": '
        b'[{"Rank": 1, "HasIndication": "yes"}]}]}]}], "CurrentSnapshotId": "s"}], '
        b'"Election": [{"Candidate": [{"@id": "A", "Name": "Ann"}], "Contest": [{"@id": "c", '
        b'"Name": "Mayor", "ContestSelection": [{"@id": "a", "CandidateIds": ["A"]}]}]}]}'
    ),
}

LIMITS = st.fixed_dictionaries(
    {},
    optional={
        "file_bytes": st.integers(1, 20_000),
        "decompressed_bytes": st.integers(1, 20_000),
        "line_chars": st.integers(1, 300),
        "lines": st.integers(1, 60),
        "rows": st.integers(1, 30),
        "candidates": st.integers(1, 6),
        "digits": st.integers(1, 40),
        "method_candidates": st.integers(1, 6),
    },
)


@st.composite
def hostile(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SAMPLES)))
    out = SAMPLES[name]
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["truncate", "garbage", "repeat", "digits"]))
        at = draw(st.integers(0, len(out)))
        if kind == "truncate":
            out = out[:at]
        elif kind == "garbage":
            junk = draw(st.binary(min_size=1, max_size=40))
            out = out[:at] + junk + out[at + draw(st.integers(0, 8)) :]
        elif kind == "repeat":
            end = min(len(out), at + draw(st.integers(1, 60)))
            out = out[:at] + out[at:end] * draw(st.integers(2, 400)) + out[end:]
        else:
            out = out[:at] + b"9" * draw(st.integers(20, 5000)) + out[at:]
    return name, out


@FUZZ
@given(sample=hostile(), limits=LIMITS, method=st.sampled_from([None, "meek", "schulze"]))
def test_hostile_input_is_counted_or_refused_in_one_line(
    sample: tuple[str, bytes], limits: dict[str, int], method: str | None
) -> None:
    name, raw = sample
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        argv = [str(path)]
        for key, value in limits.items():
            argv += ["--limit", f"{key}={value}"]
        if method:
            argv += ["--method", method]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    assert code in (0, 2), err.getvalue()
    if code == 2:
        message = err.getvalue()
        assert message.startswith("moot count: "), message
        assert message.count("\n") == 1, message
        assert out.getvalue() == ""
    else:
        assert out.getvalue()
