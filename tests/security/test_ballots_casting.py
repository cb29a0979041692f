"""Insider threats to casting and papers in a ballot of all the members (issue 11, item 8;
docs/security.md, "Ballots: casting and papers"). Each runs on SQLite and PostgreSQL.

* Someone with a copy of the database taken while the ballot is open finds who voted (the roll
  says so) beside ciphertext only: no content in any column of any table, and without the key
  file (outside the database, destroyed after the close) nothing opens.
* A teller of one faction keys papers for numbers never returned, to vote in place of members
  who did not: the check code printed beside each number stops it, a second colluding teller
  does not help, and wrong codes slow the teller down.
* An officer (returning officer, scrutineer, the admin) looks for live results: there are none
  to read — no page or endpoint unseals a return, and only the close and the comparison of two
  keyings of the same paper call ``secrecy.unseal``.
* Small turnout cells: a region of three voters who all voted reads "hidden", and the total less the
  shown regions gives back no single hidden region.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from ballots.casting_world import open_ballot
from factories import UnitFactory, UserFactory
from moot.ballots import content, secrecy
from moot.ballots.actions.casting import CHECK_CODE_FREE, do_cast_online, do_key_paper
from moot.ballots.errors import BallotError
from moot.ballots.models import PaperKeying, Return, RollEntry, Teller

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "moot"


def _every_text_in_the_database() -> str:
    """A logical copy of the whole database: every row of every table as text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_a_copy_while_open_pairs_voters_with_ciphertext_only() -> None:
    world = open_ballot(
        voters=6, names=("Ada Ashdown", "Bea Birch", "Cy Crane", "Di Dunn", "Ed Eyre")
    )
    ballot = world.ballot
    ids = [c.pk for c in world.candidates]
    rankings = [ids[i:] + ids[:i] for i in range(5)]
    contents = []
    for entry, ranking in zip(world.entries, rankings, strict=False):
        do_cast_online(ballot, entry, ranking)
        contents.append(content.canonical(ballot, ranking))
    one, two, _ = world.tellers
    paper = world.entries[5]
    for teller in (one, two):
        do_key_paper(ballot, paper.paper_number, world.check(paper), ids[::-1], acting_user=teller)
    contents.append(content.canonical(ballot, ids[::-1]))
    copy = _every_text_in_the_database()
    for text in contents:
        assert text not in copy
        assert text.replace(",", ", ") not in copy  # nor as a Python list's repr
    voters = set(RollEntry.objects.filter(ballot=ballot, voted=True).values_list("pk", flat=True))
    assert voters == {e.pk for e in world.entries}  # who voted: the roll says so
    sealed = list(Return.objects.filter(ballot=ballot).values_list("sealed", flat=True))
    assert len(sealed) == 6
    assert all(secrecy.is_sealed(s) for s in sealed)
    assert len({len(s) for s in sealed}) == 1  # one length, whatever was marked
    # Without the key file (destroyed after the close; never in the database), nothing opens.
    secrecy.destroy_key(ballot)
    for text in sealed:
        with pytest.raises(BallotError):
            secrecy.unseal(ballot, text)


def test_a_teller_cannot_vote_for_papers_never_returned() -> None:
    world = open_ballot(voters=4, tellers=3)
    ballot = world.ballot
    faction_a, faction_b, _honest = world.tellers
    choice = [world.candidates[0].pk]
    never_returned = world.entries[2]
    guesses = ["000000", "123456", "999999", "111111"]
    guesses = [g for g in guesses if g != world.check(never_returned)]
    for guess in guesses:
        for teller in (faction_a, faction_b):
            with pytest.raises(BallotError, match="check code does not match"):
                do_key_paper(ballot, never_returned.paper_number, guess, choice, acting_user=teller)
    assert not PaperKeying.objects.filter(ballot=ballot).exists()
    assert not Return.objects.filter(ballot=ballot).exists()
    never_returned.refresh_from_db()
    assert not never_returned.voted


def test_wrong_check_codes_slow_a_teller_down() -> None:
    world = open_ballot(voters=2, tellers=2)
    ballot, paper = world.ballot, world.entries[0]
    teller = world.tellers[0]
    wrong = "000000" if world.check(paper) != "000000" else "000001"
    for _ in range(CHECK_CODE_FREE):
        with pytest.raises(BallotError, match="check code does not match"):
            do_key_paper(ballot, paper.paper_number, wrong, [], acting_user=teller)
    with pytest.raises(BallotError, match="Too many wrong check codes") as slowed:
        do_key_paper(
            ballot,
            paper.paper_number,
            world.check(paper),
            [world.candidates[0].pk],
            acting_user=teller,
        )
    assert slowed.value.code == "rate_limited"
    # Another teller is not slowed by this one's failures.
    do_key_paper(
        ballot,
        paper.paper_number,
        world.check(paper),
        [world.candidates[0].pk],
        acting_user=world.tellers[1],
    )


def test_a_teller_removed_from_the_ballot_keys_nothing() -> None:
    world = open_ballot(voters=1, tellers=1)
    teller = world.tellers[0]
    Teller.objects.filter(ballot=world.ballot, user=teller).delete()
    paper = world.entries[0]
    with pytest.raises(BallotError, match="Only the ballot's tellers"):
        do_key_paper(world.ballot, paper.paper_number, world.check(paper), [], acting_user=teller)


def test_no_officer_reads_live_results() -> None:
    world = open_ballot(voters=3)
    ballot = world.ballot
    officer = UserFactory()
    ballot.returning_officer = officer
    ballot.save(update_fields=["returning_officer"])
    winner = world.candidates[2]
    for entry in world.entries:
        do_cast_online(ballot, entry, [winner.pk])
    client = Client()
    client.force_login(officer)
    # What the officer may read while the ballot is open: turnout and the tellers' counts.
    for path in (f"/ballots/{ballot.pk}/turnout/", f"/api/ballots/{ballot.pk}/turnout"):
        body = client.get(path).content.decode()
        for candidate in world.candidates:
            assert candidate.name not in body, path
    key_page = client.get(f"/ballots/{ballot.pk}/papers/key/")
    assert key_page.status_code == 200
    assert key_page.context["counts"].decided == {}
    # The returns themselves are sealed: reading the table gives nothing to count.
    for sealed in Return.objects.filter(ballot=ballot).values_list("sealed", flat=True):
        assert secrecy.is_sealed(sealed)


def _unseal_callers() -> set[str]:
    found = set()
    for path in sorted((SRC / "ballots").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "unseal"
            ):
                found.add(str(path.relative_to(SRC)))
    return found


def test_only_the_close_and_the_keying_comparison_unseal() -> None:
    """No page, endpoint or query can show a return's content while the ballot is open: the
    only callers of ``secrecy.unseal`` are the close (which runs once voting has ended) and
    the comparison of two tellers' keyings of one paper (whose result is 'agree' or not)."""
    # secrecy.py is the wrapper itself (it calls moot.polls.sealing.unseal).
    allowed = {"ballots/secrecy.py", "ballots/closing.py", "ballots/actions/casting.py"}
    assert _unseal_callers() <= allowed


def test_small_turnout_cells_are_hidden_on_the_public_page() -> None:
    big, small = UnitFactory(kind="region", name="Big"), UnitFactory(kind="region", name="Tiny")
    world = open_ballot(voters=27, regions=[big, big, big, big, big, big, big, big, small])
    tiny = [e for e in world.entries if e.region_id == small.pk]
    assert len(tiny) == 3
    bigs = [e for e in world.entries if e.region_id == big.pk]
    voters = tiny + bigs[:12]  # everyone in Tiny (3 of 3), half of Big (12 of 24)
    RollEntry.objects.filter(pk__in=[e.pk for e in voters]).update(voted=True)
    page = Client().get(f"/ballots/{world.ballot.pk}/turnout/").content.decode()
    assert "<td>hidden</td>" in page
    assert "3 of 3" not in page
    api = Client().get(f"/api/ballots/{world.ballot.pk}/turnout").json()
    by_region = {r["region"]: r for r in api["regions"]}
    assert by_region["Tiny"]["voted"] is None  # everyone voted: "3 of 3" would say so
    assert by_region["Big"]["voted"] is None  # hidden beside it: 15 − 12 would give Tiny's 3
    assert api["voted"] == 15
    assert api["other_regions"]["voted"] == 15
    # Everyone voting hides the total too (27 of 27 would say that every member voted).
    RollEntry.objects.filter(ballot=world.ballot).update(voted=True)
    everyone = Client().get(f"/api/ballots/{world.ballot.pk}/turnout").json()
    assert everyone["voted"] is None
    assert "27" not in everyone["voted_shown"]
