"""BLT reader and writer: every variant of COUNTING §3.1, located errors, and fuzzing."""

from __future__ import annotations

import gzip
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moot.counting import CountError, count
from moot.counting._packed import PackedBallots
from moot.counting.formats.blt import parse_blt, read_blt, write_blt

pytestmark = pytest.mark.pure

NAMES = '"Ann"\n"Bob"\n"Cy"\n"Title"\n'


def test_plain_file_uses_the_fast_path_and_aggregates() -> None:
    election = parse_blt("3 2\n1 1 2 0\n1 1 2 0\n2 3 0\n0\n" + NAMES)
    assert isinstance(election.ballots, PackedBallots)
    assert election.names == ("Ann", "Bob", "Cy")
    assert election.title == "Title"
    assert dict(zip(election.ballots.rankings, election.ballots.weights, strict=True)) == {
        ((0,), (1,)): 2,
        ((2,),): 2,
    }


def test_variants_all_in_one_file() -> None:
    text = (
        "4 2\n-4\n[nick a b c d]\n[tie c b a]\n[droop precision=5]\n"
        "   2   a   b   0  \n(id-7) b=c a 0\n1 3 0\n0\n"
        '"Ann \\"Nan\\" Lee"\n"Bob"\n"Cy"\n"Dee"\n"Title"\n'
    )
    election = parse_blt(text, source="x.blt")
    assert election.names[0] == 'Ann "Nan" Lee'
    assert election.withdrawn == frozenset({3})
    assert election.candidates[1].nickname == "b"
    # [tie c b a]: c loses ties first, then b, then a; d, not listed, loses before them all
    assert election.tie_order == (0, 1, 2, 3)
    assert dict(zip(election.ballots.rankings, election.ballots.weights, strict=True)) == {
        ((0,), (1,)): 2,
        ((1, 2), (0,)): 1,
        ((2,),): 1,
    }
    assert "[droop precision=5] ignored" in (election.comment or "")


def test_withdrawn_option_and_negative_id_agree() -> None:
    by_id = parse_blt("3 1\n-2\n1 1 2 0\n0\n" + NAMES)
    by_option = parse_blt("3 1\n[withdrawn 2]\n1 1 2 0\n0\n" + NAMES)
    assert by_id.withdrawn == by_option.withdrawn == frozenset({1})


def test_gzip_bom_and_file_objects(tmp_path) -> None:
    text = "\ufeff3 1\n1 1 0\n0\n" + NAMES
    path = tmp_path / "e.blt.gz"
    path.write_bytes(gzip.compress(text.encode()))
    assert read_blt(path).names == ("Ann", "Bob", "Cy")
    assert read_blt(io.StringIO(text)).seats == 1
    assert read_blt(io.BytesIO(text.encode())).title == "Title"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("x 2\n", 1, 1, "expected the number of candidates"),
        ("3\n", 1, 1, "expected the number of seats"),
        ("3 2\n1 1 4 0\n0\n" + NAMES, 2, 5, "preference 4 is out of range: expected 1..3"),
        ("3 2\n1 1 2\n1 2 0\n0\n" + NAMES, 2, 1, "has no terminating 0"),
        ("3 2\n1 1 2 0\n" + NAMES, 3, 1, "end-of-ballots line '0'"),
        ("3 2\n1 1 2 0\n0\n" + '"Ann"\n"Bob"\n', 6, 1, "expected 3 candidate names and a title"),
        ("3 2\n1 1 2 1 0\n0\n" + NAMES, 2, 7, "duplicate preference"),
        ("0 1\n", 1, 1, "no candidates"),
        ("3 2\n0\n" + NAMES, 2, 1, "no ballots"),
        ("3 4\n1 1 0\n0\n" + NAMES, 1, 3, "4 seats but only 3 candidates standing"),
        ("3 1\n[frobnicate 1]\n1 1 0\n0\n" + NAMES, 2, 2, "unknown option"),
        ("3 1\n1 1 0\n0\n" + '"Ann"\n"Bob\n', 5, 1, "not closed"),
        ("", None, None, "the file is empty"),
    ],
)
def test_errors_name_the_place(text: str, line, column, message: str) -> None:
    with pytest.raises(CountError) as caught:
        parse_blt(text, source="bad.blt")
    error = caught.value
    assert message in error.message
    assert error.source == "bad.blt"
    assert (error.line, error.column) == (line, column)


def test_missing_file_is_a_count_error(tmp_path) -> None:
    with pytest.raises(CountError, match="file not found"):
        read_blt(tmp_path / "nope.blt")


@pytest.mark.parametrize(
    "name",
    ["SC.blt", "SCw.blt", "SCwopt.blt", "42t.blt", "meek/eq1.blt", "M135.blt", "42ubom.blt"],
)
def test_round_trip_through_write_blt(elections_data, name: str) -> None:
    # M135 has a source, a comment and notes after its title: kept only when asked
    election = read_blt(elections_data("droop", "blt", *name.split("/")), keep_after_title=True)
    again = parse_blt(write_blt(election))
    assert again.names == election.names
    assert again.withdrawn == election.withdrawn
    assert again.tie_order == election.tie_order
    assert sorted(zip(again.ballots.rankings, again.ballots.weights, strict=True)) == sorted(
        zip(election.ballots.rankings, election.ballots.weights, strict=True)
    )
    if not election.ballots.has_equal_rankings():
        assert count(again, "scottish-stv").rounds == count(election, "scottish-stv").rounds


def test_fast_and_careful_parsers_agree(elections_data) -> None:
    """The numpy path and the token parser read the same ballots (nicknames force the token
    parser: the same file with a [nick] line must give the same election)."""
    path = elections_data("droop", "blt", "scotland", "Calton-2007.blt")
    text = path.read_text()
    fast = parse_blt(text)
    header, rest = text.split("\n", 1)
    nicks = " ".join(f"n{i}" for i in range(1, 11))
    careful = parse_blt(f"{header}\n[nick {nicks}]\n{rest}")
    assert isinstance(fast.ballots, PackedBallots)
    assert not isinstance(careful.ballots, PackedBallots)
    assert sorted(zip(fast.ballots.rankings, fast.ballots.weights, strict=True)) == sorted(
        zip(careful.ballots.rankings, careful.ballots.weights, strict=True)
    )


FUZZ_SOURCES = ["SC.blt", "42t.blt", "meek/eq1.blt", "scotland/weak-surplus.blt", "SCwopt.blt"]


@st.composite
def mutated(draw, texts: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(texts)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "delete", "duplicate", "truncate", "insert"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "delete":
            tokens = bytes(data).split(b" ")
            i = draw(st.integers(0, len(tokens) - 1))
            data = bytearray(b" ".join(tokens[:i] + tokens[i + 1 :]))
        elif kind == "duplicate":
            tokens = bytes(data).split(b" ")
            i = draw(st.integers(0, len(tokens) - 1))
            data = bytearray(b" ".join(tokens[: i + 1] + tokens[i:]))
        elif kind == "truncate":
            data = data[:at]
        else:
            data[at:at] = draw(st.sampled_from([b"0", b"-", b"=", b'"', b"[", b"]", b"\n", b"99"]))
    return bytes(data)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_fuzzed_real_files_give_an_election_or_a_count_error(elections_data, data) -> None:
    texts = [elections_data("droop", "blt", *n.split("/")).read_bytes() for n in FUZZ_SOURCES]
    blob = data.draw(mutated(texts))
    outcome: object
    try:
        outcome = read_blt(io.BytesIO(blob))
    except CountError as error:
        outcome = error
    if isinstance(outcome, CountError):
        assert outcome.message
    else:
        assert outcome.candidates
        assert outcome.ballots.total > 0
