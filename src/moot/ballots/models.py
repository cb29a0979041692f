"""Ballots of all the members of a unit (issue 11): a national executive election by one member
one vote, or a constituency party balloting all its members on an officer post or a question.

The life of a ballot (``Ballot.state``):

* ``draft``: the definition (seats, the women's minimum, method, channels, precedence,
  timetable) is edited; every edit is a ``BallotVersion``. Units nominate candidates, who
  consent; organisations endorse them.
* ``frozen``: at the freeze the definition (with the candidates on the ballot, in ballot order)
  is hashed into the audit chain and the roll is frozen (``RollEntry``: every member assessed by
  the rulebook as at the freeze date, with the reason and clause of each refusal) and committed
  to (``Ballot.roll_commitment``). Nothing on the definition changes afterwards.
* ``open``: credentials are issued and invitations sent; returns are taken by every channel.
  A return (``Return``) names its roll entry, so the declared precedence between channels can be
  applied at the close, but its content is sealed under a key outside the database
  (``secrecy.py``). Post-issue events (``BallotEvent``) are recorded, never edits.
* ``closed``: one return per entitlement is chosen by the declared precedence (the rest set
  aside, counted by reason), the chosen contents are unsealed, shuffled and written as
  ``CountedBallot`` rows that name nobody, and the returns are deleted.
* ``counted``: the count is stored; the result is locked until the scrutineer signs the report.
* ``declared``: the returning officer has declared; the result and the record are public.

Who voted (``RollEntry.voted``) and what was voted (``CountedBallot``) share no key, no time
and no order once the ballot has closed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from moot.polls.fields import RandomKeyField


class BallotKind(models.TextChoices):
    ELECTION = "election", "Election to a position"
    QUESTION = "question", "A question put to the members"


class BallotState(models.TextChoices):
    DRAFT = "draft", "Draft: nominations and definition"
    FROZEN = "frozen", "Frozen: definition and roll fixed"
    OPEN = "open", "Open for voting"
    CLOSED = "closed", "Closed"
    COUNTED = "counted", "Counted: awaiting the scrutineer"
    DECLARED = "declared", "Declared"


class Precedence(models.TextChoices):
    """Which return counts when a member returns more than one (BALLOTS.md §1.10)."""

    FIRST_RECEIVED = "first_received", "The first valid return counts, by either channel"
    ONLINE_WINS = "online_wins", "An online vote counts over a paper, whatever the order"
    PAPER_WINS = "paper_wins", "A paper counts over an online vote, whatever the order"
    LAST_ONLINE = "last_online", "The last online vote counts; a paper only without one"


class CandidateOrder(models.TextChoices):
    ALPHABETICAL = "alphabetical", "Alphabetical by surname"
    ROTATED = "rotated", "Rotated from voter to voter"


class Channel(models.TextChoices):
    ONLINE = "online", "Online"
    POST = "post", "Post"


class Ballot(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=BallotKind.choices)
    # The position elected (kind election) or the full text put to the members (kind question).
    position = models.CharField(max_length=200, blank=True)
    question = models.TextField(blank=True)
    seats = models.PositiveSmallIntegerField(default=1)
    min_women = models.PositiveSmallIntegerField(default=0)
    method = models.CharField(max_length=40)  # a moot.counting registry name
    tie_break = models.CharField(max_length=20, default="backwards")
    seed = models.BigIntegerField(null=True, blank=True)  # drawn at the freeze, published
    precedence = models.CharField(
        max_length=20, choices=Precedence.choices, default=Precedence.FIRST_RECEIVED
    )
    channels = models.JSONField(default=list)  # ["online", "post"]
    candidate_order = models.CharField(
        max_length=20, choices=CandidateOrder.choices, default=CandidateOrder.ALPHABETICAL
    )
    nomination_threshold = models.PositiveSmallIntegerField(default=0)
    nominating_kinds = models.JSONField(default=list)  # unit kinds, and "affiliate"
    show_endorsements = models.BooleanField(default=True)
    nominations_open = models.DateField(null=True, blank=True)
    nominations_close = models.DateField(null=True, blank=True)
    freeze_date = models.DateField(null=True, blank=True)
    issue_at = models.DateTimeField(null=True, blank=True)
    reminders = models.JSONField(default=list)  # ISO 8601 datetimes
    close_at = models.DateTimeField(null=True, blank=True)
    edition = models.CharField(max_length=120, blank=True)  # the rulebook edition applied
    clause = models.CharField(max_length=120, blank=True)  # the clause this ballot is called under
    version = models.PositiveIntegerField(default=1)
    definition_hash = models.CharField(max_length=64, blank=True)  # SHA-256, at the freeze
    roll_commitment = models.JSONField(null=True, blank=True)  # root, size, counts per unit
    state = models.CharField(
        max_length=10, choices=BallotState.choices, default=BallotState.DRAFT, db_index=True
    )
    returning_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scrutineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)  # the scrutineer's sign-off
    declared_at = models.DateTimeField(null=True, blank=True)
    # At the close: returns by channel, set aside by reason, counted (aggregates only).
    returns = models.JSONField(null=True, blank=True)
    # At the count: moot.counting.reports.render_json and the rendered text and chart.
    result = models.JSONField(null=True, blank=True)
    result_text = models.TextField(blank=True)
    result_chart_svg = models.TextField(blank=True)
    scrutineer_report = models.JSONField(null=True, blank=True)
    bundle_sha256 = models.CharField(max_length=64, blank=True)
    # Under last_online, how many online votes a later online vote replaced (an aggregate:
    # never who or when; incremented with F() in the cast's transaction; kept in ``returns``).
    replaced_online = models.PositiveIntegerField(default=0)
    # Why the published record could not be written after the declaration (the console shows
    # it and offers a retry); cleared when a retry is queued.
    record_failure = models.TextField(blank=True)
    record_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class BallotVersion(models.Model):
    """Each saved state of a ballot's definition while it is a draft; the last one is the one
    hashed at the freeze."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ballot", "version"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "version"], name="ballots_version_once")
        ]

    def __str__(self) -> str:
        return f"ballot {self.ballot_id} version {self.version}"


class Teller(models.Model):
    """A person appointed to key returned papers of one ballot."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="tellers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "user"], name="ballots_teller_once")
        ]

    def __str__(self) -> str:
        return f"teller of ballot {self.ballot_id}"


class Candidate(models.Model):
    """A candidate (kind election) or an answer (kind question: ``member`` null, ``code``
    "yes"/"no")."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=200)  # as printed on the ballot
    woman = models.BooleanField(default=False)  # counts toward the women's minimum
    consented_at = models.DateTimeField(null=True, blank=True)
    statement = models.TextField(blank=True)
    photo = models.CharField(max_length=200, blank=True)  # storage name of the re-encoded image
    photo_sha256 = models.CharField(max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)  # before the freeze only
    on_ballot = models.BooleanField(default=False)  # set at the freeze
    position = models.PositiveSmallIntegerField(null=True, blank=True)  # ballot order, at freeze
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ballot", "position", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "member"],
                condition=Q(member__isnull=False),
                name="ballots_candidate_once",
            ),
            models.UniqueConstraint(
                fields=["ballot", "position"],
                condition=Q(position__isnull=False),
                name="ballots_candidate_position_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Nomination(models.Model):
    """A unit's nomination of a candidate, decided at one of its meetings (the poll that
    decided it), or an affiliated organisation's where the rulebook lets affiliates nominate."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="nominations")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="nominations")
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "units.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    poll = models.ForeignKey(
        "polls.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ballot", "candidate", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "unit"],
                condition=Q(unit__isnull=False),
                name="ballots_nomination_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["candidate", "organisation"],
                condition=Q(organisation__isnull=False),
                name="ballots_nomination_once_per_organisation",
            ),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(organisation__isnull=True))
                | (Q(unit__isnull=True) & Q(organisation__isnull=False)),
                name="ballots_nomination_by_one",
            ),
        ]

    def __str__(self) -> str:
        return f"nomination of candidate {self.candidate_id}"


class NominationPoll(models.Model):
    """A poll held at a nominating unit's meeting for this ballot's nomination
    (``do_hold_nomination_vote``): only such a poll's winners may be recorded as the unit's
    nominees, never another poll of the same meeting (a chair's election, a motion)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="nomination_polls")
    poll = models.OneToOneField("polls.Poll", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ballot", "created_at", "id"]

    def __str__(self) -> str:
        return f"nomination poll {self.poll_id} of ballot {self.ballot_id}"


class Endorsement(models.Model):
    """An outside organisation (a slate, a faction, a union) endorsing a candidate. Withdrawn
    before the issue it simply ends; after the issue the withdrawal is a ``BallotEvent``."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="endorsements")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="endorsements")
    organisation = models.ForeignKey(
        "units.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=200, blank=True)  # the organisation's decision
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "organisation"], name="ballots_endorsement_once"
            )
        ]

    def __str__(self) -> str:
        return f"endorsement of candidate {self.candidate_id}"


class EventKind(models.TextChoices):
    ENDORSEMENT_WITHDRAWN = "endorsement_withdrawn", "Endorsement withdrawn"
    CANDIDATE_WITHDRAWN = "candidate_withdrawn", "Candidate withdrawn"
    CANDIDATE_SUSPENDED = "candidate_suspended", "Candidate suspended"
    CANDIDATE_REINSTATED = "candidate_reinstated", "Candidate reinstated"


class BallotEvent(models.Model):
    """Something that happened after the ballot was issued, recorded with its authority and
    time; never an edit of the issued ballot. Shown as a notice to voters."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="events")
    endorsement = models.ForeignKey(
        Endorsement, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    authority = models.TextField()  # who decided, under what (a letter, a panel's decision)
    clause = models.CharField(max_length=120, blank=True)
    notice = models.TextField()  # the words voters are shown
    occurred_at = models.DateTimeField()
    returns_before = models.PositiveIntegerField(default=0)  # aggregate, when it was recorded
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["ballot", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in ballot {self.ballot_id}"


class RollEntry(models.Model):
    """One member on the frozen roll of a ballot, eligible or not (with the rulebook's reason
    and clause). The credential is never stored: only its hash (``credentials.py``)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    eligible = models.BooleanField(default=True)
    reason = models.TextField(blank=True)
    clause = models.CharField(max_length=120, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    channel_reason = models.CharField(max_length=120, blank=True)
    email = models.CharField(max_length=254, blank=True)  # the address frozen at the issue
    serial = models.PositiveSmallIntegerField(default=0)  # credential issue number
    credential_hash = models.CharField(max_length=64, blank=True)
    paper_number = models.PositiveIntegerField(null=True, blank=True)
    leaf = models.CharField(max_length=64, blank=True)  # the roll commitment's leaf
    voted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member"], name="ballots_roll_once"),
            models.UniqueConstraint(
                fields=["ballot", "paper_number"],
                condition=Q(paper_number__isnull=False),
                name="ballots_paper_number_once",
            ),
            models.UniqueConstraint(
                fields=["ballot", "credential_hash"],
                condition=~Q(credential_hash=""),
                name="ballots_credential_once",
            ),
        ]
        indexes = [models.Index(fields=["ballot", "unit"], name="ballots_roll_unit")]

    def __str__(self) -> str:
        return f"roll entry in ballot {self.ballot_id}"


class RevokedCredential(models.Model):
    """A credential or paper number replaced by a reissue: refused with its own answer."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="revoked")
    entry = models.ForeignKey(RollEntry, on_delete=models.CASCADE, related_name="revoked")
    credential_hash = models.CharField(max_length=64, blank=True, db_index=True)
    paper_number = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    revoked_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"revoked credential in ballot {self.ballot_id}"


class DeliveryKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    REISSUE = "reissue", "Reissued credential"
    REMINDER = "reminder", "Reminder"
    # A letter to a postal voter who has not voted, with the notices of events recorded after
    # the issue (a postal voter gets no e-mail reminder): printed in the next print run.
    NOTICE = "notice", "Notice by post"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    PRINTED = "printed", "In a print file"
    BOUNCED = "bounced", "Bounced"
    REISSUED = "reissued", "Replaced by a reissue"
    FAILED = "failed", "Failed"
    # A reminder or notice not sent because the voter had voted by the time it went out.
    SKIPPED = "skipped", "Not sent: already voted"


class Delivery(models.Model):
    """One message to one voter: an invitation, a reissue or a reminder, by e-mail or post."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="deliveries")
    entry = models.ForeignKey(RollEntry, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    round = models.PositiveSmallIntegerField(default=0)  # which reminder (0 for others)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    batch = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    message_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField()
    # When a worker took the row (state "sending"): a row still sending long after was left by
    # a worker that died, and the sweeper puts it back in the queue.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "kind", "round", "channel"], name="ballots_delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["ballot", "batch", "state"], name="ballots_delivery_batch"),
            models.Index(fields=["ballot", "state"], name="ballots_delivery_state"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to roll entry {self.entry_id}"


class Return(models.Model):
    """A return received while the ballot is open: it names its roll entry (so the precedence
    between channels can be applied at the close) but its content is sealed under a key kept
    outside the database. ``slot`` is "any" when the first return counts (so the database refuses
    a second by any channel), else the channel (at most one return per channel). No time."""

    id = RandomKeyField()
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    slot = models.CharField(max_length=10)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sealed = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "slot"], name="ballots_one_return_per_slot")
        ]

    def __str__(self) -> str:
        return f"return in ballot {self.ballot_id}"


class PaperKeying(models.Model):
    """One teller's keying of one returned paper (double entry: two tellers key each paper
    independently; the content is sealed like a return's)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    paper_number = models.PositiveIntegerField()
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sealed = models.TextField(blank=True)
    spoilt = models.BooleanField(default=False)
    spoilt_reason = models.CharField(max_length=200, blank=True)
    keyed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "paper_number", "teller"], name="ballots_keyed_once_per_teller"
            )
        ]

    def __str__(self) -> str:
        return f"paper {self.paper_number} keyed in ballot {self.ballot_id}"


class PaperOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted: the two keyings agree"
    RESOLVED = "resolved", "Accepted after a discrepancy was resolved"
    SPOILT = "spoilt", "Spoilt"
    REFUSED = "refused", "Set aside"


class PaperDecision(models.Model):
    """What became of a returned paper: accepted (agreeing keyings, or a resolved discrepancy,
    with who resolved it and why), spoilt (with a reason) or set aside."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    paper_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=PaperOutcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "paper_number"], name="ballots_paper_decided_once"
            )
        ]

    def __str__(self) -> str:
        return f"paper {self.paper_number} in ballot {self.ballot_id}: {self.outcome}"


class CountedBallot(models.Model):
    """One anonymous counted ballot, written at the close in a random order: no voter, no
    channel, no time. ``content`` is the canonical JSON list of candidate positions, most
    preferred first (``content.py``)."""

    id = RandomKeyField()
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="counted")
    content = models.TextField()

    def __str__(self) -> str:
        return f"counted ballot in ballot {self.ballot_id}"


class Countback(models.Model):
    """A re-run of the stored count without a departed member (a casual vacancy)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="countbacks")
    departed = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    result = models.JSONField()
    result_text = models.TextField()
    filled_by = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"countback in ballot {self.ballot_id}"
