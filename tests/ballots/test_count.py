"""The count of a ballot (issue 11 item 9): the pure count shared with the verifier
(``moot.verify.ballot_count``) and the server's count from the stored ballots."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from moot.counting.formats.blt import parse_blt, write_blt
from moot.counting.model import Ballots, Candidate, CountError, Election
from moot.verify.ballot_count import count_record, render_record

DROOP = Path(__file__).resolve().parents[2].parent / "shared" / "elections-data" / "droop"

MEN = [f"Man {i}" for i in range(1, 9)]
WOMEN = [f"Woman {i}" for i in range(1, 7)]


def _definition(names: list[str], women: set[str], *, seats: int, min_women: int) -> dict:
    return {
        "format": "moot-ballot-definition/1",
        "title": "National executive",
        "method": "scottish-stv",
        "seats": seats,
        "min_women": min_women,
        "tie_break": "backwards",
        "seed": 20261207,
        "candidates": [
            {"id": 100 + i, "position": i + 1, "name": name, "woman": name in women}
            for i, name in enumerate(names)
        ],
    }


def _men_ahead_profile() -> tuple[dict, str]:
    """14 candidates for 9 seats: 8 men with most of the first preferences, 6 women; every
    voter ranks their own side only, so without the minimum only 3 women win."""
    names = MEN + WOMEN
    items = []
    for i in range(8):
        order = [i] + [k for k in range(8) if k != i]
        items.append((tuple((j,) for j in order), 100 - i))
    for i in range(6):
        order = [i] + [k for k in range(6) if k != i]
        items.append((tuple((8 + j,) for j in order), 40 - 3 * i))
    election = Election(
        candidates=[Candidate(n) for n in names],
        seats=9,
        ballots=Ballots.aggregate(items),
        title="National executive",
    )
    return _definition(names, set(WOMEN), seats=9, min_women=4), write_blt(election)


@pytest.mark.pure
def test_the_womens_minimum_binds_and_the_round_is_reported() -> None:
    definition, blt = _men_ahead_profile()
    without = count_record({**definition, "min_women": 0}, blt, [])
    assert sum(name in WOMEN for name in without.elected_names) < 4
    result = count_record(definition, blt, [])
    women = [name for name in result.elected_names if name in WOMEN]
    assert len(women) == 4
    binds = result.options["min_women_binds_at_round"]
    assert isinstance(binds, int)
    # Up to the round before, the two counts did the same; at that round they part.
    before = [(r.elected, r.excluded) for r in result.rounds[: binds - 1]]
    assert before == [(r.elected, r.excluded) for r in without.rounds[: binds - 1]]
    assert (result.rounds[binds - 1].elected, result.rounds[binds - 1].excluded) != (
        without.rounds[binds - 1].elected,
        without.rounds[binds - 1].excluded,
    )
    assert any("constraints" in note for note in result.rounds[binds - 1].notes)
    text, data, _ = render_record(result)
    assert f"the minimum binds at round {binds}" in text
    assert data["options"]["min_women_binds_at_round"] == binds  # type: ignore[index]
    assert data["options"]["elected_without_min_women"] == without.elected_names  # type: ignore[index]


@pytest.mark.pure
def test_a_minimum_already_met_is_said_not_to_bind() -> None:
    definition, blt = _men_ahead_profile()
    result = count_record({**definition, "min_women": 2}, blt, [])
    assert result.options["min_women_binds_at_round"] is None
    assert "the minimum did not change the count" in render_record(result)[0]


@pytest.mark.pure
def test_a_minimum_that_cannot_be_met_is_refused_before_counting() -> None:
    definition, blt = _men_ahead_profile()
    with pytest.raises(CountError, match="Women"):
        count_record({**definition, "min_women": 7}, blt, [])


@pytest.mark.pure
def test_rendering_is_the_same_bytes_every_time() -> None:
    definition, blt = _men_ahead_profile()
    first = render_record(count_record(definition, blt, []))
    second = render_record(count_record(json.loads(json.dumps(definition)), blt, []))
    assert first[0] == second[0]
    for a, b in zip(first[1:], second[1:], strict=True):
        assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert first[1]["format"] == "moot-ballot-count/1"


def _droop(name: str) -> Path:
    path = DROOP / "blt" / name
    if not path.exists():
        pytest.skip(f"test data not found: {path}")
    return path


def _expected(report: str) -> tuple[list[str], str]:
    with (DROOP / "expected_winners_from_ref_reports.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["report_file"] == f"ref/report/{report}":
                return row["elected_at_count_complete"].split("; "), row["quota"]
    raise AssertionError(f"{report} is not in Droop's reference table")


def _as_ballot(blt_text: str) -> dict:
    election = parse_blt(blt_text)
    names = list(election.names)
    definition = _definition(names, set(), seats=election.seats, min_women=0)
    definition["title"] = election.title
    return definition


@pytest.mark.pure
@pytest.mark.parametrize("name", ["SC-Vm-12.blt", "SC.blt"])
def test_golden_scottish_stv_against_droops_reference_report(name: str) -> None:
    blt = _droop(name).read_text(encoding="utf-8")
    winners, quota = _expected(name.replace(".blt", "-scotland-fixed-p5-d5.txt"))
    result = count_record(_as_ballot(blt), blt, [])
    assert sorted(result.elected_names) == sorted(winners)
    assert render_record(result)[1]["quota"] == quota


@pytest.mark.pure
def test_a_candidate_withdrawn_after_the_issue_passes_their_preferences_on() -> None:
    """Droop's SCw.blt is SC.blt with candidate 4 withdrawn in the file; the same withdrawal
    recorded as a post-issue event gives Droop's reference winners for SCw."""
    blt = _droop("SC.blt").read_text(encoding="utf-8")
    definition = _as_ballot(blt)
    departed = definition["candidates"][3]
    winners, _ = _expected("SCw-scotland-fixed-p5-d5.txt")
    before = count_record(definition, blt, [])
    assert departed["name"] in before.elected_names
    event = {
        "kind": "candidate_withdrawn",
        "candidate": departed["id"],
        "occurred_at": "2026-05-02",
    }
    result = count_record(definition, blt, [event])
    assert sorted(result.elected_names) == sorted(winners)
    assert departed["name"] not in result.elected_names
    assert result.withdrawn == (3,)
    # Reinstated a week later (events are taken by time, whatever their order in the list):
    # counted as before; withdrawn again after that, withdrawn.
    back = {
        "kind": "candidate_reinstated",
        "candidate": departed["id"],
        "occurred_at": "2026-05-09",
    }
    assert count_record(definition, blt, [back, event]).elected == before.elected
    again = {**event, "occurred_at": "2026-05-10"}
    assert count_record(definition, blt, [again, back, event]).elected == result.elected


@pytest.mark.pure
def test_bad_record_input_is_refused_with_where_and_what() -> None:
    definition, blt = _men_ahead_profile()
    with pytest.raises(CountError, match=r"events.json: event 1 .* not on the ballot"):
        count_record(definition, blt, [{"kind": "candidate_withdrawn", "candidate": 9}])
    with pytest.raises(CountError, match="expected one of"):
        count_record(definition, blt, [{"kind": "candidate_vanished", "candidate": 100}])
    renamed = {**definition, "candidates": [dict(c) for c in definition["candidates"]]}
    renamed["candidates"][0]["name"] = "Someone Else"
    with pytest.raises(CountError, match=r"ballots.blt: the BLT.s candidates"):
        count_record(renamed, blt, [])
    with pytest.raises(CountError, match="'seats'"):
        count_record({k: v for k, v in definition.items() if k != "seats"}, blt, [])


# --- the server's count from the stored ballots ---------------------------------------------


def _closed_profile(django_capture_on_commit_callbacks, *, events: bool = False):
    """The men-ahead profile cast as returns of a real ballot, then closed."""
    from ballots.closing_world import closing_ballot

    world = closing_ballot(
        voters=0, names=tuple(MEN + WOMEN), women=tuple(WOMEN), seats=9, min_women=4
    )
    from factories import MemberFactory
    from moot.ballots.models import RollEntry

    _, blt = _men_ahead_profile()
    election = parse_blt(blt)
    number = 0
    for ranking, weight in zip(election.ballots.rankings, election.ballots.weights, strict=True):
        names = [election.candidates[level[0]].name for level in ranking]
        for _ in range(weight // 10):  # a tenth of the profile keeps the test quick
            number += 1
            member = MemberFactory()
            entry = RollEntry.objects.create(
                ballot=world.ballot,
                member=member,
                unit=member.constituency,
                credential_hash=f"{number:064x}",
            )
            world.cast(entry, "online", names)
    from moot.ballots.actions.closing import do_close_ballot

    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(world.ballot, acting_user=world.returning_officer)
    return world


@pytest.mark.django_db
def test_the_server_counts_the_stored_ballots_with_the_minimum_and_shows_the_round(
    django_capture_on_commit_callbacks,
) -> None:
    from moot.audit.models import AuditEvent
    from moot.ballots.actions.closing import do_count_ballot
    from moot.ballots.count import ballots_blt, binding_round

    world = _closed_profile(django_capture_on_commit_callbacks)
    ballot = do_count_ballot(world.ballot, acting_user=world.returning_officer)
    assert ballot.state == "counted"
    assert sum(name in WOMEN for name in ballot.result["elected"]) == 4
    binds = binding_round(ballot.result)
    assert isinstance(binds, int)
    assert f"the minimum binds at round {binds}" in ballot.result_text
    assert ballot.result_chart_svg.startswith("<svg")
    # The same result as the pure function on the BLT the server wrote (what the record holds).
    from moot.ballots.definition import definition_of

    again = count_record(definition_of(ballot), ballots_blt(ballot), [])
    assert render_record(again)[1] == ballot.result
    # The audit trail commits to the result by hash only: nothing of it before the sign-off.
    event = AuditEvent.objects.get(verb="ballots.count_ballot")
    assert set(event.after) == {"result_sha256", "ballots_blt_sha256"}


@pytest.mark.django_db
def test_a_candidate_withdrawn_after_the_issue_is_counted_as_withdrawn(
    django_capture_on_commit_callbacks,
) -> None:
    import datetime

    from django.utils import timezone

    from moot.ballots.actions.closing import do_count_ballot
    from moot.ballots.models import BallotEvent

    world = _closed_profile(django_capture_on_commit_callbacks)
    departed = world.by_name("Man 1")
    BallotEvent.objects.create(
        ballot=world.ballot,
        kind="candidate_withdrawn",
        candidate=departed,
        authority="The candidate's letter",
        notice="Man 1 has withdrawn.",
        occurred_at=timezone.now() - datetime.timedelta(days=3),
    )
    ballot = do_count_ballot(world.ballot, acting_user=world.returning_officer)
    assert ballot.result["withdrawn"] == ["Man 1"]
    assert "Man 1" not in ballot.result["elected"]
    assert "Man 1" not in ballot.result["rounds"][0]["tallies"]
    assert "Man 1 was withdrawn after the issue" in ballot.result_text


@pytest.mark.django_db
def test_counting_is_refused_before_the_close_and_once_done(
    django_capture_on_commit_callbacks,
) -> None:
    from ballots.closing_world import closing_ballot
    from moot.ballots.actions.closing import do_close_ballot, do_count_ballot
    from moot.ballots.errors import BallotError

    world = closing_ballot(voters=2)
    world.cast(world.entries[0], "online", ["Ada Ashdown"])
    with pytest.raises(BallotError, match="must be closed before"):
        do_count_ballot(world.ballot, acting_user=world.returning_officer)
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(world.ballot, acting_user=world.returning_officer)
    do_count_ballot(world.ballot, acting_user=world.returning_officer)
    with pytest.raises(BallotError, match="counted already"):
        do_count_ballot(world.ballot, acting_user=world.returning_officer)


@pytest.mark.django_db
def test_a_question_is_counted_carried_or_not_from_yes_no_and_blank_papers(
    django_capture_on_commit_callbacks,
) -> None:
    from ballots.closing_world import closing_ballot
    from moot.ballots import secrecy
    from moot.ballots.actions.closing import do_close_ballot, do_count_ballot
    from moot.ballots.models import Candidate, Return

    world = closing_ballot(voters=6, names=("Yes", "No"), women=(), seats=1, method="yes-no")
    ballot = world.ballot
    ballot.kind = "question"
    ballot.question = "Should the rule change?"
    ballot.save(update_fields=["kind", "question"])
    for candidate in world.candidates:
        Candidate.objects.filter(pk=candidate.pk).update(code=candidate.name.lower())
    answers = ['["yes"]', '["yes"]', '["yes"]', '["no"]', '["no"]', "[]"]
    for entry, text in zip(world.entries, answers, strict=True):
        Return.objects.create(
            ballot=ballot,
            entry=entry,
            slot="any",
            channel="online",
            sealed=secrecy.seal(ballot, text, 8),
        )
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(ballot, acting_user=world.returning_officer)
    ballot = do_count_ballot(ballot, acting_user=world.returning_officer)
    assert ballot.result["carried"] is True
    assert "yes 3, no 2" in ballot.result_text
    assert "1 blank papers not counted" in ballot.result_text


@pytest.mark.django_db
def test_a_question_without_candidates_is_counted_from_its_answers(
    django_capture_on_commit_callbacks,
) -> None:
    """As production makes a question (nobody nominated, no candidate rows): its answers Yes
    and No are the count's candidates, and the published record verifies."""
    from ballots.closing_world import closing_ballot
    from moot.ballots import secrecy
    from moot.ballots.actions.closing import do_close_ballot, do_count_ballot
    from moot.ballots.definition import definition_of
    from moot.ballots.models import Candidate, Return

    world = closing_ballot(voters=5, names=(), women=(), seats=1, method="yes-no")
    ballot = world.ballot
    ballot.kind = "question"
    ballot.question = "Should the rule change?"
    ballot.save(update_fields=["kind", "question"])
    assert not Candidate.objects.filter(ballot=ballot).exists()
    assert definition_of(ballot)["candidates"] == []
    answers = ['["no"]', '["no"]', '["yes"]', '["no"]', "[]"]
    for entry, text in zip(world.entries, answers, strict=True):
        Return.objects.create(
            ballot=ballot,
            entry=entry,
            slot="any",
            channel="online",
            sealed=secrecy.seal(ballot, text, 8),
        )
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(ballot, acting_user=world.returning_officer)
    ballot = do_count_ballot(ballot, acting_user=world.returning_officer)
    assert ballot.result["carried"] is False
    assert "yes 1, no 3" in ballot.result_text
