"""Forms for motions. They collect input; the actions decide (and their refusals are shown on
the field they name). Members are given by membership number, as on a membership card."""

from __future__ import annotations

from typing import Any

from django import forms

from moot.motions.models import AmendmentAction, ProposerKind, RulingDecision
from moot.text import TextGuardMixin
from moot.units.lookup_forms import LookupMixin

VOTING_CHOICES = [
    ("show_of_hands", "Counted show of hands (the tellers enter the counts)"),
    ("paper", "Paper ballot (the tellers enter the counts)"),
    ("electronic", "Electronic vote on members' phones"),
]


class MemberNumberField(forms.CharField):
    """A membership number (e.g. M0001234), cleaned to the Member."""

    def __init__(self, *args: Any, role: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "Membership number, as on the membership card.")
        super().__init__(*args, **kwargs)
        # What the form calls the person: an unknown number is answered in the action's words
        # for a member who may not take the part (tabling.no_member_who_may).
        self.role = role or str(self.label or "member").lower()

    def clean(self, value: Any) -> Any:
        from moot.members.models import Member

        number = (super().clean(value) or "").strip().upper()
        if not number:
            return None
        from moot.limits import note_number_lookup

        member = Member.objects.filter(number=number).first()
        note_number_lookup(member)
        if member is None:
            from moot.motions.actions.tabling import no_member_who_may

            raise forms.ValidationError(no_member_who_may(self.role, number))
        return member


class AffiliateToSelect(forms.Select):
    """The "affiliate to" list: an organisation the rulebook proscribes is listed, marked as
    proscribed with its clause, and cannot be chosen (``disabled``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proscribed: set[str] = set()

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.proscribed:
            option["attrs"]["disabled"] = True
        return option


class TableMotionForm(LookupMixin, TextGuardMixin, forms.Form):
    title = forms.CharField(max_length=300)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Leave a blank line between paragraphs. Lines are numbered when it is shown, "
        "so that amendments can refer to them.",
    )
    proposer_kind = forms.ChoiceField(
        label="Proposed by",
        choices=[c for c in ProposerKind.choices if c[0] != ProposerKind.COMPOSITE],
        widget=forms.RadioSelect,
        initial=ProposerKind.MEMBER,
    )
    branch = forms.ModelChoiceField(
        queryset=None, required=False, help_text="When a branch proposes the motion."
    )
    organisation = forms.ModelChoiceField(
        label="Affiliated organisation",
        queryset=None,
        required=False,
        help_text="When an affiliated organisation proposes the motion.",
    )
    mover = MemberNumberField(label="Mover")
    seconder = MemberNumberField(label="Seconder")
    affiliate_to = forms.ModelChoiceField(
        label="Motion to affiliate to",
        queryset=None,
        required=False,
        widget=AffiliateToSelect,
        help_text="Only for a motion that this party affiliates to an outside organisation: "
        "carried, it creates the affiliation. Organisations the rulebook proscribes are "
        "marked and cannot be chosen.",
    )

    def __init__(
        self,
        *args: Any,
        meeting: Any,
        own_name: bool = False,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        """``own_name``: the member tables in their own name (``check_tabled_by``), so the form
        offers no branch or affiliate and fixes the mover to the initial (their number).
        ``user``: who fills it in, for finding the mover and seconder by name."""
        super().__init__(*args, **kwargs)
        from moot.units.models import Organisation, Unit
        from moot.units.queries import affiliations_of

        unit = meeting.unit
        self.fields["branch"].queryset = Unit.objects.filter(parent=unit, kind="branch")
        affiliated = affiliations_of(unit).filter(end__isnull=True).values("organisation_id")
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=affiliated)
        self.fields["affiliate_to"].queryset = Organisation.objects.order_by("name")
        self._proscribed = _proscriptions(meeting)
        self.fields["affiliate_to"].widget.proscribed = {str(pk) for pk in self._proscribed}
        self.fields["affiliate_to"].label_from_instance = lambda org: (
            f"{org.name} — proscribed (clause {self._proscribed[org.pk].clause})"
            if org.pk in self._proscribed
            else org.name
        )
        if own_name:
            del self.fields["branch"], self.fields["organisation"]
            self.fields["proposer_kind"].choices = [
                c for c in self.fields["proposer_kind"].choices if c[0] == ProposerKind.MEMBER
            ]
            self.fields["proposer_kind"].widget = forms.HiddenInput()
            self.fields["mover"].disabled = True
            self.fields["mover"].help_text = (
                "You table a motion in your own name. A branch's or an affiliated "
                "organisation's motion is sent to the meeting's secretary, who enters it."
            )
        from moot.motions.queries import meeting_date

        self.setup_lookups(user=user, unit=unit)
        if user is not None:
            day = meeting_date(meeting)
            # Labels that do not repeat the member field's own ("Mover", "Seconder").
            if not own_name:
                self.add_lookup(
                    "mover",
                    purpose="meeting",
                    at=day,
                    role="mover",
                    find_label="Find the member moving it by name",
                )
            self.add_lookup(
                "seconder",
                purpose="meeting",
                at=day,
                role="seconder",
                find_label="Find the member seconding it by name",
            )

    def clean_affiliate_to(self) -> Any:
        org = self.cleaned_data.get("affiliate_to")
        entry = self._proscribed.get(org.pk) if org is not None else None
        if entry is not None:
            raise forms.ValidationError(
                f"{org.name} is proscribed by the rulebook (clause {entry.clause}): no unit may "
                "affiliate to it, so a motion to affiliate to it cannot take effect."
            )
        return org

    def proposer(self) -> Any:
        kind = self.cleaned_data["proposer_kind"]
        if kind == ProposerKind.BRANCH:
            return self.cleaned_data.get("branch")
        if kind == ProposerKind.AFFILIATE:
            return self.cleaned_data.get("organisation")
        return None  # the mover


def _proscriptions(meeting: Any) -> dict[int, Any]:
    """Organisation id -> the rulebook's proscription of it on the meeting's date."""
    from moot.motions.queries import meeting_date
    from moot.units.models import Organisation
    from moot.units.queries import edition_in_force

    entries = {e.slug: e for e in edition_in_force(meeting_date(meeting)).proscribed}
    return {
        org.pk: entries[org.slug] for org in Organisation.objects.filter(slug__in=list(entries))
    }


class RulingForm(TextGuardMixin, forms.Form):
    decision = forms.ChoiceField(choices=RulingDecision.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(
        label="Category of business that is not competent",
        required=False,
        help_text="From the rulebook; its clause is cited unless you give another.",
    )
    clause = forms.CharField(
        max_length=120,
        required=False,
        help_text="The clause the ruling rests on (e.g. 15.6.1).",
    )
    referred_to = forms.CharField(
        label="Referred to", max_length=200, required=False, help_text="For a referral only."
    )
    # Not required here: the action refuses a ruling without reasons, saying why.
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Required: why the motion is (or is not) competent business.",
    )

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "— none —")] + [
            (c.slug, f"{c.title} (clause {c.clause})") for c in categories
        ]


class AmendmentForm(TextGuardMixin, forms.Form):
    action = forms.ChoiceField(
        label="Change", choices=AmendmentAction.choices, widget=forms.RadioSelect
    )
    line_from = forms.IntegerField(
        label="Line",
        min_value=0,
        help_text="The first line to replace or delete, or the line after which to insert "
        "(0: before the first line). Line numbers of the motion as tabled.",
    )
    line_to = forms.IntegerField(
        label="To line", min_value=1, required=False, help_text="The last line, when several."
    )
    text = forms.CharField(
        label="New text",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The words to put in (not needed to delete).",
    )
    mover = MemberNumberField(label="Mover")
    seconder = MemberNumberField(label="Seconder", required=False)


class VoteForm(TextGuardMixin, forms.Form):
    voting = forms.ChoiceField(
        label="How the vote is taken",
        choices=VOTING_CHOICES,
        widget=forms.RadioSelect,
        initial="show_of_hands",
    )
    secret = forms.BooleanField(
        label="Secret ballot (electronic votes only)",
        required=False,
        # An electronic vote is secret unless the chair unticks it for a named one.
        initial=True,
        help_text="A show of hands is seen by everyone and a paper ballot is always secret, so "
        "this applies only to an electronic vote: ticked, it is secret; untick it for a named "
        "vote (roll call).",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("voting") != "electronic":
            # The way of voting decides it; a box left ticked from an earlier choice is ignored
            # (polls.actions.do_create_poll holds the same rule for the API).
            data["secret"] = data.get("voting") == "paper"
        return data


class ChallengeForm(VoteForm):
    moved_by = MemberNumberField(label="Challenge moved by", role="challenger", required=False)


class CompositeForm(TextGuardMixin, forms.Form):
    motions = forms.ModelMultipleChoiceField(
        label="Motions to composite", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(max_length=300)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}))
    mover = MemberNumberField(label="Mover")
    seconder = MemberNumberField(label="Seconder")

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from moot.motions.confidential import is_withheld
        from moot.motions.models import Motion

        open_motions = Motion.objects.filter(meeting=meeting, state__in=["tabled", "admitted"])
        # A motion held until the chair rules (it may concern a disciplinary case) is not
        # offered: compositing would copy its text into a motion everyone reads.
        held = [m.pk for m in open_motions.select_related("meeting") if is_withheld(m)]
        self.fields["motions"].queryset = open_motions.exclude(pk__in=held).order_by("number")
        self.fields["motions"].label_from_instance = lambda m: f"{m.number}. {m.title}"


class RemitForm(TextGuardMixin, forms.Form):
    to = forms.CharField(
        label="Remit to", max_length=200, initial="the executive committee", required=False
    )


class WithdrawForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(max_length=300, required=False)
