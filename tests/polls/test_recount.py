"""After close, the anonymised ballots download as BLT and CSV, and ``moot count`` on the
downloaded BLT gives the same result as the poll's own count (issue 4, item 6)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from moot.counting.cli import main as moot_count
from moot.polls.actions import do_cast_ballot, do_close_poll, do_create_poll, do_open_poll

pytestmark = pytest.mark.django_db

CANDIDATES = ["Asha", "Ben", "Carys", "Dev", "Erin", "Femi"]


@pytest.fixture
def closed_stv_poll(unit: Any, make_voter: Any, manager: Any) -> Any:
    """Three seats by Scottish STV, 40 voters with varied rankings (seeded)."""
    voters = [make_voter(unit) for _ in range(40)]
    poll = do_create_poll(
        title="Executive committee",
        kind="election",
        method="scottish-stv",
        options=CANDIDATES,
        seats=3,
        unit=unit,
        returning_officer=manager,
        acting_user=manager,
    )
    poll = do_open_poll(poll, electorate=voters, acting_user=manager)
    options = list(poll.options.values_list("pk", flat=True))
    rng = random.Random(7)
    weights = [9, 7, 5, 4, 2, 1]  # a popularity gradient, so surpluses and exclusions happen
    for voter in voters:
        first = rng.choices(options, weights=weights)[0]
        rest = [o for o in options if o != first]
        rng.shuffle(rest)
        do_cast_ballot(poll, voter, [first, *rest[: rng.randint(0, 4)]], acting_user=voter.user)
    return do_close_poll(poll, acting_user=manager)


def count_file(path: Path, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = moot_count([str(path), "--output", "json", *args])
    assert code == 0, out.getvalue()
    return json.loads(out.getvalue())


def test_downloaded_blt_recounts_to_the_same_result(
    client: Any, closed_stv_poll: Any, manager: Any, tmp_path: Path
) -> None:
    poll = closed_stv_poll
    client.force_login(manager)
    response = client.get(reverse("polls:download", args=[poll.pk]) + "?format=blt")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'poll-{poll.pk}-ballots.blt"')
    blt = tmp_path / "ballots.blt"
    blt.write_bytes(response.content)
    recount = count_file(blt, "--method", poll.method, "--tie-break", poll.tie_break)
    assert len(poll.result["elected"]) == 3
    assert recount["elected"] == poll.result["elected"]
    assert recount["elected"] == poll.result["count"]["elected"]
    assert [r["tallies"] for r in recount["rounds"]] == [
        r["tallies"] for r in poll.result["count"]["rounds"]
    ]


def test_downloaded_csv_has_one_row_per_ballot_and_no_voter(
    client: Any, closed_stv_poll: Any, manager: Any
) -> None:
    poll = closed_stv_poll
    client.force_login(manager)
    text = client.get(reverse("polls:download", args=[poll.pk]) + "?format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["ballot", "preference_1"]
    assert len(rows) == 1 + 40
    assert {row[1] for row in rows[1:]} <= set(CANDIDATES)
    first_preferences = sum(1 for row in rows[1:] if row[1] == poll.result["elected"][0])
    assert first_preferences > 0
    # Nothing in the file can name a voter: no member numbers, no e-mail addresses.
    assert "@" not in text
    assert "T0" not in text
    bad = client.get(reverse("polls:download", args=[poll.pk]) + "?format=xls")
    assert bad.status_code == 400
    assert "use ?format=blt or ?format=csv" in bad.content.decode()


def test_result_page_shows_round_table_and_chart(
    client: Any, closed_stv_poll: Any, make_voter: Any, unit: Any
) -> None:
    poll = closed_stv_poll
    voter = make_voter(unit)
    client.force_login(voter.user)
    page = client.get(reverse("polls:detail", args=[poll.pk])).content.decode()
    assert "Elected: " + ", ".join(poll.result["elected"]) in page
    assert "<caption>Votes in each round</caption>" in page
    assert f'src="{reverse("polls:chart", args=[poll.pk])}"' in page
    chart = client.get(reverse("polls:chart", args=[poll.pk]))
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content
    projector = client.get(reverse("polls:projector_fragment", args=[poll.pk])).content.decode()
    assert poll.result["elected"][0] in projector
