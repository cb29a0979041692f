"""The member look-up on a form, working without JavaScript: beside a member field (typed as a
membership number) a search field and a "Find" button; pressing it posts the form, which is
shown again with the typed text kept and the answers (name and branch) as a choice. The choice
carries a signed token (:mod:`moot.units.lookup`), turned back into the member on submit.

A form class mixes in :class:`LookupMixin` and calls :meth:`LookupMixin.add_lookup` per field;
the view calls :meth:`LookupMixin.run_lookup` when ``"lookup"`` is in the POST (and then acts
on nothing)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms.utils import ErrorDict

from moot.errors import Refusal
from moot.units import lookup

VERBS = {"meeting": "take part", "stand": "stand", "nominate": "nominate"}


class FindWidget(forms.TextInput):
    """A search box with its own "Find" submit button (``name="lookup" value=<field>``)."""

    input_type = "search"
    template_name = "units/widgets/find.html"

    def __init__(self, target: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.target = target

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["target"] = self.target
        return context


class LookupMixin:
    """Adds "find by name" to member fields of a ``forms.Form``."""

    fields: dict[str, Any]
    data: Any
    is_bound: bool

    def setup_lookups(self, *, user: Any, unit: Any) -> None:
        self._lookup_user = user
        self._lookup_unit = unit
        self._lookups: dict[str, tuple[str, datetime.date, str, bool]] = {}

    def add_lookup(
        self,
        name: str,
        *,
        purpose: str,
        at: datetime.date,
        role: str,
        find_label: str = "",
    ) -> None:
        """``name``: the member field; ``purpose`` and ``at``: whom to find (who may take
        that part on that day); ``role``: what the form calls the person ("seconder");
        ``find_label``: the search box's label (default "Find the <role> by name")."""
        field = self.fields[name]
        required = field.required
        field.required = False
        field.help_text = (
            f"{field.help_text} Or find them by name below." if field.help_text else ""
        ).strip()
        unit = self._lookup_unit
        find = forms.CharField(
            label=find_label or f"Find the {role} by name",
            required=False,
            max_length=100,
            widget=FindWidget(name),
            help_text=f"The first name (or its first letter) and at least "
            f"{lookup.MIN_CHARACTERS} letters of the surname, e.g. “M Quen”: members of "
            f"{unit.name} who may {VERBS[purpose]}, at most {lookup.SHOWN}. Only the name and "
            "branch are shown.",
        )
        pick = forms.CharField(
            label=f"Choose the {role}",
            required=False,
            max_length=500,
            widget=forms.HiddenInput(),
        )
        order = list(self.fields)
        at_index = order.index(name) + 1
        new_fields = {f"{name}_find": find, f"{name}_pick": pick}
        items = list(self.fields.items())
        self.fields.clear()
        for key, value in items[:at_index] + list(new_fields.items()) + items[at_index:]:
            self.fields[key] = value
        self._lookups[name] = (purpose, at, role, required)
        token = self._posted(f"{name}_pick")
        if token:
            label = lookup.label_for(self._lookup_user, unit, token, purpose=purpose)
            if label:
                self._show_choices(name, [(token, label)])

    def _posted(self, key: str) -> str:
        if not self.is_bound:
            return ""
        value = self.data.get(self.add_prefix(key))  # type: ignore[attr-defined]
        return value.strip() if isinstance(value, str) else ""

    def _show_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[f"{name}_pick"]
        field.widget = forms.RadioSelect(choices=choices)
        field.help_text = "The member you choose replaces any number typed above."

    def run_lookup(self, name: str) -> None:
        """Answer the "Find" button of ``name``: show the matches (or why there are none).
        The rest of the form is not checked: nothing is submitted."""
        self._errors = ErrorDict()
        self.cleaned_data: dict[str, Any] = {}
        if name not in self._lookups:
            return
        purpose, at, _role, _required = self._lookups[name]
        unit = self._lookup_unit
        text = self._posted(f"{name}_find")
        try:
            matches = lookup.find_members(
                self._lookup_user, unit, text, purpose=purpose, at=at, field=f"{name}_find"
            )
        except Refusal as exc:
            self.add_error(f"{name}_find", exc.message)  # type: ignore[attr-defined]
            return
        if not matches:
            self.add_error(  # type: ignore[attr-defined]
                f"{name}_find",
                f"No member of {unit.name} who may {VERBS[purpose]} is named “{text}”; "
                "check the spelling, or type their membership number.",
            )
            return
        self._show_choices(name, [(m.token, m.label) for m in matches])

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        for name, (purpose, _at, role, required) in self._lookups.items():
            token = self._posted(f"{name}_pick")
            if token:
                try:
                    data[name] = lookup.member_from_token(
                        self._lookup_user, self._lookup_unit, token, purpose=purpose
                    )
                except Refusal as exc:
                    self.add_error(f"{name}_find", exc.message)  # type: ignore[attr-defined]
            elif required and data.get(name) is None and name not in self.errors:  # type: ignore[attr-defined]
                self.add_error(  # type: ignore[attr-defined]
                    name, f"Give the {role}'s membership number, or find them by name."
                )
        return data
