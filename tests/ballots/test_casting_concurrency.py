"""Fifty simultaneous returns for one entitlement, online and paper together, under each of the
four precedence policies (issue 11, items 8 and 13): the database holds exactly what the policy
allows — one return in all under ``first_received``; at most one per channel otherwise, a later
online vote replacing the earlier in place under ``last_online`` — and every other attempt is
refused in words, with no other error (no lock timeout, no duplicate).

Real threads, each with its own connection, against a committed ballot (SQLite: a file database
with the production settings, as the polls' concurrency test does; PostgreSQL: the ballot row's
FOR SHARE, the entry's FOR UPDATE and the unique constraint on Return(entry, slot))."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from ballots.casting_world import open_ballot
from moot.ballots import secrecy
from moot.ballots.actions.casting import do_cast_online, do_key_paper
from moot.ballots.errors import BallotError
from moot.ballots.models import PaperDecision, PaperKeying, Return, RollEntry
from polls.test_concurrency import database_for_threads

THREADS = 50
TELLERS = 10  # ten of the fifty key the returned paper, forty vote online with the credential


def _together(jobs: list[Callable[[], str]], connect: Callable[[], None]) -> list[str]:
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], str]) -> None:
        connect()
        try:
            barrier.wait()
            outcome = job()
        except BallotError as exc:
            outcome = f"refused: {exc.message}"
        except Exception as exc:  # every other outcome is reported by the test
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "precedence", ["first_received", "online_wins", "paper_wins", "last_online"]
)
def test_fifty_returns_for_one_entitlement_online_and_paper(
    precedence: str, tmp_path: Path
) -> None:
    world = open_ballot(voters=2, precedence=precedence, tellers=TELLERS)
    ballot, entry = world.ballot, world.entries[0]
    a, b, _c = world.candidates
    code, number, check = world.code(entry), entry.paper_number, world.check(entry)

    def online() -> str:
        from moot.ballots.credentials import entry_for_credential

        placed = do_cast_online(ballot, entry_for_credential(ballot, code), [a.pk, b.pk])
        return "replaced" if placed.replaced else "cast"

    def keying(teller: Any) -> Callable[[], str]:
        return lambda: do_key_paper(ballot, number, check, [b.pk], acting_user=teller).outcome

    jobs = [online] * (THREADS - TELLERS) + [keying(t) for t in world.tellers]
    with database_for_threads(tmp_path) as connect:
        outcomes = Counter(_together(jobs, connect))
        errors = [o for o in outcomes if o.startswith("error")]
        assert errors == [], errors
        held = list(Return.objects.filter(entry=entry))
        slots = Counter(r.slot for r in held)
        decision = PaperDecision.objects.get(ballot=ballot, paper_number=number)
        assert PaperKeying.objects.filter(ballot=ballot, paper_number=number).count() == 2
        assert outcomes["awaiting_second"] == 1
        refused_keyings = TELLERS - 2
        if precedence == "first_received":
            assert len(held) == 1
            assert slots == {"any": 1}
            (only,) = held
            if only.channel == "online":
                assert outcomes["cast"] == 1
                assert (decision.outcome, outcomes["set_aside"]) == ("refused", 1)
                assert decision.reason == "already voted online"
            else:
                assert outcomes["cast"] == 0
                assert (decision.outcome, outcomes["accepted"]) == ("accepted", 1)
            refused_online = THREADS - TELLERS - outcomes["cast"]
        else:
            assert slots == {"online": 1, "post": 1}
            assert (decision.outcome, outcomes["accepted"]) == ("accepted", 1)
            if precedence == "last_online":
                assert (outcomes["cast"], outcomes["replaced"]) == (1, THREADS - TELLERS - 1)
                refused_online = 0
            else:
                assert outcomes["cast"] == 1
                refused_online = THREADS - TELLERS - 1
        online_held = [r for r in held if r.channel == "online"]
        for r in online_held:
            assert secrecy.unseal(ballot, r.sealed) == f"[{a.pk},{b.pk}]"
        refusals = sum(n for o, n in outcomes.items() if o.startswith("refused"))
        assert refusals == refused_online + refused_keyings, outcomes
        assert RollEntry.objects.get(pk=entry.pk).voted
        assert not Return.objects.filter(entry=world.entries[1]).exists()
