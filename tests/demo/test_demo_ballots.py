"""The demo's national ballots (issue 11 item 12): last year's declared with a published record
that verifies with the site's key; this year's open and partly voted, both reached through the
actions at their dates."""

from __future__ import annotations

import base64
import zipfile
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Seeded once for the module (the seed replays two ballots: some 30 s)."""
    from django.db import connection

    from moot.demo.ballots import seed_ballots
    from moot.demo.seed import seed_foundation

    with django_db_blocker.unblock():
        org = seed_foundation()
        made = seed_ballots(org)
        yield org, made
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
        connection.close()


def test_this_years_ballot_is_open_and_partly_voted(demo: Any) -> None:
    from django.utils import timezone

    from moot.audit.models import AuditEvent
    from moot.ballots.models import (
        BallotEvent,
        Candidate,
        Delivery,
        Endorsement,
        Nomination,
        RollEntry,
    )

    _org, made = demo
    ballot = made.current
    ballot.refresh_from_db()
    assert ballot.state == "open"
    assert ballot.seats == 9
    assert ballot.min_women >= 4
    assert ballot.close_at > timezone.now() > ballot.issue_at
    on_ballot = Candidate.objects.filter(ballot=ballot, on_ballot=True)
    assert on_ballot.count() == 14
    assert on_ballot.filter(member__gender="woman").count() >= 7
    for candidate in on_ballot:
        units = Nomination.objects.filter(candidate=candidate).values("unit").distinct().count()
        assert units >= ballot.nomination_threshold >= 5
        assert candidate.consented_at is not None
    assert on_ballot.exclude(photo="").exists()
    assert on_ballot.exclude(statement="").exists()
    organisations = Endorsement.objects.filter(ballot=ballot).values("organisation").distinct()
    assert organisations.count() == 2
    event = BallotEvent.objects.get(ballot=ballot)
    assert event.kind == "endorsement_withdrawn"
    assert event.authority
    assert event.notice
    assert event.occurred_at > ballot.issue_at
    # partly voted, online and by post (keyed by both tellers), the demo member not yet
    voted = RollEntry.objects.filter(ballot=ballot, voted=True)
    assert voted.filter(channel="online").exists()
    assert voted.filter(channel="post").exists()
    assert voted.count() < RollEntry.objects.filter(ballot=ballot, eligible=True).count() / 2
    assert made.voter is not None
    assert made.voter.eligible
    assert not made.voter.voted
    assert made.voter.member.user.email == "member@example.org"
    assert made.postal.channel == "post"
    assert made.postal.paper_number
    # invitations went through the delivery task (marked sent), none left waiting
    online = Delivery.objects.filter(ballot=ballot, kind="invitation", channel="online")
    assert online.exists()
    assert not online.exclude(state="sent").exists()
    # nothing of the ballot's state was written beside the actions: each step is audited
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    for verb in (
        "ballots.create_ballot",
        "ballots.freeze_ballot",
        "ballots.issue_ballot",
        "ballots.record_endorsement",
    ):
        assert any(v.startswith(verb) for v in verbs), verb


def test_last_years_ballot_is_declared_and_its_record_verifies(demo: Any, tmp_path: Any) -> None:
    from django.core.management import call_command

    from moot.audit.checkpoint import raw_public, trusted_public_key

    _org, made = demo
    ballot = made.last
    ballot.refresh_from_db()
    assert ballot.state == "declared"
    assert ballot.signed_at is not None
    assert ballot.declared_at is not None
    assert len(ballot.result["elected"]) == 9
    assert ballot.returns["counted"] > 0
    out = tmp_path / "record.zip"
    call_command("ballot", "export", str(ballot.pk), str(out))
    names = set(zipfile.ZipFile(out).namelist())
    assert {"definition.json", "ballots.blt", "count.txt", "manifest.json"} <= names
    key = "ed25519:" + base64.b64encode(raw_public(trusted_public_key()[0])).decode()
    assert _verify(out, key) == 0
    assert _moot_verify(out, key) == 0
    # a byte changed in the count fails
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(bad, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "count.txt":
                data = data.replace(b"Elected", b"Eleclet", 1)
            target.writestr(name, data)
    assert _verify(bad, key) == 1


def test_last_years_ballot_ran_verifiable_through_its_whole_chain(
    demo: Any, tmp_path: Any, capsys: Any
) -> None:
    """Made verifiable in its draft, the trustees' key, the credential list, encrypted online
    votes beside keyed postal papers, the board's close, three shuffles in turn, two
    decryptions (2 of 3), the count of the decrypted rankings, the scrutineer's signature, the
    declaration: the record holds it all and ``moot verify`` passes."""
    import json

    from django.core.management import call_command

    from moot.audit.checkpoint import raw_public, trusted_public_key
    from moot.ballots.models import RollEntry
    from moot.demo.ballots import ONLINE_VOTES, PAPERS_KEYED
    from moot.demo.verifiable_national import TRUSTEE_NAMES
    from moot.verifiable.models import Election, Trustee
    from moot.verify import vboard

    _org, made = demo
    ballot = made.last
    ballot.refresh_from_db()
    election = Election.objects.get(ballot=ballot)
    assert (election.state, election.threshold, election.trustee_count) == ("decrypted", 2, 3)
    names = list(Trustee.objects.filter(election=election).values_list("name", "state"))
    assert names == [(name, "done") for name in TRUSTEE_NAMES]
    voted = RollEntry.objects.filter(ballot=ballot, voted=True)
    assert voted.filter(channel="online").count() == ONLINE_VOTES["last"]
    assert voted.filter(channel="post").count() == PAPERS_KEYED["last"]
    assert ballot.returns["counted"] == ONLINE_VOTES["last"] + PAPERS_KEYED["last"]
    out = tmp_path / f"ballot-{ballot.pk}-record.zip"
    call_command("ballot", "export", str(ballot.pk), str(out))
    with zipfile.ZipFile(out) as bundle:
        lines = bundle.read("verifiable/board.jsonl").decode().splitlines()
    entries = [json.loads(line) for line in lines]
    assert vboard.check_chain(entries) == election.board_head
    kinds = [e["type"] for e in entries]
    assert kinds == (
        ["setup", "credentials"]
        + ["ballot"] * ONLINE_VOTES["last"]
        + ["close", "tally", "shuffle", "shuffle", "shuffle", "decryption", "decryption", "result"]
    )
    assert [e["payload"]["mixer"] for e in entries if e["type"] == "shuffle"] == [1, 2, 3]
    decrypted = [e["payload"]["trustee"] for e in entries if e["type"] == "decryption"]
    assert len(set(decrypted)) == 2
    result = entries[-1]["payload"]["questions"][0]
    assert len(result["plaintexts"]) == ONLINE_VOTES["last"]
    key = "ed25519:" + base64.b64encode(raw_public(trusted_public_key()[0])).decode()
    capsys.readouterr()
    assert _moot_verify(out, key) == 0
    said = capsys.readouterr().out
    assert "verifiable: shuffles: question 0: 3 shuffle(s) of 320 rows" in said
    assert (
        f"verifiable: the count holds the board's {ONLINE_VOTES['last']} valid decrypted "
        f"rankings (0 invalid after decryption) and {PAPERS_KEYED['last']} postal papers"
    ) in said
    # a decrypted ranking changed on the published board fails the record
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(bad, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "verifiable/board.jsonl":
                tampered = json.loads(lines[-1])
                rows = tampered["payload"]["questions"][0]["plaintexts"]
                rows[0], rows[1] = rows[1], rows[0]
                if rows[0] == rows[1]:
                    rows[0] = [0] * len(rows[0])
                data = "\n".join([*lines[:-1], json.dumps(tampered)]).encode() + b"\n"
            target.writestr(name, data)
    assert _moot_verify(bad, key) == 1


def _moot_verify(path: Any, key: str) -> int:
    """`moot verify PATH --public-key KEY` (issue 11's record and its verifiable part)."""
    from moot.cli import main

    return main(["verify", str(path), "--public-key", key])


def _verify(path: Any, key: str) -> int:
    """`moot ballot verify PATH --public-key KEY`: its exit status."""
    from django.core.management import call_command

    try:
        call_command("ballot", "verify", str(path), "--public-key", key)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_pages_and_banner(demo: Any, client: Any) -> None:
    from moot.demo.banner import banner

    _org, made = demo
    for url in (
        f"/ballots/{made.last.pk}/results/",
        f"/ballots/{made.last.pk}/record/",
        f"/ballots/{made.current.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    text = banner(8000)
    assert "returning-officer@example.org" in text
    assert "scrutineer@example.org" in text
    assert f"/ballots/{made.current.pk}/vote/" in text
    assert f"moot verify ballot-{made.last.pk}-record.zip --public-key" in text
    assert f"/ballots/{made.last.pk}/verifiable/board/" in text
    assert "320 ballots, 3 shuffles, 2 decryptions, 1 result" in text
    assert text.count("teller-") == 2
