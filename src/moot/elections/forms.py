"""Forms for elections: create an election, nominate (by member number), answer a nomination,
withdraw. Plain HTML controls with labels and help text; the actions do the rule checks."""

from __future__ import annotations

from typing import Any

from django import forms

from moot.elections.models import ElectionMethod
from moot.members.models import Member
from moot.text import TextGuardMixin
from moot.units.lookup_forms import LookupMixin


class MemberNumberField(forms.CharField):
    """A member given by membership number ("M0001234"), limited to one unit's members."""

    def __init__(self, *args: Any, unit: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        number = value.strip().upper()
        member = Member.objects.filter(number=number).first()
        from moot.limits import note_number_lookup
        from moot.members.queries import member_belongs_to

        note_number_lookup(member)

        if member is None or (self.unit is not None and not member_belongs_to(member, self.unit)):
            raise forms.ValidationError(
                f"No member of {self.unit} has the number {number}; check the membership card."
            )
        return member


class ElectionForm(TextGuardMixin, forms.Form):
    post = forms.ModelChoiceField(queryset=None, label="Post", empty_label=None)
    method = forms.ChoiceField(
        choices=ElectionMethod.choices,
        label="Method",
        help_text="First past the post or the exhaustive ballot for one seat; STV for several "
        "equal seats.",
    )
    seats = forms.IntegerField(
        min_value=1,
        required=False,
        label="Seats",
        help_text="Leave empty for all of the post's seats.",
    )
    meeting = forms.ModelChoiceField(
        queryset=None, required=False, label="Meeting", empty_label="None (a ballot of members)"
    )
    agenda_item = forms.ModelChoiceField(
        queryset=None, required=False, label="Agenda item", empty_label="None"
    )
    election_date = forms.DateField(
        required=False,
        label="Date of the vote",
        help_text="Only for a ballot outside a meeting; at a meeting it is the meeting's date.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    nominations_open_on = forms.DateField(
        label="Nominations open on", widget=forms.DateInput(attrs={"type": "date"})
    )
    nominations_close_on = forms.DateField(
        label="Nominations close on", widget=forms.DateInput(attrs={"type": "date"})
    )
    statement_limit = forms.IntegerField(
        min_value=100,
        initial=1500,
        label="Longest candidate statement (characters)",
    )

    def __init__(self, *args: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from moot.meetings.models import AgendaItem, Meeting
        from moot.units.models import Post

        self.unit = unit
        self.fields["post"].queryset = Post.objects.filter(unit=unit)
        meetings = Meeting.objects.filter(unit=unit).exclude(state="closed")
        self.fields["meeting"].queryset = meetings
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(
            meeting__in=meetings, kind="election"
        ).select_related("meeting")
        self.fields["agenda_item"].label_from_instance = lambda item: (
            f"{item.meeting}: {item.position}. {item.title}"
        )


class NominationForm(LookupMixin, TextGuardMixin, forms.Form):
    nominee = MemberNumberField(label="Nominee's membership number")
    partner = MemberNumberField(
        label="Job-share partner's membership number",
        required=False,
        help_text="Only for a post that may be held as a job share; leave empty otherwise.",
    )
    nominator = MemberNumberField(label="Nominator's membership number")
    seconder = MemberNumberField(label="Seconder's membership number")

    def __init__(
        self,
        *args: Any,
        election: Any,
        own: Any = None,
        manager: bool,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        """``user``: who fills it in, for finding the members by name (``add_lookup``)."""
        super().__init__(*args, **kwargs)
        for name in ("nominee", "partner", "nominator", "seconder"):
            self.fields[name].unit = election.unit
        if not election.post.job_share_allowed:
            del self.fields["partner"]
        if own is not None and not manager:
            # A member nominates in their own name; the seconder then confirms.
            self.fields["nominator"].initial = own.number
            self.fields["nominator"].help_text = "You, unless you are the seconder."
        self.setup_lookups(user=user, unit=election.unit)
        if user is not None:
            from moot.clock import today

            for name, purpose, at, role in (
                ("nominee", "stand", election.election_date, "nominee"),
                ("partner", "stand", election.election_date, "job-share partner"),
                ("nominator", "nominate", today(), "nominator"),
                ("seconder", "nominate", today(), "seconder"),
            ):
                # The nominator too, for a member: they may be the seconder, naming another
                # member as the nominator (by name, not only by number).
                if name in self.fields:
                    self.add_lookup(name, purpose=purpose, at=at, role=role)


class AnswerForm(TextGuardMixin, forms.Form):
    statement = forms.CharField(
        label="Your statement to the members",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Plain text, shown with your name on the candidates' page before the vote.",
    )

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"].help_text += f" At most {limit:,} characters."
        self.fields["statement"].widget.attrs["maxlength"] = str(limit)


class WithdrawForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label="Authority for the withdrawal",
        required=False,
        max_length=300,
        help_text="Needed when you withdraw someone else's nomination (e.g. their letter).",
    )
