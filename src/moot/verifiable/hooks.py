"""What a verifiable ballot adds to issue 11's ballot, registered in ``moot.ballots.hooks`` when
the app is ready (ballots does not import this app):

* its definition says so: ``"verifiable": {"format", "uuid", "threshold", "trustees",
  "revote"}``, saved with every version and hashed at the freeze;
* it is not issued until its election is open (the refusal names what is missing);
* its online votes are cast in the verifiable booth, never on the plain ballot page.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from moot.ballots import hooks
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot
from moot.verifiable.context import revote_of
from moot.verifiable.models import Election
from moot.verifiable.readiness import missing_for_issue
from moot.verify import group

__all__ = ["booth_path", "definition_part", "issue_check", "register"]

NAME = "verifiable"


def definition_part(ballot: Ballot) -> dict[str, Any]:
    election = Election.objects.filter(ballot_id=ballot.pk).first()
    if election is None:
        return {}
    return {
        "verifiable": {
            "format": group.VERSION,
            "uuid": str(election.uuid),
            "threshold": election.threshold,
            "trustees": election.trustee_count,
            "revote": revote_of(ballot),
        }
    }


def issue_check(ballot: Ballot) -> None:
    election = Election.objects.filter(ballot_id=ballot.pk).first()
    if election is None:
        return
    missing = missing_for_issue(election, ballot)
    if missing:
        raise BallotError(
            "This ballot is verifiable: it is issued only once its election is open. Still "
            "needed: " + "; ".join(missing) + ".",
            code=RefusalCode.STATE,
        )


def booth_path(ballot: Ballot) -> str:
    if not Election.objects.filter(ballot_id=ballot.pk).exists():
        return ""
    return reverse("verifiable:vote", args=[ballot.pk])


def register() -> None:
    hooks.register(hooks.DEFINITION_PARTS, NAME, definition_part)
    hooks.register(hooks.ISSUE_CHECKS, NAME, issue_check)
    hooks.register(hooks.ONLINE_BOOTHS, NAME, booth_path)
    # The close, the count and the record (moot.verifiable.declaration).
    from moot.verifiable import declaration

    hooks.register(hooks.ISSUE_CHECKS, NAME + "-precedence", declaration.check_precedence)
    hooks.register(hooks.ONLINE_MARKS, NAME, declaration.online_mark)
    hooks.register(hooks.ON_CLOSE, NAME, declaration.close_board)
    hooks.register(hooks.BEFORE_COUNT, NAME, declaration.take_result)
    hooks.register(hooks.RECORD_PARTS, NAME, declaration.record_parts)
    # The console's stage and the count page's progress (moot.verifiable.console).
    from moot.verifiable import console

    hooks.register(hooks.CONSOLE_STAGES, NAME, console.console_stage)
    hooks.register(hooks.COUNT_NOTES, NAME, console.count_notes)
