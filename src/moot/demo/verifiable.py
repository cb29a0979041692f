"""The demo's verifiable ballot (issue 12; docs/verifiable.md, "A verifiable ballot from start to
end"): a question put to every member of Brackenford CLP (a small party: the seed stays
quick), run verifiable, open now.

Replayed through the real actions at their own dates (as :mod:`moot.demo.ballots` does):

* the returning officer calls the ballot and makes it verifiable (2 of 3 trustees), appoints
  the trustees (herself, the scrutineer and the campaigns' representative) and the credential
  authority;
* each trustee runs ``moot trustee init`` and ``moot trustee step`` — the very command code,
  answered in-process by the site's API (the same views and token authentication) — with
  their private directory under the keys directory (``MOOT_KEYS_DIR/demo-trustees/``): the
  shares never reach the database, and after the close the trustees go on with
  ``moot trustee step --dir …`` from there;
* the ballot is frozen, the credential authority uploads the public credential list (a real
  authority draws the credentials at random with ``moot credentials generate``; the demo's are
  derived from the demo's seed and each member's number, so that the banner can print the
  demo member's), the election opens and the ballot is issued;
* some members vote: each ballot encrypted by the Python reference implementation of the
  booth (``moot.verify.vballot``) and cast through the action the booth's API calls.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import io
import json
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from moot.demo import seed
from moot.demo.ballots import RETURNING_OFFICER, SCRUTINEER, _at, _email, _moment, _user

QUESTION = "Should Brackenford CLP open a members' advice centre on the high street?"
TITLE = "Brackenford: a members' advice centre"
UNIT = "brackenford"
# The demo's voter: Brackenford's secretary (a sign-in with the demo password), not yet voted.
VOTER = "secretary.brackenford"
REPRESENTATIVE = ("campaigns-representative", "Imogen", "Tallis-Brook")
AUTHORITY = ("credential-authority", "Ravi", "Castellane")
TRUSTEE_NAMES = (
    "Rosalind Quarrie (returning officer)",
    "Samuel Okonjo-Vane (scrutineer)",
    "Imogen Tallis-Brook (the campaigns' representative)",
)
THRESHOLD = 2
ONLINE_VOTES = 24
YES_SHARE = 0.6
ISSUED_DAYS_AGO = 1
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# The trustees' server: answered in-process during the seed; kept in each trustee's state.json
# for their steps after the close, against `make run`'s server (PORT 8000).
SERVER = "http://127.0.0.1:8000"

__all__ = ["demo_credential", "person", "seed_verifiable", "trustee_dir", "verifiable_lines"]


def person(local: str, first: str, last: str) -> Any:
    """A demo sign-in, made once (the demo's verifiable ballots share their officers)."""
    from moot.accounts.models import User

    found = User.objects.filter(email=_email(local)).first()
    return found if found is not None else _user(_email(local), first, last)


def trustee_dir(ballot_id: int, index: int) -> Path:
    """Trustee ``index``'s private directory for the demo's ballot (as on their own machine)."""
    return (
        Path(settings.MOOT_KEYS_DIR) / "demo-trustees" / f"ballot-{ballot_id}" / f"trustee-{index}"
    )


def demo_credential(uuid: str, number: Any) -> str:
    """The demo member's voting credential: 24 base58 characters drawn from the demo's seed,
    the election and the member's number (a real authority draws them at random)."""
    digest = hashlib.sha256(f"moot-demo-credential:{seed.SEED}:{uuid}:{number}".encode()).digest()
    rng = random.Random(int.from_bytes(digest, "big"))
    return "".join(rng.choice(ALPHABET) for _ in range(24))


def _grouped(credential: str) -> str:
    return "-".join(credential[i : i + 4] for i in range(0, len(credential), 4))


def _in_process(server: str, token: str) -> Any:
    """The trustee command's transport answered by the site itself: the request goes through
    the same URL, view and Bearer-token authentication as over HTTP."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="localhost")

    def call(method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        if method == "GET":
            response = client.get("/api" + path, secure=True)
        else:
            response = client.post(
                "/api" + path, body, content_type="application/json", secure=True
            )
        raw = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]  # streamed answers
            if response.streaming
            else response.content
        )
        return response.status_code, json.loads(raw) if raw else {}

    return call


@contextlib.contextmanager
def _commands() -> Any:
    """The trustee and credential commands with the in-process transport, quietly."""
    from moot.trustee import cli

    before = cli.TRANSPORT_FACTORY
    cli.TRANSPORT_FACTORY = _in_process
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield cli
    finally:
        cli.TRANSPORT_FACTORY = before


def _token(user: Any) -> str:
    from moot.accounts.actions import do_create_api_token

    return do_create_api_token(user, name="demo: trustee's machine", acting_user=user)[1]


def _key_ceremony(ballot: Any, people: list[Any]) -> None:
    """Every trustee's ``moot trustee init`` then ``moot trustee step`` in turn until the
    election key is made (each step posts what the ceremony needs next)."""
    import shutil

    root = trustee_dir(ballot.pk, 1).parent
    if root.exists():
        shutil.rmtree(root)  # a reseed: the last seed's trustees belonged to another ballot
    root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _commands() as cli:
        for index, user in enumerate(people, start=1):
            cli.trustee_init(
                argparse.Namespace(
                    dir=str(trustee_dir(ballot.pk, index)),
                    token=_token(user),
                    server=SERVER,
                    ballot=ballot.pk,
                )
            )
        for _ in range(7):
            for index in range(1, len(people) + 1):
                cli.trustee_step(
                    argparse.Namespace(dir=str(trustee_dir(ballot.pk, index)), server="")
                )


def _upload_credentials(ballot: Any, election: Any, authority: Any) -> None:
    """The credential authority's public list, one credential per voter on the roll."""
    from moot.ballots.models import RollEntry
    from moot.trustee import credentials as creds
    from moot.trustee.client import Api

    numbers = RollEntry.objects.filter(ballot=ballot, eligible=True).values_list(
        "member__number", flat=True
    )
    made = [demo_credential(str(election.uuid), number) for number in numbers]
    public = creds.public_list(str(election.uuid), made)
    with _commands():
        api = Api(_in_process(SERVER, _token(authority)), ballot.pk)
        api.post(
            "/credentials",
            {
                "credentials": public["credentials"],
                "credentials_sha256": public["credentials_sha256"],
            },
        )


def _votes(ballot: Any, election: Any, rng: random.Random, skip: str) -> None:
    """Members vote online: encrypted as the booth encrypts, cast as the booth's API casts."""
    from moot.ballots.models import RollEntry
    from moot.verifiable.actions import do_cast_verifiable
    from moot.verify import vballot

    election.refresh_from_db()
    parsed = vballot.parse_election(json.loads(election.election_json))
    entries = list(
        RollEntry.objects.filter(ballot=ballot, eligible=True, channel="online")
        .exclude(member__user__email=skip)
        .select_related("member")
        .order_by("pk")
    )
    for entry in rng.sample(entries, min(ONLINE_VOTES, len(entries))):
        yes = rng.random() < YES_SHARE
        credential = demo_credential(str(election.uuid), entry.member.number)
        cast, _ = vballot.encrypt_ballot(parsed, credential, [[1, 0] if yes else [0, 1]])
        do_cast_verifiable(ballot, entry, cast)


def seed_verifiable(org: seed.DemoOrg, officers: dict[str, Any]) -> Any:
    """The verifiable question ballot of Brackenford CLP, open since yesterday."""
    import dataclasses

    from moot.ballots.actions.definition import do_create_ballot, edition, spec_from_preset
    from moot.ballots.actions.officers import do_appoint_returning_officer, do_appoint_scrutineer
    from moot.ballots.actions.roll import do_freeze_ballot, do_issue_ballot
    from moot.units.models import Unit
    from moot.verifiable.actions import do_make_verifiable
    from moot.verifiable.actions.credentials import do_appoint_credential_authority
    from moot.verifiable.actions.trustees import do_appoint_trustees

    rng = random.Random(seed.SEED + 12)
    ro, scrutineer = officers[RETURNING_OFFICER], officers[SCRUTINEER]
    representative = _user(_email(REPRESENTATIVE[0]), *REPRESENTATIVE[1:])
    authority = person(*AUTHORITY)  # also last year's national ballot's
    unit = Unit.objects.get(slug=UNIT)
    preset = edition().ballots.preset("constituency_question")
    issue_day = org.today - datetime.timedelta(days=ISSUED_DAYS_AGO)
    freeze = issue_day - datetime.timedelta(days=preset.freeze_days_before_issue)
    called = freeze - datetime.timedelta(days=2)
    with _at(_moment(called, 10)):
        spec = dataclasses.replace(
            spec_from_preset(preset, title=TITLE),
            question=QUESTION,
            freeze_date=freeze,
            issue_at=_moment(issue_day, 9),
            reminders=(),
            close_at=_moment(org.today + datetime.timedelta(days=6), 12),
        )
        ballot = do_create_ballot(unit, spec, acting_user=ro)
        ballot = do_appoint_returning_officer(ballot, ro, acting_user=ro)
        ballot = do_appoint_scrutineer(ballot, scrutineer, acting_user=ro)
        election = do_make_verifiable(ballot, threshold=THRESHOLD, trustees=3, acting_user=ro)
        people = [ro, scrutineer, representative]
        do_appoint_trustees(election, list(zip(people, TRUSTEE_NAMES, strict=True)), acting_user=ro)
        do_appoint_credential_authority(election, authority, acting_user=ro)
    with _at(_moment(called, 15)):
        _key_ceremony(ballot, people)
    real = timezone.now()
    instant = datetime.timedelta(minutes=real.minute, seconds=real.second)
    with _at(_moment(freeze, 10) + instant):
        ballot = do_freeze_ballot(ballot.pk, acting_user=ro)
    with _at(_moment(freeze, 14)):
        _upload_credentials(ballot, election, authority)
    with _at(_moment(issue_day, 9, 5) + instant):
        ballot = do_issue_ballot(ballot.pk, acting_user=ro)
    with _at(_moment(issue_day, 18)):
        _votes(ballot, election, rng, _email(VOTER))
    ballot.refresh_from_db()
    return ballot


def verifiable_lines(base: str) -> list[str]:
    """The banner's lines: how to vote with a voting credential on a phone, where the board is,
    and what the trustees do after the close."""
    from moot.ballots.models import RollEntry
    from moot.verifiable.models import Election

    election = (
        Election.objects.filter(ballot__title=TITLE, ballot__unit__slug=UNIT)
        .select_related("ballot")
        .order_by("-pk")
        .first()
    )
    if election is None:
        return []
    ballot = election.ballot
    voter = (
        RollEntry.objects.filter(ballot=ballot, member__user__email=_email(VOTER), voted=False)
        .select_related("member")
        .first()
    )
    lines = [
        "",
        f"  A verifiable ballot (issue 12): “{QUESTION}”",
        (
            f"  {ballot.get_state_display().lower()}; {election.board_size} entries on its "
            f"public board {base}/ballots/{ballot.pk}/verifiable/board/"
        ),
    ]
    if ballot.state == "open" and voter is not None:
        credential = _grouped(demo_credential(str(election.uuid), voter.member.number))
        lines += [
            (
                f"  On a phone, sign in as {_email(VOTER)} and open "
                f"{base}/ballots/{ballot.pk}/verifiable/vote/"
            ),
            f"  enter the voting credential {credential} , choose, encrypt, then cast (or",
            "  audit the encryption first); find the tracker it shows on the board.",
        ]
    lines.append(
        f"  Trustees ({', '.join(TRUSTEE_NAMES)}; 2 of 3 decrypt): "
        f"moot trustee step --dir {trustee_dir(ballot.pk, 1)}"
    )
    return lines
