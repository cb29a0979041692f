"""Officer posts and slates: reserved posts, gender balance, exclusive posts, job shares."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moot import rulebook
from moot.rulebook import SlateEntry

pytestmark = pytest.mark.pure


def slate(*holders: tuple[str, str, bool], job_share: frozenset[str] = frozenset()) -> list:
    return [
        SlateEntry(post=post, person=person, woman=woman, job_share=person in job_share)
        for post, person, woman in holders
    ]


def check(party, entries, unit_kind="constituency", *, complete=False):
    return rulebook.check_officer_slate(party, unit_kind, entries, complete=complete)


def test_posts_per_kind_of_unit(party):
    constituency = party.posts_for("constituency")
    assert [p.slug for p in constituency[:6]] == [
        "chair",
        "vice-chair",
        "secretary",
        "treasurer",
        "womens-officer",
        "tulo",
    ]
    by_slug = {p.slug: p for p in constituency}
    assert by_slug["womens-officer"].reserved_for_women
    assert not by_slug["chair"].job_share_allowed
    assert not by_slug["treasurer"].job_share_allowed
    assert by_slug["secretary"].job_share_allowed
    assert {p.slug for p in constituency if p.exclusive_group} == {
        "chair",
        "secretary",
        "treasurer",
    }
    assert all(p.seats == 1 and p.clause for p in constituency)
    assert [p.slug for p in party.posts_for("branch")] == [
        "chair",
        "vice-chair",
        "secretary",
        "treasurer",
        "womens-officer",
    ]
    assert party.posts_for("region") == ()
    assert party.posts_for("national") == ()
    with pytest.raises(rulebook.RulebookError, match="unit kind 'ward' is not defined"):
        party.posts_for("ward")


def test_a_post_reserved_for_women(party):
    refused = check(party, slate(("womens-officer", "1", False)))
    assert not refused.allowed
    assert [r.text for r in refused.reasons] == ["Women's officer is reserved for a woman"]
    assert refused.reasons[0].clause == "7.7.5"
    assert check(party, slate(("womens-officer", "1", True))).allowed


def test_no_one_holds_two_of_chair_secretary_and_treasurer(party):
    refused = check(party, slate(("chair", "1", True), ("treasurer", "1", True)))
    assert not refused.allowed
    assert refused.reasons[0].text == (
        "one person would hold both chair and treasurer; clause 7.7.3 allows only one of them"
    )
    # Other posts may be combined.
    assert check(party, slate(("chair", "1", True), ("policy-officer", "1", True))).allowed


def test_job_shares(party):
    chair = check(party, slate(("chair", "1", True), ("chair", "2", False)))
    assert not chair.allowed
    assert chair.reasons[0].text == "Chair may not be held as a job share; clause 7.7.4"
    # One holder flagged as a job share is refused too on a post that allows none.
    treasurer = check(party, slate(("treasurer", "1", True), job_share=frozenset({"1"})))
    assert not treasurer.allowed
    assert treasurer.reasons[0].clause == "7.7.4"
    secretary = slate(("secretary", "1", True), ("secretary", "2", False))
    assert check(party, secretary).allowed
    three = slate(("secretary", "1", True), ("secretary", "2", False), ("secretary", "3", True))
    refused = check(party, three)
    assert not refused.allowed
    assert refused.reasons[0].text == (
        "a job share of Secretary is at most 2 people; 3 would hold it"
    )


def test_gender_balance_of_a_complete_slate(party):
    posts = [p.slug for p in party.posts_for("constituency")]
    # Women in posts 1, 3, 5, ... : six of eleven, three of the first six.
    balanced = slate(*[(slug, str(i), i % 2 == 0) for i, slug in enumerate(posts)])
    assert check(party, balanced, complete=True).allowed
    # Five women of eleven: not half.
    five = slate(*[(slug, str(i), i % 2 == 0 and i < 10) for i, slug in enumerate(posts)])
    verdict = check(party, five, complete=True)
    assert not verdict.allowed
    assert [r.text for r in verdict.reasons] == [
        "5 of 11 officers would be women; clause 7.7.2 needs at least half of all officers"
    ]
    # Only the women's officer among the first six.
    late = slate(
        *[(slug, str(i), slug == "womens-officer" or i >= 6) for i, slug in enumerate(posts)]
    )
    verdict = check(party, late, complete=True)
    assert not verdict.allowed
    assert [r.text for r in verdict.reasons] == [
        "1 of the first 6 posts would be held by women; clause 7.7.2 needs at least 3"
    ]


def test_balance_is_judged_on_what_vacancies_can_still_make_up(party):
    # Appointing one by one: a man as chair is fine while the other seats are vacant.
    assert check(party, slate(("chair", "1", False))).allowed
    men = slate(
        ("chair", "1", False),
        ("vice-chair", "2", False),
        ("secretary", "3", False),
        ("treasurer", "4", False),
    )
    verdict = check(party, men)
    assert not verdict.allowed
    assert [r.text for r in verdict.reasons] == [
        (
            "0 of the first 6 posts would be held by women, with 2 still to fill; clause 7.7.2 "
            "needs at least 3"
        )
    ]
    # The same slate judged as final also fails the share of all officers.
    assert len(check(party, men, complete=True).reasons) == 2


def test_branch_needs_two_women(party):
    one = slate(("chair", "1", True), ("secretary", "2", False), ("treasurer", "3", False))
    assert check(party, one, "branch").allowed  # two seats still vacant
    complete = check(party, one, "branch", complete=True)
    assert not complete.allowed
    assert complete.reasons[0].text == (
        "1 of 3 officers would be women; clause 8.4.2 needs at least 2"
    )
    full = slate(
        ("chair", "1", False),
        ("vice-chair", "2", False),
        ("secretary", "3", False),
        ("treasurer", "4", False),
    )
    assert not check(party, full, "branch").allowed  # one seat left cannot make two women


def test_unknown_posts_and_units_without_posts(party):
    verdict = check(party, slate(("president", "1", True)))
    assert not verdict.allowed
    assert verdict.reasons[0].text == (
        "'president' is not an officer post of a constituency in party-2026"
    )
    assert check(party, [], "region").allowed
    assert not check(party, slate(("chair", "1", True)), "region").allowed


def test_allowed_slate_cites_the_catalogue_clause_first(party):
    verdict = check(party, slate(("chair", "1", True)))
    assert verdict.allowed
    assert verdict.clause == "7.7.1"
    assert all(r.clause for r in verdict.reasons)


def test_demo_appointment_order_passes_at_every_step(party):
    """The demo seed fills posts in order, a woman for reserved posts and even positions."""
    entries: list[SlateEntry] = []
    for index, post in enumerate(party.posts_for("constituency")):
        entries.append(SlateEntry(post.slug, str(index), post.reserved_for_women or index % 2 == 0))
        assert check(party, entries).allowed, post.slug
    assert check(party, entries, complete=True).allowed


@given(st.lists(st.booleans(), min_size=11, max_size=11), st.integers(0, 11))
def test_a_partial_slate_is_refused_only_if_no_completion_passes(women, filled):
    """Incremental judgement is exactly 'some way of filling the vacancies would pass'."""
    party = rulebook.preset("party")
    posts = party.posts_for("constituency")
    partial = [
        SlateEntry(p.slug, str(i), women[i] or p.reserved_for_women)
        for i, p in enumerate(posts[:filled])
    ]
    best = partial + [SlateEntry(p.slug, str(i + 100), True) for i, p in enumerate(posts[filled:])]
    assert check(party, partial).allowed == check(party, best, complete=True).allowed
