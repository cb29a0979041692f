"""Rule-sensitive cases for the Gregory-family rule sets, and hand-derived ERS97/Gregory counts.

The Droop cases' winners are those of ``droop/expected_winners_from_ref_reports.tsv``
(stage-by-stage equality with Droop's dumps is in ``test_glasgow_2007.py``). No public
reference data exists for ERS97 or Gregory, so those fixtures are worked out by hand below.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from moot.counting import Ballots, Candidate, CountError, CountOptions, Election, count
from moot.counting.formats.blt import read_blt

pytestmark = pytest.mark.pure
F = Fraction


def droop(elections_data, name: str) -> Election:
    return read_blt(elections_data("droop", "blt", name), keep_after_title=True)


@pytest.mark.parametrize(
    ("blt", "method", "winners"),
    [
        ("SC-Vm-12.blt", "scottish-stv", {"A", "B", "Z"}),
        ("SC-Vm-12.blt", "wigm", {"A", "B", "X"}),
        (
            "SC.blt",
            "scottish-stv",
            {"Tom Sevigny", "Pat LaMarche", "Rebecca Rotzler", "Steve Kramer"},
        ),
        ("SC.blt", "wigm", {"Tom Sevigny", "Pat LaMarche", "Rebecca Rotzler", "Steve Kramer"}),
        ("42t.blt", "scottish-stv", {"Castor", "Helen"}),
        ("42t.blt", "wigm", {"Castor", "Helen"}),
        ("M135.blt", "scottish-stv", {"C1", "C2", "C3", "C4", "C6", "C9", "C10"}),
        ("M135.blt", "wigm", {"C1", "C2", "C3", "C4", "C6", "C9", "C10"}),
    ],
)
def test_reference_winners(elections_data, blt: str, method: str, winners: set[str]) -> None:
    assert set(count(droop(elections_data, blt), method).elected_names) == winners


def test_withdrawn_two_ways_give_identical_counts(elections_data) -> None:
    for method in ("scottish-stv", "wigm", "ers97", "gregory"):
        by_negative_id = count(droop(elections_data, "SCw.blt"), method)
        by_option = count(droop(elections_data, "SCwopt.blt"), method)
        assert by_negative_id.rounds == by_option.rounds
        assert by_negative_id.elected == by_option.elected
        assert 3 not in by_negative_id.elected  # Pat LaMarche withdrew


def test_m135_blank_papers_are_not_valid_votes(elections_data) -> None:
    result = count(droop(elections_data, "M135.blt"), "scottish-stv")
    assert result.valid == 677  # the file has 679 papers, two of them blank
    assert result.quota == 85


def test_wigm_precision_and_quota_options(elections_data) -> None:
    election = droop(elections_data, "SC-Vm-12.blt")
    default = count(election, "wigm")
    assert default.quota == F("1000.7501")
    assert count(election, "wigm", CountOptions(quota="droop")).quota == 1001
    assert count(election, "wigm", CountOptions(quota="hare", precision=2)).quota == F("1334.33")
    with pytest.raises(CountError, match="unknown quota"):
        count(election, "wigm", CountOptions(quota="imperiali"))


def election_of(names: str, seats: int, lines: list[tuple[int, str]]) -> Election:
    """``lines``: (papers, "ABC") rankings over single-letter candidate names."""
    index = {n: i for i, n in enumerate(names)}
    return Election(
        candidates=[Candidate(n) for n in names],
        seats=seats,
        ballots=Ballots.aggregate(
            (tuple((index[c],) for c in ranking), papers) for papers, ranking in lines
        ),
    )


# COUNTING §8.3: 2 seats; 45 A>B>C, 5 B>D, 22 C, 21 D (93 papers).
SECTION_8_3 = [(45, "ABC"), (5, "BD"), (22, "C"), (21, "D")]


def test_ers97_section_8_3_by_hand() -> None:
    """Quota 93/3 = 31 exactly, plus 0.01 (never equal to V/(S+1)) = 31.01. A elected with
    45; surplus 13.99 is not deferred (B 5 and D 21 differ by 16 > 13.99, but 13.99 could lift
    C from 22 past the quota... the second test, 31.01 - 22 = 9.01 < 13.99, fails), so it is
    transferred: the last parcel is all 45 papers, transfer value 13.99/45 = 0.3108 -> 0.31,
    45 x 0.31 = 13.95 to B, 0.04 lost to rounding. Stage 2: B 18.95 < D 21 < C 22: B excluded
    (no bulk exclusion: B + D = 39.95 is not below C), 5 to D (26) and 45 x 0.31 = 13.95 to C
    (35.95 >= 31.01): C elected. Result A, C."""
    result = count(election_of("ABCD", 2, SECTION_8_3), "ers97")
    assert result.quota == F("31.01")
    assert result.elected_names == ["A", "C"]
    _first, surplus, exclusion = result.rounds
    assert surplus.transfer_value == F("13.99") / 45
    assert surplus.tallies == {0: F("31.01"), 1: F("18.95"), 2: 22, 3: 21}
    assert surplus.loss == F("0.04")
    assert exclusion.excluded == (1,)
    assert exclusion.tallies == {0: F("31.01"), 2: F("35.95"), 3: 26}
    assert exclusion.elected == (2,)


def test_gregory_section_8_3_by_hand() -> None:
    """Droop quota floor(93/3) + 1 = 32. A's surplus 13 over the 45 papers of the last (first)
    parcel: 13/45 = 0.2888 -> 0.28 per paper, 12.60 to B, 0.40 lost. B 17.60 excluded:
    5 to D (26), 12.60 to C (34.60 >= 32). Result A, C (pyrankvote's averaging gives C 39.1)."""
    result = count(election_of("ABCD", 2, SECTION_8_3), "gregory")
    assert result.quota == 32
    assert result.elected_names == ["A", "C"]
    assert result.rounds[1].tallies == {0: 32, 1: F("17.60"), 2: 22, 3: 21}
    assert result.rounds[1].loss == F("0.40")
    assert result.rounds[2].tallies == {0: 32, 2: F("34.60"), 3: 26}


# 2 seats; 25 A, 14 B, 16 C, 2 D>B, 6 E (63 papers).
DEFERRAL = [(25, "A"), (14, "B"), (16, "C"), (2, "DB"), (6, "E")]


def test_ers97_defers_surplus_and_excludes_in_bulk() -> None:
    """Quota 63/3 = 21 + 0.01 = 21.01; A elected, surplus 3.99. Deferred (ERS97 5.2.3):
    3.99 is below both the gap between the two lowest (D 2, E 6: 4) and C's distance to the
    quota (5.01). Bulk exclusion (5.2.5): D + E + surplus = 11.99 < B 14, and B, C remain for
    the one vacancy, so D and E go together: D's 2 papers to B (16), E's 6 exhaust. Now B
    and C are level (16, 16): the surplus can separate them, so it is transferred: A's papers
    have no next preference, 3.99 is non-transferable. B and C still tie; backwards, they
    were level at every stage back to the first, where B had 14 and C 16: B is excluded and
    C fills the last vacancy."""
    result = count(election_of("ABCDE", 2, DEFERRAL), "ers97")
    assert result.quota == F("21.01")
    actions = [r.action for r in result.rounds]
    assert actions[1] == "Exclusion of D, E"
    assert result.rounds[1].tallies == {0: 25, 1: 16, 2: 16}
    assert actions[2].startswith("Surplus of A")
    assert result.rounds[2].exhausted == 6 + F("3.99")
    assert result.rounds[3].excluded == (1,)
    assert result.elected_names == ["A", "C"]
    assert [t.chosen for t in result.ties] == [1]
    assert result.ties[0].method == "backwards"


def test_gregory_transfers_the_same_surplus_at_once() -> None:
    """Without deferral the surplus (quota 22, surplus 3, no next preferences) is the second
    stage; then D, then E, are excluded one at a time; B and C tie at 16 and B (14 at the
    first stage) is excluded."""
    result = count(election_of("ABCDE", 2, DEFERRAL), "gregory")
    actions = [r.action for r in result.rounds]
    assert actions[1].startswith("Surplus of A")
    assert actions[2:5] == ["Exclusion of D", "Exclusion of E", "Exclusion of B"]
    assert result.elected_names == ["A", "C"]
