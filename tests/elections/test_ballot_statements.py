"""The voting page of an election's poll shows the real candidates' statements (through
polls.hooks, registered by the elections app): escaped, folded under each name, a job share's
two names; nothing of candidates who are not on the ballot (withdrawn, refused when the vote
opened), and nothing private (gender, eligibility, a refusal's reason)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from moot.elections.actions import do_open_election, do_withdraw_nomination
from moot.elections.models import Election, NominationState
from moot.members.actions import do_change_member_status

from .conftest import make_member, stand, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(election_factory: Any, unit: Any, officer: Any) -> Election:
    """Joint secretaries (a post that allows a job share), exhaustive ballot: three candidates
    on the ballot, one withdrawn, one refused when the vote opens (suspended since consenting)."""
    election = election_factory("secretary", method="irv")
    stand(
        election,
        make_member(unit, first_name="Rowan", last_name="Ashby", woman=True),
        officer=officer,
        statement="Rivers first.\n\nAnd <b>bridges</b> & fords.",
    )
    stand(
        election,
        make_member(unit, first_name="Sefton", last_name="Cole"),
        officer=officer,
        statement="Buses and bikes.",
    )
    stand(
        election,
        make_member(unit, first_name="Tamsin", last_name="Dale", woman=True),
        partner=make_member(unit, first_name="Ugo", last_name="Eves"),
        officer=officer,
        statement="Two of us, twice the hours.",
    )
    withdrawn = stand(
        election,
        make_member(unit, first_name="Wren", last_name="Foley"),
        officer=officer,
        statement="I withdrew before the vote.",
    )
    do_withdraw_nomination(withdrawn, acting_user=withdrawn.nominee.user)
    refused = stand(
        election,
        make_member(unit, first_name="Yara", last_name="Gill", woman=True),
        officer=officer,
        statement="Suspended since I consented.",
    )
    do_change_member_status(
        refused.nominee,
        "suspended",
        today() - datetime.timedelta(days=1),
        reason="Pending an investigation",
        acting_user=officer,
    )
    return election


def test_a_voter_reads_the_nominees_statements_on_the_ballot(
    client: Any, election: Election, unit: Any, officer: Any
) -> None:
    voter = make_member(unit)
    election = do_open_election(election, acting_user=officer)
    refused = election.nominations.get(nominee__first_name="Yara")
    assert refused.state == NominationState.REFUSED
    assert refused.refusal  # the reason is recorded, and is not the voters' business
    poll = election.poll
    assert [o.label for o in poll.options.all()] == [
        "Rowan Ashby",
        "Sefton Cole",
        "Tamsin Dale and Ugo Eves (job share)",
    ]

    client.force_login(voter.user)
    page = client.get(reverse("polls:vote", args=[poll.pk])).content.decode()
    main = page[page.index('<main id="main"') : page.index("</main>")]
    assert main.count('<details class="option-details"') == 3
    assert "<summary>Read Rowan Ashby's statement</summary>" in main
    assert "<p>Rivers first.</p>" in main
    assert "<p>And &lt;b&gt;bridges&lt;/b&gt; &amp; fords.</p>" in main
    assert "<summary>Read Sefton Cole's statement</summary>" in main
    assert "Buses and bikes." in main
    assert "<summary>Read Tamsin Dale and Ugo Eves's statement</summary>" in main
    assert "A job share: Tamsin Dale and Ugo Eves stand together and would share the post." in main
    assert "Two of us, twice the hours." in main
    # Nothing of the candidates who are not on the ballot.
    for absent in ("Wren", "I withdrew", "Yara", "Suspended since", refused.refusal):
        assert absent not in main
    # Nothing private: no gender, no eligibility, no clause of a refusal.
    lowered = main.lower()
    for private in ("woman", "women", "gender", "eligib", "suspend", "refus"):
        assert private not in lowered, private
    if refused.refusal_clause:
        assert f"rule {refused.refusal_clause}" not in main

    api = client.get(f"/api/polls/{poll.pk}").json()
    assert [o["statement"] for o in api["options"]] == [
        "Rivers first.\n\nAnd <b>bridges</b> & fords.",
        "Buses and bikes.",
        "Two of us, twice the hours.",
    ]
    assert "woman" not in str(api).lower()


def test_namesakes_are_told_apart_and_a_missing_statement_shows_nothing(
    client: Any, election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory("policy-officer", method="irv")
    first = stand(
        election,
        make_member(unit, first_name="Ash", last_name="Lowe"),
        officer=officer,
        statement="The first Ash.",
    )
    stand(election, make_member(unit, first_name="Ash", last_name="Lowe"), officer=officer)
    stand(election, make_member(unit, first_name="Bea", last_name="Marsh"), officer=officer)
    voter = make_member(unit)
    election = do_open_election(election, acting_user=officer)
    client.force_login(voter.user)
    page = client.get(reverse("polls:vote", args=[election.poll.pk])).content.decode()
    # Two candidates called Ash Lowe: the summary uses the ballot's label, which tells them apart.
    assert f"<summary>Read Ash Lowe ({first.nominee.number})'s statement</summary>" in page
    assert page.count('<details class="option-details"') == 1  # no statement, nothing to fold
    api = client.get(f"/api/polls/{election.poll.pk}").json()
    assert [o["statement"] for o in api["options"]] == ["The first Ash.", "", ""]
