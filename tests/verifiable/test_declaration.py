"""A verifiable ballot through issue 11's close, count and declaration: the close counts the
online returns without unsealing anything and closes the board; the count waits for the
trustees' result, then counts the decrypted rankings with the postal papers, an invalid
ranking counted as spoilt with its position; the published record holds the verifiable
record under verifiable/ and ``moot verify`` / ``moot ballot verify`` check both parts."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.ballots import content, secrecy
from moot.ballots.actions.closing import (
    do_close_ballot,
    do_count_ballot,
    do_declare_ballot,
    do_sign_scrutineer_report,
)
from moot.ballots.definition import definition_of, sha256_of
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, CountedBallot, Return
from moot.ballots.record import record_bytes
from moot.verifiable import declaration
from moot.verifiable.actions import do_cast_verifiable
from moot.verifiable.models import BoardEntry, ElectionState
from moot.verify import vsim
from moot.verify.record import verify_bundle, verify_files
from verifiable.tally_world import mix_and_decrypt
from verifiable.world import VerifiableWorld, open_verifiable

pytestmark = pytest.mark.django_db

SATISFIED = {key: {"satisfied": True, "reasons": ""} for key in ("a", "b", "c")}


def _post(world: VerifiableWorld, entry: Any, names: list[str]) -> None:
    """A postal paper the tellers keyed and decided (a sealed post return, as the resolution
    writes it)."""
    ids = [next(c.pk for c in world.base.candidates if c.name == n) for n in names]
    text = json.dumps(ids, separators=(",", ":"))
    sealed = secrecy.seal(world.ballot, text, content.padded_width(world.ballot))
    Return.objects.create(
        ballot=world.ballot, entry=entry, slot="any", channel="post", sealed=sealed
    )


def _as_frozen(world: VerifiableWorld) -> None:
    """The freeze's hash and roll figures, as at the freeze (the world skips it)."""
    world.ballot.definition_hash = sha256_of(definition_of(world.ballot))
    entries = world.base.entries
    channels = {"online": 0, "post": 0}
    for entry in entries:
        channels[entry.channel] += 1
    world.ballot.roll_commitment = {
        "format": "moot-ballot-roll/1",
        "ballot": world.ballot.pk,
        "freeze_date": None,
        "root": "ab" * 32,
        "size": len(entries),
        "assessed": len(entries),
        "refused": 0,
        "constituencies": [
            {"unit": world.ballot.unit_id, "name": "National", "eligible": len(entries)}
        ],
        "regions": [{"unit": None, "name": "(no region)", "eligible": len(entries)}],
        "refusals": [],
        "channels": channels,
    }
    world.ballot.save(update_fields=["definition_hash", "roll_commitment"])


def _voted(world: VerifiableWorld) -> tuple[Any, Any]:
    """Three online votes (one of them not a ranking, as a faulty booth would make) and one
    postal paper; the ballot past its close; its officers."""
    entries = world.base.entries
    parsed = world.parsed()
    do_cast_verifiable(world.ballot, entries[0], world.encrypt(0, [1, 2, 0]))
    do_cast_verifiable(world.ballot, entries[1], world.encrypt(1, [0, 1, 2]))
    bad = vsim.cast(parsed, world.credentials[2], vsim.Vote(2, [[1, 0, 0]], chunks={0: [7]}))
    do_cast_verifiable(world.ballot, entries[2], bad)
    _post(world, entries[3], ["Cy Crane", "Ada Ashdown"])
    ro, scrutineer = UserFactory(), UserFactory()
    Ballot.objects.filter(pk=world.ballot.pk).update(
        close_at=timezone.now() - datetime.timedelta(minutes=1),
        returning_officer=ro,
        scrutineer=scrutineer,
    )
    world.ballot.refresh_from_db()
    _as_frozen(world)
    return ro, scrutineer


@pytest.fixture
def world() -> VerifiableWorld:
    return open_verifiable(voters=4, precedence="online_wins")


def _declared(world: VerifiableWorld, capture: Any) -> bytes:
    ro, scrutineer = _voted(world)
    with capture(execute=True):
        do_close_ballot(world.ballot, acting_user=ro)
    mix_and_decrypt(world.election, world.shares)
    ballot = do_count_ballot(world.ballot, acting_user=ro)
    do_sign_scrutineer_report(ballot, statements=SATISFIED, acting_user=scrutineer)
    with capture(execute=True):
        do_declare_ballot(ballot, acting_user=ro)
    return record_bytes(Ballot.objects.get(pk=world.ballot.pk))


def test_the_close_unseals_nothing_online_and_closes_the_board(
    world: VerifiableWorld, django_capture_on_commit_callbacks: Any
) -> None:
    ro, _ = _voted(world)
    with django_capture_on_commit_callbacks(execute=True):
        ballot = do_close_ballot(world.ballot, acting_user=ro)
    online = ballot.returns["by_channel"]["online"]
    assert (online["received"], online["counted"]) == (3, 3)
    assert ballot.returns["by_channel"]["post"]["counted"] == 1
    # Only the postal paper is a counted ballot yet: the online votes are on the board.
    assert CountedBallot.objects.filter(ballot=ballot).count() == 1
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.CLOSED
    close = json.loads(BoardEntry.objects.get(election=world.election, kind="close").body)
    event = AuditEvent.objects.get(verb="verifiable.close_board")
    assert event.after["board_head"] == world.election.board_head
    assert close["payload"] == {
        "ballots": 3,
        "counted": 3,
        "head": close["parent"],
        "superseded": [],
        "voters_online": 3,
    }


def test_the_count_waits_for_the_trustees_then_counts_both_parts(
    world: VerifiableWorld, django_capture_on_commit_callbacks: Any
) -> None:
    ro, _ = _voted(world)
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(world.ballot, acting_user=ro)
    with pytest.raises(BallotError, match="once its trustees have mixed and decrypted") as caught:
        do_count_ballot(world.ballot, acting_user=ro)
    assert caught.value.code == "state"
    assert CountedBallot.objects.filter(ballot=world.ballot).count() == 1
    result = mix_and_decrypt(world.election, world.shares)
    invalid = result["questions"][0]["invalid"]
    assert len(invalid) == 1
    ballot = do_count_ballot(world.ballot, acting_user=ro)
    contents = sorted(CountedBallot.objects.filter(ballot=ballot).values_list("content", flat=True))
    ada, bea, cy = (c.pk for c in world.base.candidates)
    assert contents == sorted(
        json.dumps(x, separators=(",", ":")) for x in ([ada, bea], [bea, cy], [cy, ada])
    )
    online = ballot.returns["by_channel"]["online"]
    assert (online["received"], online["counted"], online["spoilt"]) == (3, 2, 1)
    assert online["invalid_after_decryption"] == invalid
    reason = f"invalid after decryption: {invalid[0]['reason']}"
    assert ballot.returns["spoilt"] == {reason: 1}
    assert ballot.returns["counted"] == 3
    event = AuditEvent.objects.get(verb="verifiable.take_result")
    assert (event.after["counted"], event.after["invalid"]) == (2, 1)


def test_the_declared_record_holds_both_parts(
    world: VerifiableWorld, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    data = _declared(world, django_capture_on_commit_callbacks)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [n for n in names if n.startswith("verifiable/")] == [
        "verifiable/election.json",
        "verifiable/board.jsonl",
        "verifiable/q0-ballots.blt",
        "verifiable/q0-count.txt",
        "verifiable/q0-count.json",
        "verifiable/q0-rctab-summary.json",
        "verifiable/manifest.json",
    ]
    assert names[-1] == "manifest.json"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert "verifiable/board.jsonl" in manifest["files"]
    path = tmp_path / "record.zip"
    path.write_bytes(data)
    report = verify_bundle(path)
    assert report.ok, "\n".join(report.lines())
    assert any(line.startswith("verifiable: ") and "board" in line for line in report.passed)
    assert report.passed[-1] == (
        "verifiable: the count holds the board's 2 valid decrypted rankings (1 invalid after "
        "decryption) and 1 postal papers"
    )


def _files(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_join_of_the_two_parts_is_checked(
    world: VerifiableWorld, django_capture_on_commit_callbacks: Any
) -> None:
    files = _files(_declared(world, django_capture_on_commit_callbacks))
    # Without the board, a verifiable ballot's record does not hold.
    stripped = {n: d for n, d in files.items() if not n.startswith("verifiable/")}
    report = verify_files(stripped)
    assert any(
        p.file == "definition.json" and "no verifiable/ files" in p.message for p in report.problems
    ), report.lines()
    # An online vote the count left out (its returns say one fewer) is caught by the join.
    from moot.verify.record_verifiable import check_verifiable

    returns = json.loads(files["returns.json"])
    returns["by_channel"]["online"]["counted"] -= 1
    data = {
        "definition.json": json.loads(files["definition.json"]),
        "returns.json": returns,
    }

    class Collect:
        trusted_key = None
        fingerprint = None

        def __init__(self) -> None:
            self.passed: list[str] = []
            self.problems: list[tuple[str, str]] = []

        def fail(self, file: str, message: str) -> None:
            self.problems.append((file, message))

    collected = Collect()
    check_verifiable(data, files, files["ballots.blt"].decode(), collected)
    assert collected.problems == [
        ("returns.json", "counts 1 online votes; the board's result has 2 valid rankings")
    ]


def test_a_verifiable_ballot_never_lets_papers_count_over_online_votes(
    world: VerifiableWorld,
) -> None:
    Ballot.objects.filter(pk=world.ballot.pk).update(precedence="paper_wins")
    world.ballot.refresh_from_db()
    with pytest.raises(BallotError, match="papers cannot count over online votes") as caught:
        declaration.check_precedence(world.ballot)
    assert caught.value.field == "precedence"


def test_the_record_and_results_pages_show_the_board_and_the_command(
    world: VerifiableWorld, django_capture_on_commit_callbacks: Any, client: Any
) -> None:
    _declared(world, django_capture_on_commit_callbacks)
    world.election.refresh_from_db()
    for name in ("ballots:record", "ballots:results"):
        page = client.get(reverse(name, args=[world.ballot.pk])).content.decode()
        assert f'id="board-head">{world.election.board_head}<' in page, name
        assert reverse("verifiable:board", args=[world.ballot.pk]) in page
        assert f"moot verify ballot-{world.ballot.pk}-record.zip" in page


def test_a_verifiable_question_is_counted_from_its_totals(
    django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    world = open_verifiable(voters=4, kind="question", method="yes-no")
    entries = world.base.entries
    for voter, answer in enumerate(([1, 0], [1, 0], [0, 1])):
        do_cast_verifiable(world.ballot, entries[voter], world.encrypt(voter, answer))
    ro, scrutineer = UserFactory(), UserFactory()
    Ballot.objects.filter(pk=world.ballot.pk).update(
        close_at=timezone.now() - datetime.timedelta(minutes=1),
        returning_officer=ro,
        scrutineer=scrutineer,
    )
    world.ballot.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(world.ballot, acting_user=ro)
    result = mix_and_decrypt(world.election, world.shares)
    assert result["questions"][0]["totals"] == [2, 1]
    ballot = do_count_ballot(world.ballot, acting_user=ro)
    contents = sorted(CountedBallot.objects.filter(ballot=ballot).values_list("content", flat=True))
    assert contents == ['["no"]', '["yes"]', '["yes"]']
    assert ballot.result["carried"] is True
    _as_frozen(world)
    ballot.refresh_from_db()
    do_sign_scrutineer_report(ballot, statements=SATISFIED, acting_user=scrutineer)
    with django_capture_on_commit_callbacks(execute=True):
        do_declare_ballot(ballot, acting_user=ro)
    path = tmp_path / "record.zip"
    path.write_bytes(record_bytes(Ballot.objects.get(pk=ballot.pk)))
    report = verify_bundle(path)
    assert report.ok, "\n".join(report.lines())
    assert report.passed[-1] == (
        "verifiable: the count holds the board's decrypted totals [2, 1] as its online votes"
    )
