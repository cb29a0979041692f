"""The audit verbs of verifiable ballots: ``verifiable.<action name without do_>``
(moot.audit.verbs has the rule). Each topic keeps its verbs together under its heading."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    # -- the definition's choice
    MAKE_VERIFIABLE = "verifiable.make_verifiable"
    DROP_VERIFIABLE = "verifiable.drop_verifiable"
    # -- opening and casting
    OPEN_VERIFIABLE = "verifiable.open_verifiable"
    CAST_VERIFIABLE = "verifiable.cast_verifiable"


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {}
