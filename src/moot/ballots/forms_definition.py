"""Forms for calling a ballot, editing its definition and appointing its officers. Plain HTML
controls with labels and help text; the actions check the rules and name the field at fault.
Times are entered in the organisation's time zone and stored in UTC."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from moot.rulebook.ballots import CANDIDATE_ORDERS, CHANNELS, PRECEDENCES, TIE_BREAKS
from moot.text import TextGuardMixin

PRECEDENCE_LABELS = {
    "first_received": "The first valid return counts, by either channel",
    "online_wins": "An online vote counts over a paper, whatever the order",
    "paper_wins": "A paper counts over an online vote, whatever the order",
    "last_online": "The last online vote counts; a paper only without one",
}


class _Form(TextGuardMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NewBallotForm(_Form):
    """Which unit's members, starting from which of the rulebook's presets."""

    choice = forms.ChoiceField(
        label="Whose members vote, on what",
        help_text="The units the rulebook lets you call a ballot of, with its presets.",
    )
    title = forms.CharField(
        max_length=200, required=False, help_text="Leave blank to use the preset's title."
    )
    position = forms.CharField(
        max_length=200,
        required=False,
        label="Position elected",
        help_text="For an election whose preset names no position, e.g. Chair.",
    )
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        label="The question put to the members",
        help_text="For a question: its full text, answered yes or no.",
    )

    def __init__(self, *args: Any, callables: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["choice"]).choices = [
            (f"{c.unit.pk}:{p.slug}", f"{c.unit.name}: {p.title}")
            for c in callables
            for p in c.presets
        ]

    def chosen(self) -> tuple[int, str]:
        unit_id, slug = self.cleaned_data["choice"].split(":", 1)
        return int(unit_id), slug


def _local(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%dT%H:%M")  # Django's fields hand widgets local naive times


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.datetime):
            return _local(value)
        return value


class RemindersField(forms.Field):
    """Reminder times, one per line, ``YYYY-MM-DD HH:MM`` in the organisation's time zone."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(_local(v).replace("T", " ") for v in value)
        return value

    def to_python(self, value: Any) -> tuple[datetime.datetime, ...]:
        text = value if isinstance(value, str) else ""
        if len(text) > 2000:
            raise forms.ValidationError("At most 2,000 characters: a few reminder times.")
        moments = []
        for number, written in enumerate(text.splitlines(), start=1):
            line = written.strip().replace("T", " ")
            if not line:
                continue
            try:
                moment = datetime.datetime.strptime(line, "%Y-%m-%d %H:%M")  # noqa: DTZ007 - made aware below
            except ValueError:
                raise forms.ValidationError(
                    f"Line {number}: write a time as YYYY-MM-DD HH:MM, e.g. 2026-06-23 09:00."
                ) from None
            moments.append(timezone.make_aware(moment))
        return tuple(moments)


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class DefinitionForm(_Form):
    """Every value of a draft ballot's definition (``BallotSpec``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from moot.counting.registry import methods

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["method"]).choices = [
            (name, f"{name}: {spec.summary}") for name, spec in sorted(methods().items())
        ]

    title = forms.CharField(max_length=200)
    position = forms.CharField(
        max_length=200, required=False, help_text="The position elected (an election)."
    )
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text="The full text put to the members (a question).",
    )
    seats = forms.IntegerField(min_value=1, max_value=100)
    min_women = forms.IntegerField(
        min_value=0, max_value=100, label="At least this many women elected"
    )
    method = forms.ChoiceField(
        choices=(),
        label="Counting method",
        help_text="STV (Scottish, Meek …) for several seats; IRV for one; yes-no for a question.",
    )
    tie_break = forms.ChoiceField(choices=[(t, t) for t in TIE_BREAKS])
    precedence = forms.ChoiceField(
        choices=[(p, PRECEDENCE_LABELS[p]) for p in PRECEDENCES],
        label="When a member returns more than one",
        help_text="Declared and published with the ballot (BALLOTS.md §1.10).",
    )
    channels = forms.MultipleChoiceField(
        choices=[(c, c.capitalize()) for c in CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    candidate_order = forms.ChoiceField(
        choices=[(c, c.capitalize()) for c in CANDIDATE_ORDERS], label="Candidate order"
    )
    nomination_threshold = forms.IntegerField(
        min_value=0, max_value=1000, label="Nominations needed to reach the ballot"
    )
    nominating_kinds = forms.CharField(
        required=False,
        max_length=200,
        label="Who nominates",
        help_text="Kinds of unit, and affiliate, separated by commas: constituency, affiliate.",
    )
    show_endorsements = forms.BooleanField(required=False, label="Show endorsements on the ballot")
    nominations_open = _date_field("Nominations open on", required=False)
    nominations_close = _date_field("Nominations close on", required=False)
    freeze_date = _date_field("The roll and the definition freeze on")
    issue_at = forms.DateTimeField(
        label="Issued at", widget=DateTimeLocal(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    reminders = RemindersField(
        required=False,
        label="Reminders to members who have not voted",
        help_text="One per line, YYYY-MM-DD HH:MM, between the issue and the close.",
    )
    close_at = forms.DateTimeField(
        label="Closes at", widget=DateTimeLocal(), input_formats=["%Y-%m-%dT%H:%M"]
    )

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["channels"] = tuple(data["channels"])
        data["nominating_kinds"] = tuple(
            k.strip() for k in (data["nominating_kinds"] or "").split(",") if k.strip()
        )
        for name in ("issue_at", "close_at"):
            data[name] = data[name].replace(second=0, microsecond=0)
        return data

    @classmethod
    def initial_of(cls, ballot: Any) -> dict[str, Any]:
        from moot.ballots.actions.definition import spec_of

        spec = spec_of(ballot)
        initial = {name: getattr(spec, name) for name in cls.base_fields}
        initial["channels"] = list(spec.channels)
        initial["nominating_kinds"] = ", ".join(spec.nominating_kinds)
        initial["reminders"] = list(spec.reminders)
        return initial


class OfficerForm(_Form):
    """Appoint a person to a role in the ballot, by their account's e-mail address."""

    role = forms.ChoiceField(
        choices=[
            ("returning_officer", "Returning officer"),
            ("scrutineer", "Scrutineer"),
            ("teller", "Teller"),
        ]
    )
    email = forms.EmailField(
        label="Their e-mail address",
        max_length=254,
        help_text="The address of the account they sign in with.",
    )
    reason = forms.CharField(
        max_length=500,
        required=False,
        label="Why (replacing a scrutineer)",
        help_text="A scrutineer replaced is recorded with the reason.",
    )


class RemoveTellerForm(_Form):
    teller = forms.IntegerField(widget=forms.HiddenInput)
