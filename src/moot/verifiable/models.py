"""A ballot of issue 11 run verifiable (issue 12; docs/verifiable.md).

The life of a verifiable ballot (``Election.state``):

* ``setup``: the ballot's definition says it is verifiable; its trustees and its credential
  authority are appointed (``Trustee``, ``CredentialAuthority``).
* ``keys``: the trustees run the threshold key generation (commit, reveal with proofs, sealed
  shares relayed as ``SharePacket`` rows the server cannot open, complaints).
* ``credentials``: the joint key is known; the credential authority uploads the public
  credential list (never names).
* ``open``: ``election.json`` is built and hashed; the board has its ``setup`` and
  ``credentials`` entries; encrypted ballots are taken (``ballot`` entries).
* ``closed`` → ``mixing`` → ``decrypting`` → ``decrypted``: the tally (another part).

The board (``BoardEntry``) is append-only: each entry names its parent's hash and the board's
head goes into moot's audit chain. No code of this app updates or deletes an entry, and the
database refuses it too (a trigger on SQLite and PostgreSQL, migration 0001).

Nothing here links a voter to a board entry: the cast writes a ``ballots.Return`` (the voter's
one return per entitlement, with a marker instead of sealed content) and, separately, the
entry; neither names the other, and the entry holds only the public credential.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

# The placeholder a verifiable ballot's ``ballots.Return.sealed`` holds: the vote is on the
# board, encrypted, and the return only takes the entitlement's slot (turnout, precedence).
RETURN_MARK = "moot-verifiable/1:on-the-board"


class ElectionState(models.TextChoices):
    SETUP = "setup", "Setting up: trustees and credential authority"
    KEYS = "keys", "Trustees generating the election key"
    CREDENTIALS = "credentials", "Waiting for the public credential list"
    OPEN = "open", "Open: encrypted ballots taken"
    CLOSED = "closed", "Closed"
    MIXING = "mixing", "Trustees shuffling the ballots"
    DECRYPTING = "decrypting", "Trustees decrypting"
    DECRYPTED = "decrypted", "Decrypted"


class ElectionManager(models.Manager["Election"]):
    """Elections without their credential list (500,000 public credentials are some 33 MB):
    it is read only where it is used (``Election.credentials_json`` loads it on first access,
    ``.values("credentials_json")`` asks for it), never on each page view or cast."""

    def get_queryset(self) -> models.QuerySet[Election]:
        return super().get_queryset().defer("credentials_json")


class Election(models.Model):
    """The verifiable side of one ballot: its trustees' threshold, the election context and
    the board's head."""

    ballot = models.OneToOneField(
        "ballots.Ballot", on_delete=models.PROTECT, related_name="verifiable_election"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(
        max_length=12, choices=ElectionState.choices, default=ElectionState.SETUP, db_index=True
    )
    threshold = models.PositiveSmallIntegerField()  # t: trustees needed to decrypt
    trustee_count = models.PositiveSmallIntegerField()  # n
    revote = models.BooleanField(default=False)  # a later ballot of a credential replaces
    public_key = models.CharField(max_length=64, blank=True)  # Y, hex, once the keys are done
    election_json = models.TextField(blank=True)  # canonical election.json, at the opening
    election_hash = models.CharField(max_length=64, blank=True)  # SHA-256 of it (ctx, hex)
    # The uploaded public list (canonical, sorted) until the opening; from then on it is the
    # board's credentials entry and this is emptied (the row stays small: every cast updates it).
    credentials_json = models.TextField(blank=True)
    credentials_sha256 = models.CharField(max_length=64, blank=True)
    credentials_count = models.PositiveIntegerField(default=0)
    board_size = models.PositiveIntegerField(default=0)  # entries on the board
    board_head = models.CharField(max_length=64, blank=True)  # hash of the last entry
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    keys_done_at = models.DateTimeField(null=True, blank=True)
    credentials_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decrypted_at = models.DateTimeField(null=True, blank=True)

    objects = ElectionManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=1) & Q(threshold__lte=models.F("trustee_count")),
                name="verifiable_threshold_within_trustees",
            )
        ]

    def __str__(self) -> str:
        return f"verifiable election of ballot {self.ballot_id}"


class TrusteeState(models.TextChoices):
    INVITED = "invited", "Appointed: to register a sealing key"
    REGISTERED = "registered", "Sealing key registered"
    COMMITTED = "committed", "Commitment published"
    REVEALED = "revealed", "Coefficients revealed with proofs"
    SHARED = "shared", "Shares sent to the other trustees"
    CHECKED = "checked", "Shares received and checked"
    DONE = "done", "Share key proved"
    DISQUALIFIED = "disqualified", "Disqualified"


class Trustee(models.Model):
    """One of the ``n`` trustees of an election (index 1..n). The server holds only public
    values: the sealing key (X25519) the others seal shares to, the commitment hash, the
    coefficients' points with their proofs, the share key's proof and verification key."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="trustees")
    index = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)  # as published in election.json
    state = models.CharField(
        max_length=12, choices=TrusteeState.choices, default=TrusteeState.INVITED
    )
    seal_key = models.CharField(max_length=64, blank=True)  # X25519 public key, hex
    commitment_hash = models.CharField(max_length=64, blank=True)
    coefficients = models.JSONField(null=True, blank=True)  # [{"point": hex, "proof": {...}}]
    share_proof = models.JSONField(null=True, blank=True)  # pok of the share s_j
    verification_key = models.CharField(max_length=64, blank=True)  # V_j, hex
    disqualified_reason = models.TextField(blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    disqualified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["election", "index"]
        constraints = [
            models.UniqueConstraint(fields=["election", "index"], name="verifiable_trustee_index"),
            models.UniqueConstraint(fields=["election", "user"], name="verifiable_trustee_once"),
            models.CheckConstraint(condition=Q(index__gte=1), name="verifiable_trustee_from_1"),
        ]

    def __str__(self) -> str:
        return f"trustee {self.index} of election {self.election_id}"


class SharePacket(models.Model):
    """The share ``f_dealer(recipient)`` sealed to the recipient's sealing key (libsodium
    sealed box, base64): the server relays it and cannot open it."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="share_packets")
    dealer = models.PositiveSmallIntegerField()  # trustee index
    recipient = models.PositiveSmallIntegerField()  # trustee index
    sealed = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["election", "dealer", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "dealer", "recipient"], name="verifiable_share_once"
            ),
            models.CheckConstraint(
                condition=~Q(dealer=models.F("recipient")), name="verifiable_share_to_another"
            ),
        ]

    def __str__(self) -> str:
        return f"share {self.dealer}→{self.recipient} of election {self.election_id}"


class ComplaintVerdict(models.TextChoices):
    PENDING = "pending", "Not yet checked"
    UPHELD = "upheld", "Upheld: the share fails its check, the dealer is disqualified"
    DISMISSED = "dismissed", "Dismissed: the revealed share passes its check"


class Complaint(models.Model):
    """A trustee's complaint that a dealer's share fails ``f_i(j)·B == Σ j^k·F_{i,k}``: the
    share revealed in clear, which anyone can check."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="complaints")
    complainant = models.PositiveSmallIntegerField()  # trustee index
    dealer = models.PositiveSmallIntegerField()  # trustee index
    revealed_share = models.CharField(max_length=64)  # scalar hex
    verdict = models.CharField(
        max_length=10, choices=ComplaintVerdict.choices, default=ComplaintVerdict.PENDING
    )
    reason = models.TextField(blank=True)
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["election", "filed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "complainant", "dealer"], name="verifiable_complaint_once"
            )
        ]

    def __str__(self) -> str:
        return f"complaint {self.complainant}→{self.dealer} in election {self.election_id}"


class CredentialAuthority(models.Model):
    """Who issues the voters' credentials: a person apart from the server's operators, who
    uploads only the public list."""

    election = models.OneToOneField(
        Election, on_delete=models.PROTECT, related_name="credential_authority"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"credential authority of election {self.election_id}"


class BoardKind(models.TextChoices):
    SETUP = "setup", "Setup: the election and its key generation"
    CREDENTIALS = "credentials", "The public credential list"
    BALLOT = "ballot", "An encrypted ballot"
    CLOSE = "close", "Close"
    TALLY = "tally", "Homomorphic sums"
    SHUFFLE = "shuffle", "A shuffle"
    DECRYPTION = "decryption", "A trustee's decryption shares"
    RESULT = "result", "The result"


class BoardEntryQuerySet(models.QuerySet["BoardEntry"]):
    """No bulk update or delete: the board only grows."""

    def update(self, **kwargs: object) -> int:
        raise TypeError("the bulletin board is append-only: entries are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("the bulletin board is append-only: entries are never deleted")


class BoardEntry(models.Model):
    """One entry of an election's public bulletin board: ``body`` is the entry's canonical
    JSON (``{"height", "parent", "type", "payload"}``), ``entry_hash`` its SHA-256, ``parent``
    the previous entry's hash (64 zeros for the first). For a ``ballot`` entry ``tracker`` and
    ``credential`` (the public credential, as on the board) are kept for look-ups."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="board")
    height = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=BoardKind.choices)
    body = models.TextField()
    entry_hash = models.CharField(max_length=64)
    parent = models.CharField(max_length=64)
    tracker = models.CharField(max_length=64, blank=True)
    credential = models.CharField(max_length=64, blank=True)

    objects = BoardEntryQuerySet.as_manager()

    class Meta:
        ordering = ["election", "height"]
        constraints = [
            models.UniqueConstraint(fields=["election", "height"], name="verifiable_board_height"),
            models.UniqueConstraint(
                fields=["election", "tracker"],
                condition=~Q(tracker=""),
                name="verifiable_board_tracker_once",
            ),
        ]
        indexes = [
            models.Index(fields=["election", "credential"], name="verifiable_board_credential"),
            models.Index(fields=["election", "kind", "height"], name="verifiable_board_kind"),
        ]

    def __str__(self) -> str:
        return f"board entry {self.height} of election {self.election_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise TypeError("the bulletin board is append-only: an entry is never saved again")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("the bulletin board is append-only: entries are never deleted")
