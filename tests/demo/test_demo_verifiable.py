"""The demo's verifiable ballot (issue 12): Brackenford's question, its trustees' key made
by the real ``moot trustee`` command code with their directories under the keys directory (no
share in the database), the credential list uploaded, the ballot open with encrypted votes on
its board, and the banner's voting credential usable by the demo member."""

from __future__ import annotations

import json
import stat
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    from django.db import connection

    from moot.demo.ballots import seed_ballots
    from moot.demo.seed import seed_foundation

    with django_db_blocker.unblock():
        org = seed_foundation()
        made = seed_ballots(org)
    with django_db_blocker.unblock():
        yield org, made

        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
        connection.close()


def test_the_verifiable_ballot_is_open_with_encrypted_votes_on_its_board(demo: Any) -> None:
    from moot.demo.verifiable import ONLINE_VOTES, QUESTION, TRUSTEE_NAMES, trustee_dir
    from moot.verifiable.models import BoardEntry, Election, Trustee
    from moot.verify import vballot, vboard

    _org, made = demo
    ballot = made.verifiable
    assert (ballot.state, ballot.question, ballot.unit.slug) == (
        "open",
        QUESTION,
        "brackenford",
    )
    election = Election.objects.get(ballot=ballot)
    assert (election.state, election.threshold, election.trustee_count) == ("open", 2, 3)
    names = list(Trustee.objects.filter(election=election).values_list("name", "state"))
    assert names == [(name, "done") for name in TRUSTEE_NAMES]
    entries = [json.loads(e.body) for e in BoardEntry.objects.filter(election=election)]
    assert vboard.check_chain(entries) == election.board_head
    assert [e["type"] for e in entries] == ["setup", "credentials"] + ["ballot"] * ONLINE_VOTES
    parsed = vballot.parse_election(json.loads(election.election_json))
    listed = frozenset(entries[1]["payload"]["credentials"])
    for entry in entries[2:]:
        vballot.verify_ballot(parsed, entry["payload"], listed)
    # Each trustee's share is in their own private directory, never in the database.
    database = json.dumps(
        [list(Trustee.objects.filter(election=election).values()), election.election_json],
        default=str,
    )
    for index in (1, 2, 3):
        directory = trustee_dir(ballot.pk, index)
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        share = json.loads((directory / "secrets.json").read_text())["share"]
        assert len(share) == 64
        assert share not in database


def test_the_banner_gives_the_demo_member_a_credential_that_votes(demo: Any) -> None:
    from moot.ballots.models import RollEntry
    from moot.demo.ballots import _email
    from moot.demo.verifiable import VOTER, demo_credential, verifiable_lines
    from moot.verifiable.actions import do_cast_verifiable
    from moot.verifiable.models import Election
    from moot.verify import vballot

    _org, made = demo
    ballot = made.verifiable
    election = Election.objects.get(ballot=ballot)
    entry = RollEntry.objects.select_related("member__user").get(
        ballot=ballot, member__user__email=_email(VOTER)
    )
    member = entry.member
    assert not entry.voted
    credential = demo_credential(str(election.uuid), member.number)
    lines = "\n".join(verifiable_lines("http://127.0.0.1:8000"))
    grouped = "-".join(credential[i : i + 4] for i in range(0, 24, 4))
    assert f"enter the voting credential {grouped} " in lines
    assert f"/ballots/{ballot.pk}/verifiable/vote/" in lines
    assert f"/ballots/{ballot.pk}/verifiable/board/" in lines
    parsed = vballot.parse_election(json.loads(election.election_json))
    cast, _ = vballot.encrypt_ballot(parsed, vballot.parse_credential(grouped), [[1, 0]])
    taken = do_cast_verifiable(ballot, entry, cast, acting_user=member.user)
    assert taken.tracker == vballot.tracker(cast)
