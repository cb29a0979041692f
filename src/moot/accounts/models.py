from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class User(AbstractUser):
    """A sign-in account. The person behind it, if a member, is ``member`` (members.Member.user)."""

    email = models.EmailField("e-mail address", unique=True)
    # Raised to end every session of the account at once (see _get_session_auth_hash): when
    # the member's standing ends (expelled, resigned, lapsed) or their credentials change.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django keeps this hash in each session and signs the session out when it no
        longer matches: it covers the password (Django's own rule) and the session
        generation, so raising the generation ends every session of the account. Generation
        0 gives Django's hash unchanged, so sessions made before the field existed stay."""
        from django.utils.crypto import salted_hmac

        if not self.session_generation:
            # Django's own hash (AbstractBaseUser._get_session_auth_hash), unchanged.
            return salted_hmac(
                "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
                self.password,
                secret=secret,
                algorithm="sha256",
            ).hexdigest()
        return salted_hmac(
            "moot.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``_password`` is set by set_password() until the save (AbstractBaseUser): a new
        # password on an existing account revokes its API tokens, whichever page or command
        # changed it (password change, reset, the staff admin, changepassword).
        password_changed = getattr(self, "_password", None) is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from moot.accounts.actions import do_revoke_all_api_tokens

            do_revoke_all_api_tokens(self, reason="the password was changed", acting_user=None)


class StaffRole(models.TextChoices):
    NATIONAL_STAFF = "national_staff", "national staff (governance)"
    COMPLAINTS_STAFF = "complaints_staff", "complaints staff"
    AUDITOR = "auditor", "auditor (read-only)"


class StaffAssignment(models.Model):
    """A staff role given to an account. ``unit`` null means the whole organisation; a unit
    limits the role to that unit and the units under it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_assignments")
    role = models.CharField(max_length=30, choices=StaffRole.choices, db_index=True)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], name="staff_assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(unit__isnull=True),
                name="staff_assignment_unique_national",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit.name if self.unit_id else "national"
        return f"{self.user} — {self.get_role_display()} ({scope})"


class Invitation(models.Model):
    """An invitation for a member to claim an account. Only the SHA-256 of the claim token is
    stored; the token itself exists only in the e-mail sent to the member."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    # Empty until the mail task has generated the token and sent it.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invitation for {self.email} ({self.state})"

    @property
    def state(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending" if self.sent_at else "queued"


class ApiToken(models.Model):
    """A personal API token (``Authorization: Bearer <token>``). Only the SHA-256 of the token
    is stored; ``prefix`` (its first characters) lets its owner recognise it in a list."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        from django.utils import timezone

        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class SignInAttempt(models.Model):
    """One password sign-in attempt, kept while it counts against a limit
    (:mod:`moot.accounts.throttle`). A row is written before the password is checked and
    deleted when it was right, so the rows of a window are the failures plus the attempts in
    flight: every worker and server sees the same count, and concurrent guesses cannot all
    slip under the limit."""

    address = models.CharField(max_length=45)
    account = models.CharField(max_length=254)  # the login typed, lower case
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["address", "account", "at"], name="signin_pair_at"),
            models.Index(fields=["account", "at"], name="signin_account_at"),
            models.Index(fields=["address", "at"], name="signin_address_at"),
        ]

    def __str__(self) -> str:
        return f"sign-in attempt for {self.account} from {self.address} at {self.at}"
