"""A verifiable ballot whose trustees and credential authority run the real ``moot trustee`` and
``moot credentials`` commands: against Django's test client through the commands' transport
seam (``client_transport``), or for real over HTTP against pytest-django's ``live_server``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ballots.casting_world import open_ballot
from factories import MemberFactory
from moot.accounts.actions import do_create_api_token
from moot.trustee import cli as trustee_cli
from moot.verifiable.actions.credentials import do_appoint_credential_authority
from moot.verifiable.actions.trustees import do_appoint_trustees
from moot.verifiable.models import Election

SERVER = "http://localhost"  # the test client answers whatever the host


@dataclass
class Ceremony:
    election: Election
    returning_officer: Any
    trustees: list[Any]
    tokens: dict[int, str]
    authority: Any
    authority_token: str
    dirs: dict[int, Path] = field(default_factory=dict)

    @property
    def ballot_id(self) -> int:
        return int(self.election.ballot_id)

    def refresh(self) -> Election:
        self.election.refresh_from_db()
        return self.election


def token_for(user: Any) -> str:
    return do_create_api_token(user, name="trustee machine", acting_user=user)[1]


def make_ceremony(
    tmp_path: Path, *, threshold: int = 2, trustees: int = 3, ballot_state: str = "frozen"
) -> Ceremony:
    ballot = open_ballot().ballot
    officer = MemberFactory(with_account=True).user
    # Frozen and not yet issued: a verifiable election opens between the two.
    ballot.returning_officer = officer
    ballot.state = ballot_state
    ballot.save(update_fields=["returning_officer", "state"])
    election = Election.objects.create(
        ballot=ballot, threshold=threshold, trustee_count=trustees, created_by=officer
    )
    people = [officer] + [MemberFactory(with_account=True).user for _ in range(trustees - 1)]
    names = ["Returning officer", "Scrutineer", "Candidates' representative", "Fourth", "Fifth"]
    do_appoint_trustees(election, list(zip(people, names, strict=False)), acting_user=officer)
    authority = MemberFactory(with_account=True).user
    do_appoint_credential_authority(election, authority, acting_user=officer)
    return Ceremony(
        election=election,
        returning_officer=officer,
        trustees=people,
        tokens={i: token_for(user) for i, user in enumerate(people, start=1)},
        authority=authority,
        authority_token=token_for(authority),
        dirs={i: tmp_path / f"trustee-{i}" for i in range(1, trustees + 1)},
    )


def client_transport(server: str, token: str) -> Any:
    """The commands' transport, answered by Django's test client (same views, same auth)."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def call(method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        if method == "GET":
            response = client.get("/api" + path)
        else:
            response = client.post("/api" + path, body, content_type="application/json")
        if getattr(response, "streaming", False):  # GET trustees/board is streamed
            raw = b"".join(response.streaming_content)
            return response.status_code, json.loads(raw) if raw else {}
        return response.status_code, response.json() if response.content else {}

    return call


@pytest.fixture
def via_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trustee_cli, "TRANSPORT_FACTORY", client_transport)


@pytest.fixture
def ceremony(db: Any, tmp_path: Path, via_client: None) -> Ceremony:
    return make_ceremony(tmp_path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from moot.cli import main

    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


def init_all(c: Ceremony, capsys: pytest.CaptureFixture[str], server: str = SERVER) -> None:
    for index, path in c.dirs.items():
        code, out = run(
            [
                "trustee",
                "init",
                "--server",
                server,
                "--ballot",
                str(c.ballot_id),
                "--token",
                c.tokens[index],
                "--dir",
                str(path),
            ],
            capsys,
        )
        assert code == 0, out


def step(c: Ceremony, index: int, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return run(["trustee", "step", "--dir", str(c.dirs[index])], capsys)


def step_all(c: Ceremony, capsys: pytest.CaptureFixture[str], rounds: int = 6) -> dict[int, str]:
    last: dict[int, str] = {}
    for _ in range(rounds):
        for index in c.dirs:
            _code, last[index] = step(c, index, capsys)
    return last
