"""The ballot form, built for the poll's kind of ballot. Plain HTML controls that work without
JavaScript and read well with a screen reader: a fieldset with a legend, one labelled control per
candidate or answer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.http import QueryDict

from moot.polls.hooks import OptionDetails, option_details
from moot.polls.models import Poll, PollOption
from moot.polls.queries import ballot_kind


@dataclass(frozen=True)
class BallotControl:
    option: PollOption
    name: str  # the form field's name
    selected: str  # the value the voter gave (kept when the form is shown again with an error)


@dataclass
class Ballot:
    """What the voting page renders, and how to read the submitted form back into a choice."""

    poll: Poll
    kind: str
    controls: list[BallotControl]
    ranks: list[int]

    @property
    def instructions(self) -> str:
        if self.kind == "ranked":
            return (
                "Give your first choice rank 1, your second rank 2, and so on. Rank as many or "
                "as few candidates as you like; leave the others blank. Each rank once only."
            )
        if self.kind == "multi":
            if self.poll.method == "block":
                return f"Choose up to {self.poll.seats} candidates."
            return "Choose every candidate you approve of."
        return "Choose one answer."

    @cached_property
    def entries(self) -> list[tuple[BallotControl, OptionDetails | None]]:
        """Each control with what the voter may read about its option (a candidate's
        statement, from ``polls.hooks``). Looked up only when the page is rendered, not when a
        posted ballot is read and cast."""
        details = option_details(self.poll)
        return [(control, details.get(control.option.pk)) for control in self.controls]


def build_ballot(poll: Poll, data: QueryDict | None = None) -> Ballot:
    kind = ballot_kind(poll.method)
    options = list(poll.options.all())
    controls = []
    for option in options:
        if kind == "ranked":
            name = f"rank-{option.pk}"
            selected = data.get(name, "") if data is not None else ""
        elif kind == "multi":
            name = "choice"
            selected = (
                str(option.pk)
                if data is not None and str(option.pk) in data.getlist("choice")
                else ""
            )
        else:
            name = "choice"
            selected = (
                str(option.pk) if data is not None and data.get("choice") == str(option.pk) else ""
            )
        controls.append(BallotControl(option, name, selected))
    return Ballot(poll, kind, controls, list(range(1, len(options) + 1)))


def choice_from_post(ballot: Ballot, data: QueryDict) -> Any:
    """The choice in the shape ``do_cast_ballot`` takes: a mapping option id → rank for a
    ranked ballot, a list of option ids for multiple choice, one option id otherwise."""
    if ballot.kind == "ranked":
        return {c.option.pk: data.get(c.name, "").strip() for c in ballot.controls}
    if ballot.kind == "multi":
        return data.getlist("choice")
    return data.get("choice", "")


class TellerCountsForm(forms.Form):
    """One whole-number field per option; validated for totals by do_enter_teller_counts."""

    def __init__(self, *args: Any, poll: Poll, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.poll = poll
        existing = dict(poll.teller_counts.values_list("option_id", "count"))
        for option in poll.options.all():
            self.fields[f"option-{option.pk}"] = forms.IntegerField(
                label=f"Votes for {option.label}",
                min_value=0,
                required=True,
                initial=existing.get(option.pk),
            )

    def counts(self) -> dict[int, int]:
        return {
            int(name.removeprefix("option-")): value for name, value in self.cleaned_data.items()
        }
