"""Forms of the policy register: a motion proposing a change, a national decision. The changes
of an amendment are typed one per line, as on an amendment paper ("replace 3-4: new words",
"insert after 2: new words", "delete 5"); a line that is not one of these is refused naming it."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from moot.motions.forms import MemberNumberField
from moot.policies.models import Extent, VersionAction
from moot.text import TextGuardMixin

_EDIT = re.compile(
    r"^\s*(?:(?P<replace>replace)\s+(?P<r1>\d+)(?:\s*[-–]\s*(?P<r2>\d+))?\s*:\s*(?P<rtext>.+)"
    r"|(?P<insert>insert)\s+after\s+(?P<i1>\d+)\s*:\s*(?P<itext>.+)"
    r"|(?P<delete>delete)\s+(?P<d1>\d+)(?:\s*[-–]\s*(?P<d2>\d+))?)\s*$",
    re.IGNORECASE,
)

EDITS_HELP = (
    "One change per line, by the numbers of the policy's lines: “replace 3-4: new words”, "
    "“insert after 2: new words” (0: at the start), “delete 5”."
)


def parse_edit_lines(value: str) -> list[dict[str, Any]]:
    """The typed changes as the actions take them; a ValidationError names the line to fix."""
    edits: list[dict[str, Any]] = []
    for n, raw in enumerate(value.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _EDIT.match(raw)
        if match is None:
            raise forms.ValidationError(
                f"Line {n} of the changes (“{raw.strip()[:60]}”) is not a change: {EDITS_HELP}"
            )
        if match["replace"]:
            edits.append(
                {
                    "action": "replace",
                    "line_from": int(match["r1"]),
                    "line_to": int(match["r2"]) if match["r2"] else None,
                    "text": match["rtext"].strip(),
                }
            )
        elif match["insert"]:
            edits.append(
                {
                    "action": "insert",
                    "line_from": int(match["i1"]),
                    "line_to": None,
                    "text": match["itext"].strip(),
                }
            )
        else:
            edits.append(
                {
                    "action": "delete",
                    "line_from": int(match["d1"]),
                    "line_to": int(match["d2"]) if match["d2"] else None,
                    "text": "",
                }
            )
    return edits


class ChangeFields(TextGuardMixin, forms.Form):
    """What changes in the register, shared by a policy motion and a national decision."""

    action = forms.ChoiceField(
        label="The change",
        choices=[
            ("adopt", "Adopt a policy"),
            ("amend", "Amend a policy (by its numbered lines)"),
            ("rescind", "Rescind a policy"),
        ],
    )
    policy: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Policy to amend or rescind (or adopt again)",
        queryset=None,
        required=False,
        help_text="Leave empty to adopt a new policy.",
    )
    kind = forms.ChoiceField(label="Kind of a new policy", required=False, choices=[])
    title = forms.CharField(label="Title of a new policy", max_length=200, required=False)
    source = forms.CharField(
        label="Document adopted (when it comes from elsewhere)",
        max_length=300,
        required=False,
        help_text="e.g. the outside body's definition and its date. Leave empty for the "
        "unit's own text.",
    )
    extent = forms.ChoiceField(
        label="Adopted",
        required=False,
        choices=[("", "— its own text —"), (Extent.FULL, "in full"), (Extent.PART, "in part")],
        help_text="In full or in part, when adopting a national policy or an outside document.",
    )
    text = forms.CharField(
        label="Text of the policy as adopted",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text="Leave empty when adopting a national policy in full: its text as in force "
        "that day is taken. In part, or for the unit's own or an outside document, write it.",
    )
    # The versions the page showed ("<policy id>:<version number> …"): the changes are typed
    # against those, so one that has changed since is refused (409), never applied to a later
    # text than the one read.
    base_version = forms.CharField(widget=forms.HiddenInput, required=False)
    edits = forms.CharField(
        label="Changes to the numbered lines",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=EDITS_HELP,
    )

    def __init__(
        self, *args: Any, policies: Any, kinds: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["kind"].choices = [("", "—"), *kinds]  # type: ignore[attr-defined]  # a ChoiceField
        if not self.is_bound:
            self.initial["base_version"] = versions_shown(policies)

    def clean_base_version(self) -> dict[int, int] | None:
        """{policy id: version number} as the page showed them; None when the form sent none
        (the latest version is then the base)."""
        raw = (self.cleaned_data.get("base_version") or "").strip()
        if not raw:
            return None
        shown: dict[int, int] = {}
        for pair in raw.split():
            policy_id, _, number = pair.partition(":")
            if not (policy_id.isdigit() and number.isdigit()):
                raise forms.ValidationError("Open the form again: its versions are unreadable.")
            shown[int(policy_id)] = int(number)
        return shown

    def base_version_of(self, policy: Any) -> Any:
        """The version of ``policy`` the page showed (None: none sent), or a conflict when the
        policy was not on the page (adopted since)."""
        from moot.policies.errors import PolicyError, RefusalCode
        from moot.policies.queries import version_numbered

        shown = self.cleaned_data.get("base_version")
        if shown is None or policy is None:
            return None
        number = shown.get(policy.pk)
        version = version_numbered(policy, number) if number is not None else None
        if version is None:
            raise PolicyError(
                f"{policy.title} has changed since this form was opened. Open the form again "
                "and read the latest version before proposing a change to it.",
                code=RefusalCode.CONFLICT,
                field="base_version",
            )
        return version

    def clean_edits(self) -> list[dict[str, Any]]:
        return parse_edit_lines(self.cleaned_data.get("edits") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in {VersionAction.AMEND, VersionAction.RESCIND} and not data.get(
            "policy"
        ):
            self.add_error("policy", "Choose the policy to amend or rescind.")
        return data


def versions_shown(policies: Any) -> str:
    """The latest version number of each policy offered, as the hidden ``base_version``."""
    from moot.policies.queries import latest_version

    pairs = []
    for policy in policies:
        latest = latest_version(policy)
        if latest is not None:
            pairs.append(f"{policy.pk}:{latest.number}")
    return " ".join(pairs)


class PolicyMotionForm(ChangeFields):
    source_policy: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="National policy adopted (if any)",
        queryset=None,
        required=False,
        help_text="Adopting the national policy as the unit's own, in full or in part.",
    )
    motion_title = forms.CharField(label="Title of the motion", max_length=300)
    motion_text = forms.CharField(
        label="Text of the motion",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the meeting is asked to resolve, e.g. “This party adopts …”.",
    )
    mover = MemberNumberField(label="Mover")
    seconder = MemberNumberField(label="Seconder")

    def __init__(self, *args: Any, national: Any, own_name: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_policy"].queryset = national  # type: ignore[attr-defined]  # a ModelChoiceField
        if own_name:
            self.fields["mover"].disabled = True
            self.fields["mover"].help_text = "You table a motion in your own name."


class NationalDecisionForm(ChangeFields):
    body = forms.CharField(
        label="Body that decided", max_length=200, initial="National executive committee"
    )
    decision_date = forms.DateField(
        label="Date of the decision", widget=forms.DateInput(attrs={"type": "date"})
    )
    minute = forms.CharField(
        label="Minute or clause of the decision", max_length=200, required=False
    )
    in_force_from = forms.DateField(
        label="In force from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date of the decision when left empty.",
    )


class AsAtForm(forms.Form):
    as_at = forms.DateField(
        label="As at", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
