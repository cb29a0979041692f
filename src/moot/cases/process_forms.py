"""Forms of the process's controls on a case page (assignment, stages, grounds, notice, reply,
postponement, report, decision, review, appeal, clock, suspension, sanctions) and of the
training page. They collect input; the actions decide and refuse with the field to blame."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from moot.cases.models import AssignmentRole, DrawPurpose, Outcome, Party, Stage
from moot.text import TextGuardMixin

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 5})


class _Form(TextGuardMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AssignForm(_Form):
    # Any account may be posted: one not on the list (untrained, conflicted) is refused by the
    # action with the rule and the refusal kept in the case's log, not "Select a valid choice".
    user = forms.IntegerField(
        label="Person",
        widget=forms.Select,
        error_messages={"required": "Choose someone trained from the list."},
    )
    role = forms.ChoiceField(label="Role", choices=AssignmentRole.choices)

    def __init__(self, *args: Any, people: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.Select, self.fields["user"].widget).choices = [
            ("", "Choose someone trained"),
            *list(people),
        ]


class IdentifyForm(_Form):
    member_number = forms.CharField(
        label="The respondent's membership number",
        max_length=20,
        help_text="Once identified, conflicts are computed against them too.",
    )


class EndAssignmentForm(_Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why it ends", max_length=200)


class DeclareConflictForm(_Form):
    reason = forms.CharField(
        label="Your conflict of interest",
        max_length=300,
        help_text="It takes effect at once: your role on this case ends and it leaves your view.",
    )


class DrawForm(_Form):
    purpose = forms.ChoiceField(label="Draw", choices=DrawPurpose.choices)


class MoveForm(_Form):
    to = forms.ChoiceField(label="Move to", choices=Stage.choices)


class _Grounds(_Form):
    # Not required here: the action refuses missing grounds saying what to give and the rule
    # (the criteria published, the clause to cite, reasons of the rulebook's length).
    criterion = forms.ChoiceField(label="Published criterion", required=False)
    clause = forms.CharField(label="Rule (clause)", max_length=40, required=False)
    reasons = forms.CharField(label="Reasons", widget=TEXTAREA, max_length=20000, required=False)

    def __init__(
        self,
        *args: Any,
        criteria: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["criterion"]).choices = [
            ("", "Choose one"),
            *list(criteria),
        ]


class TriageForm(_Grounds):
    route = forms.ChoiceField(
        label="Route",
        choices=[
            (Stage.NO_FURTHER_ACTION, "No further action"),
            (Stage.REMINDER_OF_CONDUCT, "Reminder of conduct"),
            (Stage.INVESTIGATION, "Investigate (notice to the respondent)"),
            (Stage.CLOSED, "Close: outside the process (not a member, duplicate, no case)"),
        ],
    )
    field_order = ["route", "criterion", "clause", "reasons"]


class DecisionForm(_Grounds):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[
            (value, Outcome(value).label)
            for value in (
                Outcome.NOT_UPHELD,
                Outcome.NO_FURTHER_ACTION,
                Outcome.REMINDER_OF_CONDUCT,
                Outcome.WARNING,
                Outcome.EDUCATION,
                Outcome.SUSPENSION,
                Outcome.EXPULSION,
            )
        ],
    )
    field_order = ["outcome", "criterion", "clause", "reasons"]


class ReviewForm(_Grounds):
    verdict = forms.ChoiceField(
        label="Verdict",
        choices=[("verified", "Verify the decision"), ("veto", "Veto it: a fresh panel decides")],
        widget=forms.RadioSelect,
    )
    field_order = ["verdict", "criterion", "clause", "reasons"]


class SuspendForm(_Grounds):
    start = forms.DateField(label="Suspended from", widget=DATE)
    field_order = ["start", "criterion", "clause", "reasons"]


class NoticeForm(_Form):
    allegation = forms.CharField(label="The allegation", widget=TEXTAREA, max_length=20000)
    basis = forms.CharField(label="Its factual basis", widget=TEXTAREA, max_length=20000)


class ReplyForm(_Form):
    reply = forms.CharField(label="The respondent's reply", widget=TEXTAREA, max_length=20000)
    companion = forms.CharField(label="Accompanied by (optional)", max_length=200, required=False)


class PostponeForm(_Form):
    hearing_on = forms.DateField(label="Hearing proposed for", widget=DATE)
    new_date = forms.DateField(label="New date", widget=DATE)
    reason = forms.CharField(label="Why the companion cannot come", max_length=2000)


class ReportForm(_Form):
    report = forms.CharField(
        label="Investigation report", widget=forms.Textarea(attrs={"rows": 12}), max_length=100000
    )


class AppealForm(_Form):
    by = forms.ChoiceField(
        label="Appeal by",
        choices=[(Party.COMPLAINANT, "The complainant"), (Party.RESPONDENT, "The respondent")],
    )
    grounds = forms.CharField(label="Grounds of appeal", widget=TEXTAREA, max_length=20000)


class PartyAppealForm(_Form):
    grounds = forms.CharField(label="Your grounds of appeal", widget=TEXTAREA, max_length=20000)


class ClockStopForm(_Form):
    reason = forms.ChoiceField(label="Reason")
    on = forms.DateField(label="Stopped on", widget=DATE)

    def __init__(self, *args: Any, reasons: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reason"]).choices = [
            ("", "Choose one"),
            *list(reasons),
        ]


class ClockRestartForm(_Form):
    on = forms.DateField(label="Restarted on", widget=DATE)


class ReasonsForm(_Form):
    reasons = forms.CharField(label="Reasons", widget=TEXTAREA, max_length=20000)


class SanctionForm(_Form):
    # Any value may be posted: one the rulebook does not allow is refused by the action naming
    # the sanctions it allows, with the clause.
    kind = forms.CharField(
        label="Sanction",
        max_length=40,
        widget=forms.Select,
        error_messages={"required": "Choose the sanction from the list."},
    )
    starts_on = forms.DateField(label="From", widget=DATE)
    ends_on = forms.DateField(label="Until (a suspension)", widget=DATE, required=False)
    reasons = forms.CharField(label="Reasons", widget=TEXTAREA, max_length=20000)

    def __init__(self, *args: Any, kinds: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.Select, self.fields["kind"].widget).choices = [
            ("", "Choose one"),
            *list(kinds),
        ]


class EducationDoneForm(_Form):
    sanction = forms.IntegerField(widget=forms.HiddenInput)
    completed_on = forms.DateField(label="Completed on", widget=DATE)


class ConfirmForm(_Form):
    """A button with nothing to fill in."""


class TrainingForm(_Form):
    email = forms.EmailField(label="Account e-mail address")
    category = forms.ChoiceField(label="Category")
    completed_on = forms.DateField(label="Completed on", widget=DATE)
    provider = forms.CharField(label="Given by", max_length=200)

    def __init__(
        self,
        *args: Any,
        categories: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("all", "Every category"),
            *categories,
        ]
