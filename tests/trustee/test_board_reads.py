"""The server's mix and decryption posts read the board inside the election's row lock: once
the tally entry and a shuffle of every ranked question are on it, they no longer parse the
ballots again — the sums are the tally entry's, the rows the last shuffle's outputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from moot.trustee.tally import read_tally
from moot.verifiable.actions.mixing import read_board
from moot.verifiable.models import BoardEntry, ElectionState
from trustee.test_tally_cli import closed, step  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_after_the_mix_the_server_reads_no_ballot_and_gets_the_same_tally(
    closed: Any,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, dirs, _tokens = closed
    for index in (1, 2, 3):
        code, out = step(dirs, index, capsys)
        assert code == 0, out
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.DECRYPTING
    entries = [
        json.loads(body)
        for body in BoardEntry.objects.filter(election=world.election)
        .order_by("height")
        .values_list("body", flat=True)
    ]
    full = read_tally(json.loads(world.election.election_json), entries, verify=False)
    assert sum(e["type"] == "ballot" for e in entries) == 3
    from moot.verifiable.actions import mixing

    seen: list[str] = []

    def watched(document: Any, given: Any, **kwargs: Any) -> Any:
        seen.extend(e["type"] for e in given)
        return read_tally(document, given, **kwargs)

    monkeypatch.setattr(mixing, "read_tally", watched)
    quick = read_board(world.election)
    assert seen
    assert "ballot" not in seen
    assert quick.sums == full.sums
    assert quick.current == full.current
    assert quick.counted_count == full.counted_count == 3
    assert quick.mixers == full.mixers == [1, 2, 3]
    # The decryptions go on from it (each post read without the ballots): the result.
    for index in (1, 3):
        code, out = step(dirs, index, capsys)
        assert code == 0, out
    assert "ballot" not in seen
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.DECRYPTED
    from moot.verifiable import declaration
    from moot.verify.vrecord import Report, verify_files

    files = declaration.verifiable_record_files(world.election)
    report = verify_files(files, Report("x", trusted_key=None, fingerprint=None, workers=1))
    assert report.failure is None


def test_the_trustees_board_is_streamed_entry_by_entry(
    closed: Any,  # noqa: F811
) -> None:
    from django.test import Client

    world, _dirs, tokens = closed
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[1]}").get(
        f"/api/ballots/{world.ballot.pk}/verifiable/trustees/board"
    )
    assert answer.status_code == 200
    assert answer.streaming
    document = json.loads(b"".join(answer.streaming_content))
    assert document["election"] == json.loads(world.election.election_json)
    stored = [
        json.loads(body)
        for body in BoardEntry.objects.filter(election=world.election)
        .order_by("height")
        .values_list("body", flat=True)
    ]
    assert document["entries"] == stored
