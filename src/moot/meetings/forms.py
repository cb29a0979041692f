"""Forms for meetings: schedule, agenda item, guest, meeting code, minutes. Plain HTML
controls with labels and help text; the actions validate the rules and name the field."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from moot.meetings.models import AttendanceMode, Capacity, ItemKind, Minutes
from moot.text import TextGuardMixin, guard_form_text


class _Form(TextGuardMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MemberNumberField(forms.CharField):
    """A member given by number (M0001234), resolved in the form's clean."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def _member_by_number(number: str, unit: Any) -> Any:
    from moot.limits import note_number_lookup
    from moot.members.models import Member
    from moot.members.queries import member_belongs_to

    member = Member.objects.filter(number=number.strip().upper()).first()
    note_number_lookup(member)
    # The same answer for a number nobody has and one of another unit: the form names nobody
    # the officer may not see (issue 8, finding 5).
    if member is None or (unit is not None and not member_belongs_to(member, unit)):
        where = f"of {unit.name} " if unit is not None else ""
        raise forms.ValidationError(f"No member {where}is numbered {number}: check the number.")
    return member


class ScheduleForm(_Form):
    unit = forms.ModelChoiceField(queryset=None, label="Unit", empty_label=None)
    kind = forms.ChoiceField(label="Kind of meeting", help_text="From the rulebook in force.")
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave empty for e.g. “Annual general meeting of …”.",
    )
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), initial="19:00")
    attendance_mode = forms.ChoiceField(
        choices=AttendanceMode.choices, label="Attendance", initial=AttendanceMode.IN_PERSON
    )
    location = forms.CharField(
        max_length=300, required=False, help_text="The hall or room (in person and hybrid)."
    )
    online_url = forms.URLField(
        max_length=500,
        required=False,
        label="Online link",
        help_text="The video-call link (online and hybrid).",
        assume_scheme="https",
    )
    # No chair: the unit's chair (else vice-chair) chairs; changing it has its own page with a
    # reason. No notice date: moot sends the notice, or one sent another way is recorded with a
    # reason on its own page (issue 8, findings 4 and 15).
    secretary_number = MemberNumberField(label="Secretary (member number)")

    def __init__(self, *args: Any, units: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["kind"].choices = kinds

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit = data.get("unit")
        number = (data.get("secretary_number") or "").strip()
        data["secretary"] = None
        if number:
            try:
                data["secretary"] = _member_by_number(number, unit)
            except forms.ValidationError as exc:
                self.add_error("secretary_number", exc)
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(
                datetime.datetime.combine(data["date"], data["time"])
            )
        return data


class EditMeetingForm(_Form):
    """Change a scheduled meeting: a new date is checked against the notice already sent."""

    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    attendance_mode = forms.ChoiceField(choices=AttendanceMode.choices, label="Attendance")
    location = forms.CharField(max_length=300, required=False)
    online_url = forms.URLField(
        max_length=500, required=False, label="Online link", assume_scheme="https"
    )
    # The chair is changed on its own page, with a reason (do_change_meeting_chair).
    secretary_number = MemberNumberField(label="Secretary (member number)")

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        local = timezone.localtime(meeting.starts_at)
        kwargs.setdefault(
            "initial",
            {
                "title": meeting.title,
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "attendance_mode": meeting.attendance_mode,
                "location": meeting.location,
                "online_url": meeting.online_url,
                "secretary_number": meeting.secretary.number if meeting.secretary_id else "",
            },
        )
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        number = (data.get("secretary_number") or "").strip()
        data["secretary"] = None
        if number:
            try:
                data["secretary"] = _member_by_number(number, self.meeting.unit)
            except forms.ValidationError as exc:
                self.add_error("secretary_number", exc)
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(
                datetime.datetime.combine(data["date"], data["time"])
            )
        return data

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the meeting as it is."""
        data = self.cleaned_data
        wanted = {
            name: data[name]
            for name in (
                "title",
                "starts_at",
                "attendance_mode",
                "location",
                "online_url",
                "secretary",
            )
            if name in data
        }
        return {
            name: value for name, value in wanted.items() if getattr(self.meeting, name) != value
        }


class AgendaItemForm(_Form):
    kind = forms.ChoiceField(choices=ItemKind.choices, label="Kind of item")
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Details (optional)",
        help_text="For a report: its text, which the minutes give in full.",
    )
    speaker = forms.CharField(
        max_length=200,
        required=False,
        help_text="For an invited speaker or training session: who speaks. For a report: who "
        "presents it, e.g. 'The Treasurer'.",
    )
    speaker_organisation = forms.CharField(
        max_length=200, required=False, label="Speaker's organisation"
    )
    topic = forms.CharField(max_length=300, required=False)


class AgendaItemEditForm(AgendaItemForm):
    """An item's words: its kind and place stay (move it, or remove it and add another)."""

    kind = None  # type: ignore[assignment]


class GuestForm(_Form):
    guest_name = forms.CharField(max_length=200, label="Name")
    capacity = forms.ChoiceField(
        choices=[(Capacity.GUEST, "Guest"), (Capacity.OBSERVER, "Observer")],
        initial=Capacity.GUEST,
    )


class CodeForm(_Form):
    code = forms.CharField(
        max_length=12,
        label="Meeting code",
        help_text="Shown in the room and on the projector (six letters and digits).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class MinutesForm(_Form):
    """One text area per section of the minutes; paragraphs separated by a blank line."""

    note = forms.CharField(
        max_length=300, required=False, label="What you changed (kept with this version)"
    )

    def __init__(self, *args: Any, minutes: Minutes, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.minutes = minutes
        for section in minutes.sections:
            self.fields[f"section-{section['key']}"] = forms.CharField(
                label=section["title"],
                required=False,
                widget=forms.Textarea(attrs={"rows": max(3, len(section["paragraphs"]) * 2)}),
                initial="\n\n".join(section["paragraphs"]),
                help_text=section.get("source_note", ""),
            )
        guard_form_text(self)  # the sections added here get the checks too (moot.text)

    def texts(self) -> dict[str, str]:
        return {
            name.removeprefix("section-"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("section-")
        }
