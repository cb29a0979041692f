"""Putting a vote: an electronic vote defaults to a secret ballot (issue 9 fix round, finding
15) — the box is ticked when the form is first shown; unticking it gives a named vote; a show
of hands or a paper ballot is decided by the way of voting whatever the box says."""

from __future__ import annotations

from moot.motions.forms import ChallengeForm, VoteForm


def test_the_secret_box_is_ticked_when_the_form_is_first_shown() -> None:
    for form_class in (VoteForm, ChallengeForm):
        assert "checked" in str(form_class()["secret"]), form_class


def test_electronic_ticked_is_secret_unticked_is_named_and_hands_are_never_secret() -> None:
    ticked = VoteForm({"voting": "electronic", "secret": "on"})
    assert ticked.is_valid(), ticked.errors
    assert ticked.cleaned_data["secret"] is True
    unticked = VoteForm({"voting": "electronic"})
    assert unticked.is_valid(), unticked.errors
    assert unticked.cleaned_data["secret"] is False
    hands = VoteForm({"voting": "show_of_hands", "secret": "on"})
    assert hands.is_valid(), hands.errors
    assert hands.cleaned_data["secret"] is False
