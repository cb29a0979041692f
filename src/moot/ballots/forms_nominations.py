"""The forms of the nominations pages (``views_nominations``): the choices come from the
queries, given by the view."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from moot.ballots.actions.nominations import STATEMENT_LIMIT
from moot.ballots.models import Candidate, Endorsement, EventKind
from moot.ballots.photos import MAX_BYTES
from moot.ballots.queries_nominations import organisations_list
from moot.meetings.models import Meeting
from moot.polls.models import Poll
from moot.text import TextGuardMixin
from moot.units.models import Unit


def _choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class _Form(TextGuardMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


class NominationVoteForm(_Form):
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="The unit's meeting",
        help_text="A meeting of the unit in the nominations window, not yet closed.",
    )
    nominees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Members proposed (membership numbers)",
        help_text="One membership number a line: the members proposed for nomination.",
    )
    seats = forms.IntegerField(
        min_value=1, label="How many the unit nominates", help_text="At most the ballot's seats."
    )

    def __init__(self, *args: Any, meetings: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "meeting", meetings)


class UnitNominationForm(_Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label="Nominating unit"
    )
    poll: forms.ModelChoiceField[Poll] = forms.ModelChoiceField(
        queryset=Poll.objects.none(),
        label="The poll that decided it",
        help_text="A closed nomination vote held for this ballot at one of the unit's meetings "
        "in the nominations window: its winners are the unit's nominees.",
    )

    def __init__(self, *args: Any, units: list[Any], polls: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "unit", Unit.objects.filter(pk__in=[u.pk for u in units]))
        _choices(self, "poll", polls)


class AffiliateNominationForm(_Form):
    organisation = forms.ModelChoiceField(queryset=organisations_list(), label="Organisation")
    member_number = forms.CharField(max_length=20, label="Nominee's membership number")
    reference = forms.CharField(max_length=200, label="Reference (the organisation's letter)")
    decided_on = forms.DateField(
        label="Date of its decision", widget=forms.DateInput(attrs={"type": "date"})
    )


class StatementForm(_Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        label="Your statement",
        help_text=f"Plain text, up to {STATEMENT_LIMIT:,} characters; every voter can read it.",
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo (PNG or JPEG)",
        help_text=f"Up to {MAX_BYTES // (1024 * 1024)} MB; it is re-encoded and its metadata "
        "dropped.",
    )


class WithdrawForm(_Form):
    reason = forms.CharField(max_length=500, required=False, label="Reason (optional)")


class EndorsementForm(_Form):
    organisation = forms.ModelChoiceField(queryset=organisations_list(), label="Organisation")
    candidate: forms.ModelChoiceField[Candidate] = forms.ModelChoiceField(
        queryset=Candidate.objects.none(), label="Candidate"
    )
    reference = forms.CharField(
        max_length=200,
        label="Reference of the organisation's decision",
        help_text="Its letter, minute or resolution (shown publicly with the endorsement).",
    )

    def __init__(self, *args: Any, candidates: QuerySet[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "candidate", candidates)


class EventForm(_Form):
    kind = forms.ChoiceField(choices=EventKind.choices, label="What happened")
    candidate: forms.ModelChoiceField[Candidate] = forms.ModelChoiceField(
        queryset=Candidate.objects.none(), label="Candidate"
    )
    endorsement: forms.ModelChoiceField[Endorsement] = forms.ModelChoiceField(
        queryset=Endorsement.objects.none(),
        required=False,
        label="Endorsement withdrawn (for an endorsement withdrawn)",
    )
    authority = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Authority",
        help_text="Who decided it and under what (a letter, a panel's decision).",
    )
    reference = forms.CharField(
        max_length=200,
        required=False,
        label="The candidate's written request (for a withdrawal)",
        help_text="The reference of their letter or e-mail asking to withdraw; they are told.",
    )
    clause = forms.CharField(max_length=120, required=False, label="Clause")
    notice = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Notice to voters",
        help_text="Shown on the voting page and in the next reminder to those not yet voted.",
    )

    def __init__(
        self,
        *args: Any,
        candidates: QuerySet[Candidate],
        endorsements: QuerySet[Endorsement],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "candidate", candidates)
        _choices(self, "endorsement", endorsements)
