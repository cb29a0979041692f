"""Polls: a vote of any kind — a motion, an officer election, a procedural question.

Secrecy by construction (DESIGN principle 3). *Who* took part and *what* was voted live in
separate tables that share no key, no timestamp and no ordering:

* ``Participation(poll, member)`` — who voted; unique per poll and member, random key, no time.
* ``SecretBallot(poll, content)`` — what was voted; random key, no voter column, no time.

Both rows are written in one transaction, so a ballot never exists without its participation
and a participation never without its ballot. Named (roll-call) votes are open by design and
live in ``NamedVote``. Show-of-hands and paper polls get their numbers from ``TellerCount``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from moot.polls.fields import RandomKeyField


class PollKind(models.TextChoices):
    MOTION = "motion", "Motion"
    ELECTION = "election", "Election"
    PROCEDURAL = "procedural", "Procedural"


class Voting(models.TextChoices):
    ELECTRONIC = "electronic", "Electronic"
    SHOW_OF_HANDS = "show_of_hands", "Counted show of hands"
    PAPER = "paper", "Paper ballot (tellers enter the counts)"


class PollState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class MajorityBasis(models.TextChoices):
    CAST = "cast", "of votes cast"
    PRESENT = "present", "of those present and eligible"


class Poll(models.Model):
    title = models.CharField(max_length=300)
    question = models.TextField(blank=True)  # the full text put to the vote, shown to voters
    kind = models.CharField(max_length=20, choices=PollKind.choices)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="polls"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="polls"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="polls",
    )
    # A moot.counting registry name ("yes-no", "plurality", "irv", "scottish-stv", "meek", ...).
    method = models.CharField(max_length=40)
    seats = models.PositiveSmallIntegerField(default=1)
    secret = models.BooleanField(default=True)
    voting = models.CharField(max_length=20, choices=Voting.choices, default=Voting.ELECTRONIC)
    state = models.CharField(
        max_length=10, choices=PollState.choices, default=PollState.DRAFT, db_index=True
    )
    majority = models.CharField(max_length=40, default="simple")  # rulebook majority name
    majority_basis = models.CharField(
        max_length=10, choices=MajorityBasis.choices, default=MajorityBasis.CAST
    )
    tie_break = models.CharField(max_length=20, default="backwards")
    seed = models.BigIntegerField(null=True, blank=True)  # published with the result
    constraints = models.JSONField(null=True, blank=True)  # CON-format text or group list
    returning_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Electorate size when the poll opened (snapshot polls) and eligible present at close.
    electorate_size = models.PositiveIntegerField(null=True, blank=True)
    present_at_close = models.PositiveIntegerField(null=True, blank=True)
    # Filled at close: moot.counting.reports.render_json plus turnout and majority; the text
    # report and the SVG chart as rendered by moot.counting.reports.
    result = models.JSONField(null=True, blank=True)
    result_text = models.TextField(blank=True)
    result_chart_svg = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == PollState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == PollState.CLOSED


class PollOption(models.Model):
    """A candidate or an answer. Yes/no polls get three options with codes yes, no, abstain."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20, blank=True)  # "yes" / "no" / "abstain" for yes-no
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "order"], name="polls_option_order_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Entitlement(models.Model):
    """The electorate of a poll not tied to a meeting, frozen when the poll opens: one row per
    member assessed, with the rulebook's verdict, so a refusal can cite its reason and clause."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="entitlements")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField(default=True)
    reason = models.TextField(blank=True)
    clause = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "member"], name="polls_entitlement_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"entitlement in poll {self.poll_id}"


class Participation(models.Model):
    """That ``member`` voted in ``poll`` — and nothing about when or how. The unique constraint
    is what makes a second vote impossible, whatever the code above it does."""

    id = RandomKeyField()
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="polls_one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"participation in poll {self.poll_id}"


class SecretBallot(models.Model):
    """One anonymous ballot. No voter column, no timestamp, a random key; ``content`` is the
    canonical JSON of the choice (option ids, most preferred first)."""

    id = RandomKeyField()
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="secret_ballots")
    content = models.TextField()

    def __str__(self) -> str:
        return f"secret ballot in poll {self.poll_id}"


class NamedVote(models.Model):
    """A roll-call vote: open by design, so it names the member."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="named_votes")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    content = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="polls_one_named_vote")
        ]

    def __str__(self) -> str:
        return f"named vote in poll {self.poll_id}"


class TellerCount(models.Model):
    """Votes for one option counted by the tellers (show of hands or paper)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="teller_counts")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "option"], name="polls_one_count_per_option")
        ]

    def __str__(self) -> str:
        return f"teller count in poll {self.poll_id}"
