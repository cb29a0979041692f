"""Last year's national executive ballot run verifiable (issue 12, "Done when": the demo's
national ballot verifiable end to end), replayed by :mod:`moot.demo.ballots` at its dates:

* in the draft, the returning officer makes it verifiable (2 of 3 trustees), appoints the
  trustees (herself, the scrutineer and the candidates' representative) and the credential
  authority; the trustees make the election key with the ``moot trustee`` command code,
  answered in-process (:mod:`moot.demo.verifiable`);
* after the freeze the credential authority uploads the public credential list (the election
  opens); after the issue members vote online — each ranking encrypted as the booth encrypts
  it (``moot.verify.vballot``) and cast through the booth's action — and the tellers key the
  postal papers as in any national ballot;
* the close appends the board's ``close``; the three trustees mix in turn and two decrypt
  (``moot trustee step``), the count takes the decrypted rankings beside the papers, the
  scrutineer signs, the returning officer declares and the record (with its verifiable part)
  is published.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from typing import Any

from moot.demo.ballots import RETURNING_OFFICER, SCRUTINEER
from moot.demo.verifiable import (
    AUTHORITY,
    THRESHOLD,
    _commands,
    _key_ceremony,
    _upload_credentials,
    demo_credential,
    person,
    trustee_dir,
)

REPRESENTATIVE = ("candidates-representative", "Marguerite", "Ashdown-Pell")
TRUSTEE_NAMES = (
    "Rosalind Quarrie (returning officer)",
    "Samuel Okonjo-Vane (scrutineer)",
    "Marguerite Ashdown-Pell (the candidates' representative)",
)

__all__ = [
    "REPRESENTATIVE",
    "TRUSTEE_NAMES",
    "cast_encrypted",
    "key_ceremony",
    "make_verifiable",
    "mix_and_decrypt",
    "open_election",
]


def _people(officers: dict[str, Any]) -> list[Any]:
    return [officers[RETURNING_OFFICER], officers[SCRUTINEER], person(*REPRESENTATIVE)]


def make_verifiable(ballot: Any, officers: dict[str, Any]) -> Any:
    """In the draft: verifiable with 2 of 3 trustees, the trustees and the credential
    authority appointed (by the returning officer)."""
    from moot.verifiable.actions import do_make_verifiable
    from moot.verifiable.actions.credentials import do_appoint_credential_authority
    from moot.verifiable.actions.trustees import do_appoint_trustees

    ro = officers[RETURNING_OFFICER]
    election = do_make_verifiable(ballot, threshold=THRESHOLD, trustees=3, acting_user=ro)
    people = _people(officers)
    do_appoint_trustees(election, list(zip(people, TRUSTEE_NAMES, strict=True)), acting_user=ro)
    do_appoint_credential_authority(election, person(*AUTHORITY), acting_user=ro)
    return election


def key_ceremony(ballot: Any, officers: dict[str, Any]) -> None:
    """The trustees' key, each with ``moot trustee init`` and ``step`` in turn."""
    _key_ceremony(ballot, _people(officers))


def open_election(ballot: Any) -> Any:
    """After the freeze: the credential authority's public list (the election opens)."""
    from moot.verifiable.models import Election

    election = Election.objects.get(ballot=ballot)
    _upload_credentials(ballot, election, person(*AUTHORITY))
    election.refresh_from_db()
    return election


def cast_encrypted(ballot: Any, election: Any) -> Any:
    """A function casting one member's ranking (candidate ids, most preferred first) on the
    issued ballot as the booth does: encrypted with the member's voting credential, cast
    through the booth's action."""
    from moot.verifiable.actions import do_cast_verifiable
    from moot.verifiable.context import candidates_in_order
    from moot.verify import vballot

    parsed = vballot.parse_election(json.loads(election.election_json))
    order = [c.pk for c in candidates_in_order(ballot)]
    uuid = str(election.uuid)

    def cast(issued: Any, entry: Any, ranking: list[int]) -> None:
        ranks = [0] * len(order)
        for rank, candidate in enumerate(ranking, start=1):
            ranks[order.index(candidate)] = rank
        credential = demo_credential(uuid, entry.member.number)
        encrypted, _ = vballot.encrypt_ballot(parsed, credential, [ranks])
        do_cast_verifiable(issued, entry, encrypted)

    return cast


def mix_and_decrypt(ballot: Any) -> Any:
    """After the close: ``moot trustee step`` by each trustee in turn until the board holds
    the result — the three mix in index order, then two decrypt (2 of 3): the last mixer,
    straight after its shuffle, and the first."""
    from moot.verifiable.models import Election, ElectionState

    election = Election.objects.get(ballot=ballot)
    with _commands() as cli:
        for _ in range(3):
            for index in (1, 2, 3):
                election.refresh_from_db()
                if election.state == ElectionState.DECRYPTED:
                    return election
                said = io.StringIO()
                with contextlib.redirect_stdout(said):
                    code = cli.trustee_step(
                        argparse.Namespace(dir=str(trustee_dir(ballot.pk, index)), server="")
                    )
                if code:
                    raise RuntimeError(f"trustee {index}'s step failed: {said.getvalue()}")
    election.refresh_from_db()
    if election.state != ElectionState.DECRYPTED:
        raise RuntimeError(f"the demo's trustees left the election {election.state}")
    return election
