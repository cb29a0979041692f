"""One row per counted use while it counts against a limit (:mod:`moot.limits`)."""

from __future__ import annotations

from django.db import models


class LimitHit(models.Model):
    """A use of a limited thing (``scope``) by someone (``key``) at a moment. Rows live only
    as long as their window: counting the rows of a window in the database means every worker
    and server counts the same uses."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="limithit_scope_key_at")]

    def __str__(self) -> str:
        return f"{self.scope} by {self.key} at {self.at}"
