"""The verifiable pages: the booth for a voter on the roll (and the plain ballot page sending
them there), the public board with its tracker look-up, board.jsonl and election.json, the
audit check, and the manager's setup page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from moot.verifiable.actions import do_cast_verifiable
from moot.verify import vballot, vboard
from verifiable.world import VerifiableWorld, open_verifiable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> VerifiableWorld:
    return open_verifiable()


def _voter(world: VerifiableWorld, n: int = 0) -> Client:
    client = Client()
    entry = world.base.entries[n]
    start = client.post(f"/ballots/{world.ballot.pk}/vote/", {"credential": world.base.code(entry)})
    assert start.status_code == 302
    return client


def test_the_plain_ballot_page_sends_the_voter_to_the_booth(world: VerifiableWorld) -> None:
    client = _voter(world)
    response = client.get(f"/ballots/{world.ballot.pk}/vote/ballot/")
    assert response.status_code == 302
    assert response["Location"] == f"/ballots/{world.ballot.pk}/verifiable/vote/"
    booth = client.get(response["Location"]).content.decode()
    assert 'id="booth"' in booth
    assert "Encrypt my ballot" in booth
    assert "<noscript>" in booth
    for candidate in world.base.candidates:
        assert candidate.name in booth
    assert 'src="/static/verifiable/booth.js"' in booth
    assert "<script>" not in booth  # no inline script (CSP)


def test_the_booth_tells_a_stranger_how_to_start(world: VerifiableWorld) -> None:
    page = Client().get(f"/ballots/{world.ballot.pk}/verifiable/vote/").content.decode()
    assert 'id="who"' in page
    assert 'id="booth"' not in page


def test_the_board_lists_trackers_and_finds_one(world: VerifiableWorld) -> None:
    ballot = world.encrypt(0, [1, 2, 0])
    cast = do_cast_verifiable(world.ballot, world.base.entries[0], ballot)
    client = Client()
    page = client.get(f"/ballots/{world.ballot.pk}/verifiable/board/").content.decode()
    assert vballot.format_tracker(cast.tracker) in page
    shown = vballot.format_tracker(cast.tracker).upper()
    found = client.get(
        f"/ballots/{world.ballot.pk}/verifiable/board/", {"tracker": shown}
    ).content.decode()
    assert "Your ballot is on the board: entry 2" in found
    missing = client.get(
        f"/ballots/{world.ballot.pk}/verifiable/board/", {"tracker": "0" * 64}
    ).content.decode()
    assert "No ballot with this tracker is on the board" in missing


def test_board_jsonl_is_the_chain(world: VerifiableWorld) -> None:
    do_cast_verifiable(world.ballot, world.base.entries[0], world.encrypt(0, [1, 0, 0]))
    response = Client().get(f"/ballots/{world.ballot.pk}/verifiable/board.jsonl")
    data = b"".join(response.streaming_content)
    entries = vboard.read_board(data)
    world.election.refresh_from_db()
    assert vboard.check_chain(entries) == world.election.board_head
    assert [e["type"] for e in entries] == ["setup", "credentials", "ballot"]


def test_the_board_pages_command_checks_the_live_board(
    world: VerifiableWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command the board page prints, run as printed on what the page offers: the board so
    far holds and extends the head the page showed; a later ballot keeps it extended."""
    from moot.cli import main

    do_cast_verifiable(world.ballot, world.base.entries[0], world.encrypt(0, [1, 0, 0]))
    client = Client()
    base = f"/ballots/{world.ballot.pk}/verifiable"
    page = client.get(f"{base}/board/").content.decode()
    commands = re.findall(r'<code translate="no">(moot verify [^<]*)</code>', page)
    assert len(commands) == 2
    (tmp_path / f"board-{world.ballot.pk}.jsonl").write_bytes(
        b"".join(client.get(f"{base}/board.jsonl").streaming_content)
    )
    (tmp_path / "election.json").write_bytes(client.get(f"{base}/election.json").content)
    noted = commands[1]
    do_cast_verifiable(world.ballot, world.base.entries[1], world.encrypt(1, [0, 1, 0]))
    (tmp_path / f"board-{world.ballot.pk}.jsonl").write_bytes(
        b"".join(client.get(f"{base}/board.jsonl").streaming_content)
    )
    for command in (commands[0], noted):
        argv = [
            str(tmp_path / a) if "." in a and not a.startswith("-") else a
            for a in command.split()[1:]
        ]
        assert main(argv) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "2 ballot(s) so far" in out
    assert "extends the earlier head" in out


def test_election_json_is_what_is_hashed(world: VerifiableWorld) -> None:
    response = Client().get(f"/ballots/{world.ballot.pk}/verifiable/election.json")
    assert response["X-Election-Hash"] == world.election.election_hash
    assert vballot.election_hash(json.loads(response.content)) == world.election.election_hash


def test_the_audit_page_shows_what_the_ballot_held(world: VerifiableWorld) -> None:
    parsed = world.parsed()
    ballot, randomness = vballot.encrypt_ballot(parsed, world.credentials[0], [[2, 1, 0]])
    audit = vballot.audit_object(parsed, ballot, randomness, [[2, 1, 0]])
    client = Client()
    page = client.post(
        f"/ballots/{world.ballot.pk}/verifiable/audit/", {"audit": json.dumps(audit)}
    ).content.decode()
    assert "The audit checks out" in page
    assert vballot.format_tracker(vballot.tracker(ballot)) in page
    assert "compare it with the tracker your booth showed before you chose to check" in page
    first, second = world.base.candidates[1].name, world.base.candidates[0].name
    assert page.index(f"{first}: 1") < page.index(f"{second}: 2")
    audit["plaintexts"][0][0] += 1
    bad = client.post(
        f"/ballots/{world.ballot.pk}/verifiable/audit/", {"audit": json.dumps(audit)}
    ).content.decode()
    assert "does not check out" in bad
    assert "did not encrypt what it showed" in bad


def test_a_ballot_that_is_not_verifiable_has_no_board() -> None:
    from ballots.casting_world import open_ballot

    plain = open_ballot(voters=1)
    assert Client().get(f"/ballots/{plain.ballot.pk}/verifiable/board/").status_code == 404


def test_the_tracker_look_up_says_a_ballot_was_superseded_by_a_revote() -> None:
    world = open_verifiable(precedence="last_online")
    entry = world.base.entries[0]
    first = do_cast_verifiable(world.ballot, entry, world.encrypt(0, [1, 2, 0]))
    second = do_cast_verifiable(world.ballot, entry, world.encrypt(0, [2, 1, 0]))
    client = Client()
    board = f"/ballots/{world.ballot.pk}/verifiable/board/"
    old = client.get(board, {"tracker": first.tracker}).content.decode()
    assert (
        "It was superseded by a later ballot of the same voting credential, "
        f"entry {second.height}: only the last ballot of a credential counts."
    ) in old
    last = client.get(board, {"tracker": second.tracker}).content.decode()
    assert "Your ballot is on the board" in last
    assert "superseded" not in last
    api = f"/api/verifiable/ballots/{world.ballot.pk}/trackers"
    assert client.get(f"{api}/{first.tracker}").json()["superseded_by"] == second.height
    assert client.get(f"{api}/{second.tracker}").json()["superseded_by"] is None
