"""From the vote to the office holdings: placing, the balance rule at its boundary, STV with a
minimum of women through the whole stack, unopposed candidates, and the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from moot.audit.models import AuditEvent
from moot.elections.actions import (
    ElectionError,
    do_close_election,
    do_declare_result,
    do_open_election,
)
from moot.elections.balance import placing
from moot.elections.models import ElectionState
from moot.polls.actions import do_cast_ballot
from moot.units.models import OfficeHolding

from .conftest import hold, make_member, post_of, stand, today

FIRST_SIX = ("vice-chair", "secretary", "treasurer", "womens-officer", "tulo")


def vote(election: Any, voters: list[Any], choices: list[list[Any]]) -> None:
    """Each voter casts the ranking given by nominations (most preferred first)."""
    option_of = dict(election.nominations.values_list("pk", "poll_option_id"))
    for voter, ranking in zip(voters, choices, strict=True):
        choice = [option_of[n.pk] for n in ranking]
        if election.method == "plurality":
            choice = choice[0]
        do_cast_ballot(election.poll, voter, choice, acting_user=voter.user)


def current(post: Any) -> list[Any]:
    return list(OfficeHolding.objects.filter(post=post, end__isnull=True).select_related("member"))


def test_placing_orders_elected_then_tallies_then_exclusions_reversed() -> None:
    count = {
        "elected": ["B"],
        "rounds": [
            {"tallies": {"A": "3", "B": "4", "C": "2", "D": "1"}, "excluded": ["D"]},
            {"tallies": {"A": "3", "B": "5", "C": "2"}, "excluded": ["C"]},
            {"tallies": {"A": "4", "B": "6"}, "excluded": []},
        ],
    }
    assert placing(count, ["A", "B", "C", "D"]) == ["B", "A", "C", "D"]
    assert placing(None, ["A"]) == []


@pytest.fixture
def chair_race(unit: Any, officer: Any, election_factory: Any) -> Any:
    """Outgoing officers of the first six posts but the chair: women in the secretary's and
    the women's officer's posts only (2 of the 5); a first-past-the-post election of the chair
    where a man (Ash) leads a woman (Bea) and another man (Cy)."""

    def make(*, women_in_first_six: int) -> tuple[Any, list[Any]]:
        # The women's officer is a woman (the post is reserved); then the secretary, the
        # treasurer.
        chosen = set(["womens-officer", "secretary", "treasurer"][:women_in_first_six])
        for slug in FIRST_SIX:
            hold(unit, slug, woman=slug in chosen)
        outgoing = hold(unit, "chair", woman=False)
        election = election_factory("chair", method="plurality")
        ash = stand(election, make_member(unit, first_name="Ash"), officer=officer)
        bea = stand(election, make_member(unit, first_name="Bea", woman=True), officer=officer)
        cy = stand(election, make_member(unit, first_name="Cy"), officer=officer)
        election = do_open_election(election, acting_user=officer)
        # The electorate was frozen when the vote opened: candidates and nominators vote.
        electorate = [n.nominee for n in (ash, bea, cy)] + [n.nominator for n in (ash, bea, cy)]
        vote(election, electorate, [[ash], [ash], [ash], [bea], [bea], [cy]])
        election = do_close_election(election, acting_user=officer)
        return election, [ash, bea, cy, outgoing]

    return make


def test_a_man_winning_the_chair_with_two_women_in_the_first_six_gives_way_to_a_woman(
    chair_race: Any, unit: Any, officer: Any
) -> None:
    election, (ash, bea, _cy, outgoing) = chair_race(women_in_first_six=2)
    assert election.poll.result["elected"] == [ash.label]
    election = do_declare_result(election, acting_user=officer)
    declaration = election.declaration
    assert declaration["adjusted"] is True
    assert [e["label"] for e in declaration["elected"]] == [bea.label]
    assert declaration["placing"][:2] == [ash.label, bea.label]
    account = " ".join(declaration["account"])
    assert f"Declaring {ash.label} as Chair would break the rulebook" in account
    assert "2 of the first 6 posts would be held by women" in account
    assert "7.7.2" in account
    assert f"{bea.label}, placed 2nd in the count" in account
    holders = current(post_of(unit, "chair"))
    assert [h.member_id for h in holders] == [bea.nominee_id]
    assert holders[0].elected_ref == f"election:{election.pk}"
    outgoing.refresh_from_db()
    assert outgoing.end == today()
    event = AuditEvent.objects.get(verb="elections.declare_result")
    assert event.clause == "7.7.2"
    assert "elected instead" in event.reason
    assert AuditEvent.objects.filter(verb="units.appoint_officer").count() == 1
    assert AuditEvent.objects.filter(verb="units.end_holding").count() == 1


def test_with_three_women_in_the_first_six_the_winner_is_declared(
    chair_race: Any, unit: Any, officer: Any
) -> None:
    election, (ash, _bea, _cy, _outgoing) = chair_race(women_in_first_six=3)
    election = do_declare_result(election, acting_user=officer)
    assert election.declaration["adjusted"] is False
    assert election.declaration["account"] == []
    assert [h.member_id for h in current(post_of(unit, "chair"))] == [ash.nominee_id]
    with pytest.raises(ElectionError, match="already been declared"):
        do_declare_result(election, acting_user=officer)


def test_declaring_needs_the_vote_closed_and_a_manager(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory("policy-officer", method="irv")
    for _ in range(2):
        stand(election, make_member(unit), officer=officer)
    election = do_open_election(election, acting_user=officer)
    with pytest.raises(ElectionError, match="still open"):
        do_declare_result(election, acting_user=officer)
    with pytest.raises(ElectionError, match="Only the returning officer"):
        do_declare_result(election, acting_user=make_member(unit).user)
    election = do_close_election(election, acting_user=officer)
    with pytest.raises(ElectionError, match="No votes were cast"):
        do_declare_result(election, acting_user=officer)


def test_unopposed_candidates_are_declared_without_a_vote_and_job_sharers_both_take_office(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory("secretary")
    a, b = make_member(unit, woman=True), make_member(unit)
    pair = stand(election, a, partner=b, officer=officer, statement="Two heads.")
    election = do_declare_result(election, acting_user=officer)
    assert election.state == ElectionState.DECLARED
    assert election.declaration["basis"] == "unopposed"
    holders = current(post_of(unit, "secretary"))
    assert {h.member_id for h in holders} == {a.pk, b.pk}
    assert all(h.job_share for h in holders)
    assert election.declaration["elected"][0]["label"] == pair.label


# --- STV with a minimum of women, through the whole stack ---------------------------------------

EXECUTIVE = """

[[officers.constituency.posts]]
slug = "executive-member"
title = "Executive committee member"
seats = 3
clause = "7.7.8"
"""

SINGLE_POSTS = (
    ("chair", False),
    ("vice-chair", True),
    ("secretary", True),
    ("treasurer", False),
    ("womens-officer", True),
    ("tulo", False),
    ("membership-secretary", True),
    ("policy-officer", False),
    ("bame-officer", True),
    ("youth-officer", False),
    ("disability-officer", False),
)


@pytest.fixture
def executive(unit: Any, officer: Any) -> Any:
    """An edition with three equal seats on the executive, adopted from a year ago, and every
    other post held: 5 women among 11 officers. With 14 officers, half (7) must be women, so
    at least 2 of the 3 seats must go to women."""
    from moot import rulebook
    from moot.units.actions import create_posts_for_unit, do_adopt_edition
    from moot.units.queries import edition_in_force

    do_adopt_edition(
        source_text=rulebook.preset_source("party") + EXECUTIVE,
        effective_from=today() - datetime.timedelta(days=365),
        acting_user=officer,
    )
    create_posts_for_unit(unit, edition_in_force())
    for slug, woman in SINGLE_POSTS:
        hold(unit, slug, woman=woman)
    return post_of(unit, "executive-member")


def _executive_race(
    election: Any, unit: Any, officer: Any, *, constrained: bool = True
) -> tuple[Any, list[Any], list[Any]]:
    """Three men and two women stand; every voter puts the three men first, so without the
    constraint the men take every seat. ``constrained=False`` counts the poll without the
    constraint the election gave it (as a poll created without it would be)."""
    men = [
        stand(election, make_member(unit, first_name=n), officer=officer)
        for n in ("Al", "Bo", "Cas")
    ]
    women = [
        stand(election, make_member(unit, first_name=n, woman=True), officer=officer)
        for n in ("Di", "Eve")
    ]
    election = do_open_election(election, acting_user=officer)
    assert election.min_women == 2
    assert election.min_women_clause == "7.7.2"
    assert election.poll.constraints.startswith('"Gender" "Women" 2 3 4 5')
    if not constrained:
        type(election.poll).objects.filter(pk=election.poll_id).update(constraints=None)
    voters = [n.nominator for n in men + women] + [n.seconder for n in men + women]
    rankings = [[men[i % 3], men[(i + 1) % 3], men[(i + 2) % 3], women[i % 2]] for i in range(10)]
    vote(election, voters, rankings)
    return do_close_election(election, acting_user=officer), men, women


@pytest.mark.parametrize("method", ["scottish-stv", "meek"])
def test_stv_with_a_minimum_of_women_through_the_whole_stack(
    executive: Any, election_factory: Any, unit: Any, officer: Any, method: str
) -> None:
    assert executive.seats == 3
    election = election_factory("executive-member", method=method)
    assert election.seats == 3
    election, _men, women = _executive_race(election, unit, officer)
    assert len(election.poll.result["elected"]) == 3
    election = do_declare_result(election, acting_user=officer)
    holders = current(executive)
    assert len(holders) == 3
    assert {h.member_id for h in holders} >= {w.nominee_id for w in women}
    assert all(h.elected_ref == f"election:{election.pk}" for h in holders)
    assert AuditEvent.objects.filter(verb="units.appoint_officer").count() == 3


def test_meek_applies_the_minimum_in_the_count_and_the_downloads_recount_to_it(
    executive: Any, election_factory: Any, officer: Any, client: Any, tmp_path: Any
) -> None:
    import contextlib
    import io
    import json

    from django.urls import reverse

    from moot.counting.cli import main as moot_count

    election = election_factory("executive-member", method="meek")
    election, _men, women = _executive_race(election, executive.unit, officer)
    assert {w.label for w in women} <= set(election.poll.result["elected"])
    client.force_login(officer)
    blt = client.get(reverse("polls:download", args=[election.poll_id]) + "?format=blt")
    con = client.get(reverse("elections:constraints", args=[election.pk]))
    assert con.status_code == 200
    (tmp_path / "ballots.blt").write_bytes(blt.content)
    (tmp_path / "women.con").write_bytes(con.content)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = moot_count(
            [
                str(tmp_path / "ballots.blt"),
                "--method",
                "meek",
                "--seats",
                "3",
                "--constraints",
                str(tmp_path / "women.con"),
                "--output",
                "json",
            ]
        )
    assert code == 0, out.getvalue()
    assert json.loads(out.getvalue())["elected"] == election.poll.result["elected"]
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "constraints file (CON)" in page
    election = do_declare_result(election, acting_user=officer)
    assert election.declaration["adjusted"] is False


def test_scottish_stv_applies_the_minimum_in_the_count(
    executive: Any, election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory("executive-member", method="scottish-stv")
    election, _men, women = _executive_race(election, unit, officer)
    assert {w.label for w in women} <= set(election.poll.result["elected"])


def test_the_declaration_corrects_a_count_that_missed_the_minimum(
    executive: Any, election_factory: Any, unit: Any, officer: Any
) -> None:
    """Whatever the count did, the declaration applies the rulebook: counted without the
    constraint, the men take every seat; the two women replace the two lowest-placed men,
    and the account says so."""
    election = election_factory("executive-member", method="scottish-stv")
    election, men, women = _executive_race(election, unit, officer, constrained=False)
    assert set(election.poll.result["elected"]) == {m.label for m in men}
    election = do_declare_result(election, acting_user=officer)
    declaration = election.declaration
    assert declaration["adjusted"] is True
    assert {e["label"] for e in declaration["elected"]} == {men[0].label, *(w.label for w in women)}
    account = " ".join(declaration["account"])
    assert "would break the rulebook" in account
    assert f"{women[0].label}, placed 4th, is elected in place of" in account


def test_too_few_women_standing_leaves_a_seat_vacant_with_an_account(
    executive: Any, election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory("executive-member", method="scottish-stv")
    men = [stand(election, make_member(unit), officer=officer) for _ in range(3)]
    woman = stand(election, make_member(unit, woman=True), officer=officer)
    election = do_open_election(election, acting_user=officer)
    assert election.min_women == 1  # capped: only one woman stands
    assert "only 1 woman candidate stands" in election.min_women_note
    voters = [n.nominator for n in [*men, woman]] + [n.seconder for n in [*men, woman]]
    vote(election, voters, [[men[i % 3], men[(i + 1) % 3], woman] for i in range(8)])
    election = do_close_election(election, acting_user=officer)
    assert woman.label in election.poll.result["elected"]
    election = do_declare_result(election, acting_user=officer)
    declaration = election.declaration
    assert declaration["vacant"] == 1
    assert len(declaration["elected"]) == 2
    assert "it is left vacant" in " ".join(declaration["account"])
    assert len(current(executive)) == 2


def test_an_unopposed_candidate_who_may_no_longer_stand_is_not_declared(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    """Suspended after consenting: refused (with the rulebook's reason) at the declaration;
    nobody is declared and the outgoing holder stays in office."""
    from moot.members.actions import do_change_member_status

    outgoing = hold(unit, "policy-officer", woman=False)
    election = election_factory("policy-officer")
    candidate = make_member(unit)
    nomination = stand(election, candidate, officer=officer)
    do_change_member_status(
        candidate,
        "suspended",
        today() - datetime.timedelta(days=2),
        reason="Interim suspension",
        acting_user=officer,
    )
    election = do_declare_result(election, acting_user=officer)
    nomination.refresh_from_db()
    assert nomination.state == "refused"
    assert nomination.refusal
    assert election.declaration["elected"] == []
    assert "stays in office until a successor is declared" in election.declaration["account"][0]
    assert [h.pk for h in current(post_of(unit, "policy-officer"))] == [outgoing.pk]


def test_the_confirmation_names_who_is_declared_and_the_poll_shows_the_declaration(
    chair_race: Any, officer: Any, client: Any
) -> None:
    """Finding 4: the declare confirmation names who will be declared, with the balance
    rule's substitution and clause (the declaration's own function); afterwards the poll's
    page and projector show the count and the declared outcome, not the count's winner alone."""
    election, (ash, bea, _cy, _outgoing) = chair_race(women_in_first_six=2)
    client.force_login(officer)
    confirm = client.get(f"/elections/{election.pk}/declare/").content.decode()
    assert f"Declared elected: {bea.label}." in confirm
    assert f"Declaring {ash.label} as Chair would break the rulebook" in confirm
    assert "7.7.2" in confirm
    assert not AuditEvent.objects.filter(verb="elections.declare_result").exists()

    before = client.get(f"/polls/{election.poll_id}/").content.decode()
    assert f'<p class="outcome">Elected: {ash.label}</p>' in before  # nothing declared yet
    do_declare_result(election, acting_user=officer)
    for url in (f"/polls/{election.poll_id}/", f"/polls/{election.poll_id}/projector/"):
        page = client.get(url).content.decode()
        assert f'<p class="outcome">Elected: {ash.label}' not in page, url
        assert (
            f"Count: {ash.label} — Declared: {bea.label} (the balance rule, clause 7.7.2)" in page
        ), url


def test_the_confirmation_of_an_unopposed_declaration_names_the_candidates(
    election_factory: Any, unit: Any, officer: Any, client: Any
) -> None:
    election = election_factory("policy-officer", method="irv")
    only = stand(election, make_member(unit), officer=officer)
    client.force_login(officer)
    confirm = client.get(f"/elections/{election.pk}/declare/").content.decode()
    assert f"Declared elected unopposed: {only.label}." in confirm
