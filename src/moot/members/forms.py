"""Forms for the member pages (used by the views; every write still goes through an action).

Each form's ``save(acting_user=...)`` calls the action and turns an ``ActionError`` into a form
error, so a refused change shows its reason (and clause) beside the form, not a traceback.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from moot.errors import show_refusal
from moot.members import actions
from moot.members.errors import ActionError
from moot.members.models import Gender, Member, MemberStatus, ResignationKind
from moot.text import TextGuardMixin

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_future(value: datetime.date | None, what: str) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{what} cannot be in the future.")


class MemberForm(TextGuardMixin, forms.ModelForm):
    """Edit a member's details. ``gender`` is removed unless the viewer may see it
    (pass ``show_sensitive``)."""

    class Meta:
        model = Member
        # Not the e-mail address: the register's authority changes it (members.register).
        fields = [
            "first_name",
            "last_name",
            "phone",
            "address",
            "postcode",
            "date_of_birth",
            "gender",
            "constituency",
            "branch",
        ]
        widgets = {"date_of_birth": DateInput(), "address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "gender": "Self-described. Used only for the gender-balance rules; seen only by "
            "officers who apply them.",
        }

    def __init__(self, *args: Any, show_sensitive: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from moot.units.models import Unit

        if not show_sensitive:
            del self.fields["gender"]
        self.fields["constituency"].queryset = Unit.objects.filter(kind="constituency")
        self.fields["branch"].queryset = Unit.objects.filter(kind="branch")
        self.fields["branch"].required = False

    def clean_date_of_birth(self) -> datetime.date | None:
        value = self.cleaned_data.get("date_of_birth")
        _not_future(value, "The date of birth")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        constituency, branch = data.get("constituency"), data.get("branch")
        if constituency and branch and branch.parent_id != constituency.pk:
            self.add_error("branch", f"{branch} is not a branch of {constituency}.")
        return data

    def _post_clean(self) -> None:
        # The action validates and saves; the ModelForm must not write to the instance first.
        pass

    def save(self, commit: bool = True, *, acting_user: Any = None, reason: str = "") -> Member:  # type: ignore[override]
        changes = {name: self.cleaned_data[name] for name in self.fields}
        try:
            return actions.do_update_member(
                self.instance, acting_user=acting_user, reason=reason, **changes
            )
        except ActionError as exc:
            show_refusal(self, exc)
            raise


class StatusChangeForm(TextGuardMixin, forms.Form):
    status = forms.ChoiceField(choices=MemberStatus.choices)
    start = forms.DateField(
        widget=DateInput(), help_text="The day the new status begins (not in the future)."
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    reference = forms.CharField(
        required=False, max_length=120, help_text="e.g. a case or decision reference"
    )

    def __init__(self, *args: Any, member: Member, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        offered = [
            (value, label) for value, label in MemberStatus.choices if value != member.status
        ]
        if user is not None and not self.is_bound:
            from moot.members.register import proposes_status, status_change_refusal

            # Offer only what this user may record or propose (the rulebook's authority,
            # finding A); a status posted anyway is refused on submit with who decides it.
            offered = [
                (value, label)
                for value, label in offered
                if not status_change_refusal(member, value, user)
                or proposes_status(member, value, user)
            ]
        # No default: a careless click must not record the first status in the list.
        self.fields["status"].choices = [("", "Choose the new status…"), *offered]
        if not self.is_bound:
            self.initial.setdefault("start", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") and data.get("start"):
            try:
                actions.check_status_change(self.member, data["status"], data["start"])
            except ActionError as exc:
                show_refusal(self, exc)
        return data

    def save(self, *, acting_user: Any) -> Any:
        data = self.cleaned_data
        return actions.do_change_member_status(
            self.member,
            data["status"],
            data["start"],
            reason=data["reason"],
            reference=data["reference"],
            acting_user=acting_user,
        )


class ResignationForm(TextGuardMixin, forms.Form):
    kind = forms.ChoiceField(choices=ResignationKind.choices, widget=forms.RadioSelect)
    holding = forms.ModelChoiceField(
        queryset=None, required=False, label="Office", help_text="For a resignation from an office."
    )
    effective_on = forms.DateField(widget=DateInput(), label="Effective from")
    letter = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Optional: the text of the resignation letter.",
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from moot.units.queries import holdings_of_member

        self.member = member
        self.fields["holding"].queryset = holdings_of_member(member.pk, timezone.localdate())
        self.fields["holding"].label_from_instance = lambda h: f"{h.post.title}, {h.post.unit}"
        if not self.is_bound:
            self.initial.setdefault("effective_on", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, holding = data.get("kind"), data.get("holding")
        if kind == ResignationKind.OFFICE and holding is None:
            self.add_error("holding", "Choose the office the member resigns from.")
        if kind == ResignationKind.MEMBERSHIP:
            data["holding"] = None
            start = data.get("effective_on")
            if start:
                try:
                    actions.check_status_change(self.member, MemberStatus.RESIGNED, start)
                except ActionError as exc:
                    self.add_error("effective_on", str(exc))
        return data

    def save(self, *, acting_user: Any) -> Any:
        data = self.cleaned_data
        return actions.do_resign(
            self.member,
            kind=data["kind"],
            holding=data["holding"],
            letter=data["letter"],
            effective_on=data["effective_on"],
            acting_user=acting_user,
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row; see the import guide for the columns.",
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run: check the file without importing"
    )
    partial = forms.BooleanField(
        required=False,
        label="Import the valid rows even if some rows have problems",
        help_text="Off by default: one bad row and nothing is imported.",
    )

    def __init__(self, *args: Any, unit_default: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit_default = unit_default

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // 1_000_000} MB; the limit is "
                f"{MAX_UPLOAD_BYTES // 1_000_000} MB. Split it and import the parts."
            )
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                f"Byte {exc.start} of the file is not UTF-8. Save it as 'CSV UTF-8' and try again."
            ) from exc

    def save(self, *, acting_user: Any) -> Any:
        upload_name = getattr(self.files.get("file"), "name", "") if self.files else ""
        return actions.do_import_members(
            self.cleaned_data["file"],
            unit_default=self.unit_default,
            dry_run=self.cleaned_data["dry_run"],
            partial=self.cleaned_data["partial"],
            acting_user=acting_user,
            source_name=upload_name,
        )


GENDER_CHOICES = Gender.choices


class OfficeEditForm(MemberForm):
    """The membership office's edit of a member's details, with the reason the audit trail
    keeps (members.contact.do_edit_member_details)."""

    reason = forms.CharField(
        max_length=2000,
        help_text="Kept in the audit trail and shown in the record's history.",
    )

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "reason"}


class OwnContactForm(TextGuardMixin, forms.Form):
    """A member's own telephone number and address (members.contact.do_update_own_contact)."""

    phone = forms.CharField(max_length=40, required=False, label="Telephone")
    address = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(max_length=12, required=False)


class EmailChangeForm(TextGuardMixin, forms.Form):
    """A member asks for a new e-mail address on their record; a link confirms it."""

    email = forms.EmailField(
        max_length=254,
        label="New e-mail address",
        help_text="We send a link to this address; the change takes effect when you open it "
        "while signed in. Your current address is told of the request.",
    )


class ConfirmEmailForm(forms.Form):
    """The member's password, given when confirming a new e-mail address."""

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password",
        help_text="Asked so that someone using your signed-in session cannot move your mail.",
    )
