"""Forms of the cases pages. They collect input; the actions decide (and their refusals are
shown on the field they name). The public form asks nothing it would have to check against the
register: whether someone is a member is never confirmed to the public."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from moot.cases.actions.intake import Complaint
from moot.cases.models import IntakeChannel, Party, Stage
from moot.text import TextGuardMixin

DIRECTED_CHOICES = [
    ("yes", "Yes: it was said or done to me"),
    ("no", "No: I saw or heard about it (a third-party complaint)"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; a list of (name, bytes) once cleaned (possibly empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[tuple[str, bytes]]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [(item.name, item.read()) for item in items if item]


def _category_choices(rules: Any) -> list[tuple[str, str]]:
    return [("", "Choose one")] + [(c.slug, c.title) for c in rules.categories]


class _ComplaintFields(TextGuardMixin, forms.Form):
    category = forms.ChoiceField(label="What is the complaint about?")
    directed = forms.ChoiceField(
        label="Was the conduct directed at you?", choices=DIRECTED_CHOICES, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text="What was said or done, where (a meeting, online: give the link), and by whom.",
    )
    incident_dates = forms.CharField(
        label="When it happened",
        max_length=200,
        required=False,
        help_text="A date, several dates or a period, e.g. 3 May 2026, or March to May 2026.",
    )
    witnesses = forms.CharField(
        label="Witnesses (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text="Who else saw or heard it, and how to reach them if you know.",
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a field's name, not BaseForm.files
        label="Evidence files (optional)",
        help_text="Screenshots, letters, documents: PDF, PNG, JPEG, plain text or Word (.docx).",
    )

    def __init__(self, *args: Any, rules: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.rules = rules
        cast(forms.ChoiceField, self.fields["category"]).choices = _category_choices(rules)
        megabytes = rules.evidence_max_bytes // 1048576
        self.fields[
            "files"
        ].help_text += f" Up to {rules.evidence_max_files} files of at most {megabytes} MB each."


class PublicComplaintForm(_ComplaintFields):
    respondent_description = forms.CharField(
        label="Who is the complaint about?",
        max_length=300,
        help_text="Their name, and anything that helps identify them: their branch or role, a "
        "social media account. Write 'unknown' if you do not know who they are.",
    )
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Where did it happen? (optional)",
        empty_label="I don't know",
        help_text="The constituency party concerned, if you know.",
    )
    complainant_name = forms.CharField(label="Your name (optional)", max_length=200, required=False)
    complainant_email = forms.CharField(
        label="Your e-mail address (optional)",
        max_length=254,
        required=False,
        help_text="For the acknowledgement and updates. Without one, follow the complaint with "
        "the receipt code you are given.",
    )
    field_order = [
        "respondent_description",
        "unit",
        "category",
        "directed",
        "description",
        "incident_dates",
        "witnesses",
        "files",
        "complainant_name",
        "complainant_email",
    ]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        clause = getattr(kwargs.get("rules"), "clause", "")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Any], self.fields["unit"]).queryset = units
        # Left empty: what to give, with the rule (not Django's "This field is required.").
        self.fields["respondent_description"].error_messages["required"] = (
            "Say who the complaint is about: their name, branch or role, or a social media "
            "account; write 'unknown' if you do not know who they are"
            + (f" (rule {clause})." if clause else ".")
        )

    def complaint(self) -> Complaint:
        data = self.cleaned_data
        return Complaint(
            category=data["category"],
            description=data["description"],
            directed=data["directed"] == "yes",
            respondent_description=data["respondent_description"],
            unit=data.get("unit"),
            incident_dates=data.get("incident_dates", ""),
            witnesses=data.get("witnesses", ""),
            complainant_name=data.get("complainant_name", ""),
            complainant_email=data.get("complainant_email", ""),
            files=data.get("files") or [],
        )


class RespondentNumberField(forms.CharField):
    """A membership number, cleaned to the Member (look-ups of members the user may not see
    count against the look-up limit, as everywhere a number is typed)."""

    def clean(self, value: Any) -> Any:
        number = (super().clean(value) or "").strip().upper()
        if not number:
            return None
        from moot.cases.queries import member_by_number
        from moot.limits import note_number_lookup

        member = member_by_number(number)
        note_number_lookup(member, field="respondent_number")
        if member is None:
            raise forms.ValidationError(
                f"No member has the number {number}; check it, or leave it empty and describe "
                "the person instead."
            )
        return member


class MemberComplaintForm(_ComplaintFields):
    respondent_number = RespondentNumberField(
        label="Their membership number, if you know it",
        max_length=20,
        required=False,
        help_text="e.g. M0001234.",
    )
    respondent_description = forms.CharField(
        label="Otherwise: who is it?",
        max_length=300,
        required=False,
        help_text="Their name and anything that identifies them, or 'not a member' / 'unknown'.",
    )
    field_order = ["respondent_number", "respondent_description", "category", "directed"]

    def complaint(self) -> Complaint:
        data = self.cleaned_data
        return Complaint(
            category=data["category"],
            description=data["description"],
            directed=data["directed"] == "yes",
            respondent=data.get("respondent_number"),
            respondent_description=data.get("respondent_description", ""),
            incident_dates=data.get("incident_dates", ""),
            witnesses=data.get("witnesses", ""),
            files=data.get("files") or [],
        )


class StaffComplaintForm(PublicComplaintForm):
    channel = forms.ChoiceField(
        label="Received by",
        choices=[
            (IntakeChannel.EMAIL, "E-mail or letter"),
            (IntakeChannel.STAFF, "In person or by telephone"),
        ],
    )
    respondent_number = RespondentNumberField(
        label="Respondent's membership number (if a member)", max_length=20, required=False
    )
    field_order = ["channel", "respondent_number", *PublicComplaintForm.field_order]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["respondent_description"].required = False
        self.fields["respondent_description"].label = "Otherwise: who is it?"

    def complaint(self) -> Complaint:
        complaint = super().complaint()
        complaint.respondent = self.cleaned_data.get("respondent_number")
        return complaint


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label="Receipt code",
        max_length=40,
        help_text="The 20 digits you were given when you sent the complaint (spaces optional).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class AnswerForm(TextGuardMixin, forms.Form):
    answer = forms.CharField(
        label="Your answer or further information",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )


class EvidenceForm(forms.Form):
    files = MultipleFileField(label="Add evidence files")  # type: ignore[assignment]  # a field

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NoteForm(TextGuardMixin, forms.Form):
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class QuestionForm(TextGuardMixin, forms.Form):
    to = forms.ChoiceField(
        label="Ask",
        choices=[(Party.COMPLAINANT, "the complainant"), (Party.RESPONDENT, "the respondent")],
    )
    question = forms.CharField(
        label="Question", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class RepresentationForm(TextGuardMixin, forms.Form):
    from_description = forms.CharField(
        label="Who made it", max_length=200, help_text="Their name or office."
    )
    role_of_person = forms.CharField(
        label="Their role",
        max_length=200,
        help_text="e.g. constituency secretary, national executive member, leader's office.",
    )
    summary = forms.CharField(
        label="What they said or asked", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )


class CaseFilterForm(forms.Form):
    stage = forms.ChoiceField(required=False, choices=[("", "Any stage"), *Stage.choices])
    category = forms.ChoiceField(required=False)
    overdue = forms.BooleanField(required=False, label="Overdue only")
    mine = forms.BooleanField(required=False, label="Assigned to me")

    def __init__(self, *args: Any, rules: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "Any category")] + [
            (c.slug, c.title) for c in rules.categories
        ]
