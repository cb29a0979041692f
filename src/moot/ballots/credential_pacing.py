"""Wrong credentials are slowed down, never locked out (review 5, finding 10).

A credential has 80 random bits, so guessing one is hopeless; pacing keeps it that way against
a flood, and stops a script from trying a list of stolen or half-remembered codes at speed.
Every way in — the form at ``/vote/``, the invitation's link ``/vote/c/<credential>/`` and the
API's ``POST /api/ballots/<id>/cast`` — goes through :func:`entry_paced`:

* per client and ballot: after ``CLIENT_FREE`` wrong credentials in an hour, each try waits
  ``CLIENT_PACE`` after the last wrong one;
* per ballot (every client together, against guessing spread over many addresses): after
  ``BALLOT_FREE`` wrong credentials in an hour, each try waits ``BALLOT_PACE``.

The wait is checked before the credential (a right one tried during the pause waits too: else
pacing would not slow a guesser), and the failure is counted outside any transaction. The key
of a count holds the ballot and the client's address, never the credential tried.
"""

from __future__ import annotations

import datetime
from typing import Any

from moot.ballots import credentials
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, RollEntry
from moot.limits import note_failure, paced_wait

__all__ = ["entry_paced"]

SCOPE = "ballots.credential"
WINDOW = datetime.timedelta(hours=1)
CLIENT_FREE = 10
CLIENT_PACE = datetime.timedelta(seconds=10)
BALLOT_FREE = 1000
BALLOT_PACE = datetime.timedelta(seconds=1)


def _keys(ballot: Ballot, request: Any) -> list[tuple[str, int, datetime.timedelta]]:
    from moot.accounts.throttle import client_address

    return [
        (f"ballot:{ballot.pk}:client:{client_address(request)}", CLIENT_FREE, CLIENT_PACE),
        (f"ballot:{ballot.pk}", BALLOT_FREE, BALLOT_PACE),
    ]


def entry_paced(ballot: Ballot, request: Any, text: str) -> RollEntry:
    """``credentials.entry_for_credential``, refused with "wait N seconds" while the client
    (or the ballot as a whole) is being slowed; each refusal of a credential counts."""
    keys = _keys(ballot, request)
    wait = max(
        paced_wait(SCOPE, key, free=free, window=WINDOW, pace=pace) for key, free, pace in keys
    )
    if wait:
        raise BallotError(
            f"Too many wrong credentials were tried: wait {wait} second{'s' if wait != 1 else ''}, "
            "then type the code from your invitation again (capitals or not, dashes or not).",
            field="credential",
            code=RefusalCode.RATE_LIMITED,
        )
    try:
        return credentials.entry_for_credential(ballot, text)
    except BallotError:
        for key, _free, _pace in keys:
            note_failure(SCOPE, key, window=WINDOW)
        raise
