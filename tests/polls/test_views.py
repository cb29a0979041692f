"""The pages: a plain form post casts a vote (no JavaScript), errors name the problem, the
confirmation does not echo the vote, results stay hidden until close, managers only manage."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from moot.polls.models import Participation, SecretBallot

pytestmark = pytest.mark.django_db


def rank_field(poll: Any, label: str) -> str:
    return f"rank-{poll.options.get(label=label).pk}"


def test_ballot_page_is_an_accessible_form(client: Any, open_poll: Any, voters: list[Any]) -> None:
    poll = open_poll()
    client.force_login(voters[0].user)
    page = client.get(reverse("polls:vote", args=[poll.pk])).content.decode()
    assert "<fieldset" in page
    assert "<legend>Rank the candidates</legend>" in page
    for option in poll.options.all():
        assert f'<label for="rank-{option.pk}">{option.label}' in page
        assert f'<select id="rank-{option.pk}" name="rank-{option.pk}">' in page
    assert "Give your first choice rank 1" in page
    assert '<form method="post"' in page


def test_plain_form_post_casts_and_confirms_without_echoing(
    client: Any, open_poll: Any, voters: list[Any]
) -> None:
    poll = open_poll()
    client.force_login(voters[0].user)
    response = client.post(
        reverse("polls:vote", args=[poll.pk]),
        {rank_field(poll, "Cal"): "1", rank_field(poll, "Ada"): "2", rank_field(poll, "Ben"): ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("polls:voted", args=[poll.pk])
    assert Participation.objects.filter(poll=poll, member=voters[0]).exists()
    assert SecretBallot.objects.filter(poll=poll).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Your vote has been recorded" in page
    # The page's content (not the header, which names the signed-in voter: a factory name may
    # be "Ada …") never echoes the choices.
    main = page[page.index('<main id="main"') : page.index("</main>")]
    for label in ("Ada", "Ben", "Cal"):
        assert label not in main
    again = client.post(reverse("polls:vote", args=[poll.pk]), {rank_field(poll, "Ada"): "1"})
    assert "You have already voted in this poll." in again.content.decode()
    assert SecretBallot.objects.filter(poll=poll).count() == 1


def test_form_errors_name_the_problem_and_keep_the_ballot(
    client: Any, open_poll: Any, voters: list[Any]
) -> None:
    poll = open_poll()
    client.force_login(voters[1].user)
    response = client.post(
        reverse("polls:vote", args=[poll.pk]),
        {rank_field(poll, "Ada"): "2", rank_field(poll, "Ben"): "2", rank_field(poll, "Cal"): ""},
    )
    page = response.content.decode()
    assert response.status_code == 200  # the form again, with the problem named
    assert 'role="alert"' in page
    assert "You gave rank 2 to two candidates (Ada and Ben)" in page
    assert '<option value="2" selected>2</option>' in page  # what the voter chose is kept
    assert not Participation.objects.filter(poll=poll).exists()


def test_single_choice_uses_labelled_radio_buttons(
    client: Any, open_poll: Any, voters: list[Any]
) -> None:
    poll = open_poll(method="plurality", options=["Leave", "Stay"])
    client.force_login(voters[0].user)
    page = client.get(reverse("polls:vote", args=[poll.pk])).content.decode()
    stay = poll.options.get(label="Stay")
    assert f'<input type="radio" id="choice-{stay.pk}" name="choice" value="{stay.pk}">' in page
    assert f'<label for="choice-{stay.pk}">Stay</label>' in page
    empty = client.post(reverse("polls:vote", args=[poll.pk]), {})
    assert "Choose one answer before you submit your vote." in empty.content.decode()
    response = client.post(reverse("polls:vote", args=[poll.pk]), {"choice": str(stay.pk)})
    assert response.status_code == 302


def test_ineligible_member_sees_why(client: Any, open_poll: Any, voters: list[Any]) -> None:
    poll = open_poll()
    poll.entitlements.filter(member=voters[3]).update(
        eligible=False, reason="in arrears with subscriptions", clause="2.I.3"
    )
    client.force_login(voters[3].user)
    page = client.get(reverse("polls:vote", args=[poll.pk])).content.decode()
    assert "You cannot vote in this poll." in page
    assert "in arrears with subscriptions (rule 2.I.3)" in page
    assert "<fieldset" not in page


def test_only_managers_open_and_close(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    client.force_login(voters[0].user)
    assert client.post(reverse("polls:close", args=[poll.pk])).status_code == 403
    detail = client.get(reverse("polls:detail", args=[poll.pk])).content.decode()
    assert "Close the poll" not in detail
    assert "The result is hidden until the poll closes." in detail
    client.force_login(manager)
    detail = client.get(reverse("polls:detail", args=[poll.pk])).content.decode()
    assert "Close the poll and count" in detail
    assert 'hx-trigger="every 2s"' in detail  # live turnout


def test_results_and_ballots_hidden_before_close(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    client.force_login(voters[0].user)
    client.post(reverse("polls:vote", args=[poll.pk]), {rank_field(poll, "Ada"): "1"})
    for user in (voters[1].user, manager):
        client.force_login(user)
        for fmt in ("blt", "csv"):
            url = reverse("polls:download", args=[poll.pk]) + f"?format={fmt}"
            assert client.get(url).status_code == 403
        assert client.get(f"/api/polls/{poll.pk}/result").status_code == 403
        assert client.get(reverse("polls:chart", args=[poll.pk])).status_code == 404
        fragment = client.get(reverse("polls:projector_fragment", args=[poll.pk]))
        assert "1</span> of 5 have voted" in fragment.content.decode()
        assert "Ada" not in fragment.content.decode()


def test_outsiders_cannot_see_a_poll(client: Any, open_poll: Any, make_voter: Any) -> None:
    from factories import UnitFactory

    poll = open_poll()
    stranger = make_voter(UnitFactory(kind="constituency"))
    client.force_login(stranger.user)
    # A poll they may not see is answered as one that does not exist (moot.access).
    assert client.get(reverse("polls:vote", args=[poll.pk])).status_code == 404
    assert client.get(reverse("polls:detail", args=[poll.pk])).status_code == 404
    assert client.get(reverse("polls:detail", args=[999_999])).status_code == 404


def test_dashboard_panel_lists_open_votes_until_voted(
    client: Any, rf: Any, open_poll: Any, voters: list[Any]
) -> None:
    from moot.polls.dashboard import open_votes_panel

    poll = open_poll(title="Election of the treasurer")
    request = rf.get("/")
    request.user = voters[0].user
    panel = open_votes_panel(request)
    assert panel is not None
    assert panel["title"] == "Votes open to you"
    assert panel["polls"] == [poll]
    client.force_login(voters[0].user)
    page = client.get(reverse("polls:list")).content.decode()
    assert f'<a href="{reverse("polls:list")}" aria-current="page">Polls</a>' in page
    client.post(reverse("polls:vote", args=[poll.pk]), {rank_field(poll, "Ada"): "1"})
    assert open_votes_panel(request) is None


def test_draft_poll_page_waits_and_says_so(
    client: Any, unit: Any, voters: list[Any], manager: Any
) -> None:
    from moot.polls.actions import do_create_poll, do_open_poll

    poll = do_create_poll(
        title="Chair",
        kind="election",
        method="scottish-stv",
        options=["Ada", "Ben"],
        unit=unit,
        acting_user=manager,
    )
    client.force_login(voters[0].user)
    page = client.get(reverse("polls:vote", args=[poll.pk])).content.decode()
    assert "This poll is not open yet." in page
    assert f'hx-get="{reverse("polls:vote_status", args=[poll.pk])}"' in page
    assert "<fieldset" not in page
    do_open_poll(poll, electorate=voters, acting_user=manager)
    status = client.get(reverse("polls:vote_status", args=[poll.pk]), HTTP_HX_REQUEST="true")
    assert status.status_code == 286  # htmx stops polling
    assert "The poll is open." in status.content.decode()


def test_motion_result_says_which_majority_it_met(
    client: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    """After close, a yes/no vote's result page gives the outcome and the majority test in
    words, from the count itself."""
    from moot.polls.actions import do_cast_ballot, do_close_poll

    poll = open_poll(
        title="Suspend standing orders", kind="motion", method="yes-no", majority="two-thirds"
    )
    codes = {option.code: option.pk for option in poll.options.all()}
    for voter, code in zip(voters, ["yes", "yes", "yes", "no", "abstain"], strict=True):
        do_cast_ballot(poll, voter, [codes[code]], acting_user=voter.user)
    do_close_poll(poll, acting_user=manager)
    client.force_login(manager)
    page = client.get(reverse("polls:detail", args=[poll.pk])).content.decode()
    outcome = page.split('<p class="outcome">', 1)[1].split("</p>", 1)[0]
    assert outcome.startswith("Carried: two-thirds")
    assert "— carried" not in outcome  # the outcome is said once
    assert "3 of 4 needed 3" in page
