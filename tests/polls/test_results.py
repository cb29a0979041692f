"""What a closed poll publishes (moot.polls.results; issue 9 item 8, item 10): a table that fits
the kind of vote, the way it was taken named as such, totals only for a secret ballot with too
few voters, and a note of low turnout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from moot.polls.actions import do_cast_ballot, do_close_poll, do_create_poll, do_open_poll
from moot.polls.models import TellerCount


def _page(client: Any, user: Any, name: str, poll: Any) -> str:
    client.force_login(user)
    return client.get(reverse(name, args=[poll.pk])).content.decode()


def _cast(poll: Any, voters: list[Any], choices: list[str]) -> None:
    by_code_or_label = {o.code or o.label: o.pk for o in poll.options.all()}
    for voter, choice in zip(voters, choices, strict=False):
        do_cast_ballot(poll, voter, [by_code_or_label[choice]], acting_user=voter.user)


def test_a_yes_no_result_has_for_against_abstain_and_no_candidate_column(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll(title="Motion 1", kind="motion", method="yes-no")
    _cast(poll, voters, ["yes", "yes", "no", "abstain", "yes"])
    do_close_poll(poll, acting_user=manager)
    page = _page(client, manager, "polls:detail", poll)
    table = page[page.index("<caption>Votes</caption>") :]
    rows = re.findall(r'<th scope="row">(\w+)</th><td class="num">(\d+)</td>', table)
    assert rows == [("For", "3"), ("Against", "1"), ("Abstain", "1")]
    assert "Candidate" not in page
    assert "Votes in each round" not in page
    assert "result-chart" not in page  # the STV-style chart and its legend are for elections


def test_an_election_keeps_its_candidates_by_round(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll(method="plurality", options=["Ada", "Ben", "Cal"])
    _cast(poll, voters, ["Ada", "Ada", "Ben", "Cal", "Ada"])
    do_close_poll(poll, acting_user=manager)
    page = _page(client, manager, "polls:detail", poll)
    assert '<th scope="col">Candidate</th>' in page
    assert "Votes in each round" in page
    assert "For</th>" not in page


@pytest.mark.parametrize(
    "case",
    [
        ("show_of_hands", True, "show of hands", False),
        ("paper", False, "paper ballot", True),
        ("electronic", False, "named (roll call)", False),
        ("electronic", True, "electronic secret ballot", True),
    ],
)
def test_the_way_of_voting_is_named_and_a_show_of_hands_is_never_secret(
    client: Any, unit: Any, voters: list[Any], manager: Any, case: tuple[str, bool, str, bool]
) -> None:
    voting, secret, label, stored_secret = case
    poll = do_create_poll(
        title="Motion 2",
        kind="motion",
        method="yes-no",
        voting=voting,
        secret=secret,
        unit=unit,
        acting_user=manager,
    )
    assert poll.secret is stored_secret
    poll = do_open_poll(poll, electorate=voters, acting_user=manager)
    page = _page(client, manager, "polls:detail", poll)
    assert f"<dt>Ballot</dt><dd>{label}" in page
    if voting != "electronic":
        assert "named (roll call)" not in page


def test_the_vote_form_ignores_a_ticked_secret_box_for_a_show_of_hands() -> None:
    from moot.motions.forms import VoteForm

    form = VoteForm({"vote-voting": "show_of_hands", "vote-secret": "on"}, prefix="vote")
    assert form.is_valid()
    assert form.cleaned_data["secret"] is False
    form = VoteForm({"vote-voting": "electronic", "vote-secret": "on"}, prefix="vote")
    assert form.is_valid()
    assert form.cleaned_data["secret"] is True
    # Ticked by default for an electronic vote (the box is shown only for one).
    assert VoteForm(prefix="vote")["secret"].initial is True


def test_one_voter_in_a_secret_ballot_shows_totals_only_everywhere(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    """With one voter the result must not say how they voted: not on the page, the projector,
    the API, the chart or the ballot downloads."""
    poll = open_poll(method="plurality", options=["Ada", "Ben", "Cal"])
    _cast(poll, voters[:1], ["Ben"])
    poll = do_close_poll(poll, acting_user=manager)
    assert poll.result["withheld"]["minimum"] == 5  # the preset's [polls] secret_minimum_voters
    note = "Fewer than 5 voted: only totals are shown to protect the secrecy of the ballot"
    for name in ("polls:detail", "polls:projector", "polls:projector_fragment"):
        page = _page(client, voters[1].user, name, poll)
        assert note in page
        assert "(clause 15.5.1)" in page
        assert "Votes in each round" not in page
        assert "Full count report" not in page
        assert "format=blt" not in page
        assert "1 vote from" in page
    body = client.get(f"/api/polls/{poll.pk}/result").json()
    assert "table" not in body
    assert "count" not in body
    assert body["ballots"] == 1
    assert body["withheld"]["note"].startswith(note)
    assert client.get(reverse("polls:chart", args=[poll.pk])).status_code == 404
    for fmt in ("blt", "csv"):
        url = reverse("polls:download", args=[poll.pk]) + f"?format={fmt}"
        assert client.get(url).status_code == 404


def test_a_yes_no_secret_ballot_below_the_minimum_hides_the_division(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll(title="Motion 3", kind="motion", method="yes-no")
    _cast(poll, voters[:3], ["yes", "no", "abstain"])
    do_close_poll(poll, acting_user=manager)
    page = _page(client, manager, "polls:detail", poll)
    assert "Fewer than 5 voted" in page
    assert "<caption>Votes</caption>" not in page
    assert "Not carried" in page  # the outcome is the decision and is declared


def test_enough_voters_show_the_figures(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll(method="plurality", options=["Ada", "Ben", "Cal"])
    _cast(poll, voters, ["Ada", "Ben", "Ben", "Cal", "Ada"])
    poll = do_close_poll(poll, acting_user=manager)
    assert "withheld" not in poll.result
    page = _page(client, manager, "polls:detail", poll)
    assert "Fewer than" not in page
    assert "Votes in each round" in page


def test_a_paper_ballot_with_one_vote_is_secret_too(
    client: Any, unit: Any, voters: list[Any], manager: Any
) -> None:
    poll = do_create_poll(
        title="Motion 4",
        kind="motion",
        method="yes-no",
        voting="paper",
        unit=unit,
        acting_user=manager,
    )
    poll = do_open_poll(poll, electorate=voters, acting_user=manager)
    yes = poll.options.get(code="yes")
    TellerCount.objects.create(poll=poll, option=yes, count=1, entered_by=manager)
    poll = do_close_poll(poll, acting_user=manager)
    assert poll.result["withheld"]
    assert "<caption>Votes</caption>" not in _page(client, manager, "polls:detail", poll)


def test_low_turnout_is_noted_with_the_rulebook_threshold(
    client: Any, unit: Any, manager: Any, make_voter: Any
) -> None:
    electorate = [make_voter(unit) for _ in range(24)]
    poll = do_create_poll(
        title="Election of the chair",
        kind="election",
        method="plurality",
        options=["Ada", "Ben"],
        voting="electronic",
        secret=False,
        unit=unit,
        acting_user=manager,
    )
    poll = do_open_poll(poll, electorate=electorate, acting_user=manager)
    _cast(poll, electorate[:5], ["Ada", "Ada", "Ben", "Ada", "Ada"])
    poll = do_close_poll(poll, acting_user=manager)
    expected = (
        "Low turnout: 5 votes from 24 eligible (21%), below 25% of those eligible (clause 15.5.2)."
    )
    assert poll.result["low_turnout"]["note"] == expected
    assert expected in _page(client, manager, "polls:detail", poll)


@pytest.mark.pure
def test_low_turnout_and_the_secrecy_floor_by_the_rules() -> None:
    from fractions import Fraction

    from moot.rulebook.polls import PollRules

    assert not PollRules().is_low_turnout(votes=12, present=24)  # half, moot's default
    assert PollRules().is_low_turnout(votes=11, present=24)
    assert not PollRules(low_turnout=Fraction(1, 4)).is_low_turnout(votes=6, present=24)
    # An edition asking for one voter still never shows a one-voter secret ballot's figures.
    rules = PollRules(secret_minimum_voters=1)
    assert rules.figures_withheld(secret=True, voters=1)
    assert not rules.figures_withheld(secret=True, voters=2)
    assert not rules.figures_withheld(secret=False, voters=1)


def test_a_yes_no_outcome_is_said_once(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    """ "Not carried — … needed 3 — not carried" said the outcome twice (issue 9 fix round)."""
    poll = open_poll(title="Motion 5", kind="motion", method="yes-no")
    _cast(poll, voters, ["yes", "yes", "no", "no", "no"])
    do_close_poll(poll, acting_user=manager)
    page = _page(client, manager, "polls:detail", poll)
    outcome = re.search(r'<p class="outcome">(.*?)</p>', page, re.S)
    assert outcome is not None
    assert outcome.group(1).startswith("Not carried: ")
    assert outcome.group(1).lower().count("carried") == 1
