"""Officer elections: an election to one post (or to several equal seats of one post) of a
unit, its nominations and candidates, and the declaration that turns a count into office
holdings.

The vote itself is a ``polls.Poll`` (kind "election"): elections → polls, never the other way.
The rules (who may stand and nominate, reserved posts, gender balance, job shares, the
nomination deadline) come from the rulebook edition in force; this app stores the facts and
the decisions taken on them, each with its clause.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ElectionMethod(models.TextChoices):
    """Counting methods an officer election may use (``moot.counting`` registry names)."""

    PLURALITY = "plurality", "First past the post"
    IRV = "irv", "Exhaustive ballot (instant run-off)"
    SCOTTISH_STV = "scottish-stv", "Single transferable vote (Scottish STV)"
    MEEK = "meek", "Single transferable vote (Meek)"


SINGLE_SEAT_METHODS = frozenset({ElectionMethod.PLURALITY, ElectionMethod.IRV})


class ElectionState(models.TextChoices):
    NOMINATIONS = "nominations", "Taking nominations"
    BALLOT = "ballot", "Ballot drawn up"  # the poll exists (draft, open or closed)
    DECLARED = "declared", "Result declared"


class Election(models.Model):
    """An election to ``post`` of ``unit``, at a meeting (optionally under one agenda item) or
    standalone (an online ballot of the unit's members)."""

    title = models.CharField(max_length=200)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="elections")
    post = models.ForeignKey("units.Post", on_delete=models.PROTECT, related_name="elections")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elections",
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="elections",
    )
    # The day of the vote: the meeting's date, or the ballot's date for a standalone election.
    # Eligibility to stand is judged on it and the winners take office from it.
    election_date = models.DateField()
    method = models.CharField(max_length=20, choices=ElectionMethod.choices)
    seats = models.PositiveSmallIntegerField(default=1)
    nominations_open_on = models.DateField()
    nominations_close_on = models.DateField()
    statement_limit = models.PositiveIntegerField(default=1500)  # characters
    state = models.CharField(
        max_length=12,
        choices=ElectionState.choices,
        default=ElectionState.NOMINATIONS,
        db_index=True,
    )
    poll = models.OneToOneField(
        "polls.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="election"
    )
    # Multi-seat STV: the least number of women the rulebook's balance rule needs among the
    # seats, worked out when the ballot was drawn up, and passed to the count as a constraint.
    min_women = models.PositiveSmallIntegerField(null=True, blank=True)
    min_women_clause = models.CharField(max_length=120, blank=True)
    min_women_note = models.TextField(blank=True)
    returning_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The declaration: who was elected, in what order they were placed by the count, and any
    # adjustment the balance rules required (``declaration["account"]`` is the plain account).
    declaration = models.JSONField(null=True, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["election_date", "post__order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominations_close_on__gte=models.F("nominations_open_on")),
                name="elections_window_order",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="elections_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_declared(self) -> bool:
        return self.state == ElectionState.DECLARED


class NominationState(models.TextChoices):
    AWAITING_SECONDER = "awaiting_seconder", "Awaiting the seconder"
    AWAITING_CONSENT = "awaiting_consent", "Awaiting the nominee's consent"
    STANDING = "standing", "Standing"
    DECLINED = "declined", "Declined by the nominee"
    REFUSED = "refused", "Refused under the rulebook"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Nomination(models.Model):
    """A nomination of one member — or of two jointly, as a job share standing as one
    candidate — by a nominator and a seconder. The nominee (and the partner, for a job share)
    consents or declines; a consented nomination is a candidate."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    # The second person of a job share (at most two people share a post).
    partner = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominator = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    seconder = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    nominated_on = models.DateField()
    seconded = models.BooleanField(default=False)
    nominee_consent = models.BooleanField(null=True)  # None: not answered yet
    partner_consent = models.BooleanField(null=True)
    state = models.CharField(
        max_length=20,
        choices=NominationState.choices,
        default=NominationState.AWAITING_SECONDER,
        db_index=True,
    )
    statement = models.TextField(blank=True)  # plain text, shown on the ballot page
    # Why the rulebook refused the nomination (shown to the nominee and to those who may see
    # the nominee's record), and the clause.
    refusal = models.TextField(blank=True)
    refusal_clause = models.CharField(max_length=120, blank=True)
    poll_option = models.OneToOneField(
        "polls.PollOption", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["election_id", "id"]
        constraints = [
            # One live nomination per nominee (a declined or withdrawn one may be followed by
            # another).
            models.UniqueConstraint(
                fields=["election", "nominee"],
                condition=Q(state__in=["awaiting_seconder", "awaiting_consent", "standing"]),
                name="elections_one_live_nomination_per_nominee",
            ),
            models.CheckConstraint(
                condition=~Q(nominator=models.F("seconder")),
                name="elections_nominator_not_seconder",
            ),
        ]

    def __str__(self) -> str:
        return f"nomination {self.pk} in election {self.election_id}"

    @property
    def is_joint(self) -> bool:
        return self.partner_id is not None

    def people(self) -> list:
        """The nominee and, for a job share, the partner."""
        return [self.nominee, self.partner] if self.partner_id else [self.nominee]

    @property
    def label(self) -> str:
        """The candidate's name on the ballot: "A" or "A and B (job share)"."""
        if self.partner_id:
            return f"{self.nominee.full_name} and {self.partner.full_name} (job share)"
        return self.nominee.full_name
