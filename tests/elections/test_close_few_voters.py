"""The close confirmation of a secret ballot warns when fewer than the rulebook's minimum have
voted (issue 9 fix round, finding 5, in part): a one-voter secret ballot's result would show
how that member voted."""

from __future__ import annotations

from typing import Any

import pytest

from moot.elections.actions import do_open_election
from moot.polls.actions import do_cast_ballot
from moot.polls.results import rules_for

from .conftest import make_member, stand

pytestmark = pytest.mark.django_db


def test_the_close_confirmation_warns_below_the_minimum(
    client: Any, unit: Any, officer: Any, election_factory: Any
) -> None:
    election = election_factory("policy-officer", method="irv")
    first = stand(election, make_member(unit), officer=officer)
    stand(election, make_member(unit), officer=officer)
    election = do_open_election(election, acting_user=officer)
    option = election.nominations.get(pk=first.pk).poll_option_id
    minimum = rules_for(election.poll).minimum_voters
    assert minimum >= 2
    # The electorate froze when the vote opened: the nominees and their backers vote.
    electorate = [p for n in election.nominations.all() for p in (n.nominee, n.nominator)]
    electorate += [n.seconder for n in election.nominations.all()]
    assert len(electorate) >= minimum, "the test needs enough eligible voters"
    client.force_login(officer)
    url = f"/polls/{election.poll_id}/close/"

    do_cast_ballot(election.poll, electorate[0], [option], acting_user=electorate[0].user)
    page = client.get(url).content.decode()
    assert 'id="few-voters"' in page
    assert f"Only 1 member has voted, fewer than the {minimum}" in page

    for voter in electorate[1:minimum]:
        do_cast_ballot(election.poll, voter, [option], acting_user=voter.user)
    page = client.get(url).content.decode()
    assert 'id="few-voters"' not in page
