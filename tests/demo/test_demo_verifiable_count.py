"""The demo's verifiable question (Brackenford, yes or no) carried to its declaration by the
real actions: the returning officer closes it, the trustees run ``moot trustee step`` from
copies of their directories under ``MOOT_KEYS_DIR/demo-trustees/`` (two of three decrypt),
the count takes the decrypted totals as issue 11's yes and no votes (a question has no
candidates: its answers are the count's), the scrutineer signs, the returning officer
declares, and the published record verifies."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SATISFIED = {key: {"satisfied": True, "reasons": ""} for key in ("a", "b", "c")}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
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


def test_the_demo_question_is_closed_decrypted_counted_signed_and_declared(
    demo: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.utils import timezone

    from moot.ballots.actions.closing import (
        do_close_ballot,
        do_count_ballot,
        do_declare_ballot,
        do_sign_scrutineer_report,
    )
    from moot.ballots.models import Ballot, Candidate, CountedBallot
    from moot.ballots.record import record_bytes
    from moot.demo.verifiable import trustee_dir
    from moot.trustee import cli as trustee_cli
    from moot.verifiable.models import Election, ElectionState
    from moot.verify.record import verify_bundle
    from trustee.conftest import client_transport, run

    _org, made = demo
    ballot = made.verifiable
    assert ballot.kind == "question"
    assert not Candidate.objects.filter(ballot=ballot).exists()  # as production makes it
    Ballot.objects.filter(pk=ballot.pk).update(
        close_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    ballot.refresh_from_db()
    ro, scrutineer = ballot.returning_officer, ballot.scrutineer
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(ballot, acting_user=ro)
    election = Election.objects.get(ballot=ballot)
    assert election.state == ElectionState.CLOSED

    monkeypatch.setattr(trustee_cli, "TRANSPORT_FACTORY", client_transport)
    dirs = {}
    for index in (1, 2, 3):
        dirs[index] = tmp_path / f"trustee-{index}"
        shutil.copytree(trustee_dir(ballot.pk, index), dirs[index])
    for _round in range(4):
        for index in (1, 2, 3):
            code, out = run(["trustee", "step", "--dir", str(dirs[index])], capsys)
            assert code == 0, out
        election.refresh_from_db()
        if election.state == ElectionState.DECRYPTED:
            break
    assert election.state == ElectionState.DECRYPTED

    ballot.refresh_from_db()
    online = ballot.returns["by_channel"]["online"]["counted"]
    ballot = do_count_ballot(Ballot.objects.get(pk=ballot.pk), acting_user=ro)
    contents = list(CountedBallot.objects.filter(ballot=ballot).values_list("content", flat=True))
    yes, no = contents.count('["yes"]'), contents.count('["no"]')
    assert yes + no == online > 0
    assert set(contents) <= {'["yes"]', '["no"]'}
    assert f"yes {yes}, no {no}" in ballot.result_text
    assert ballot.result["carried"] is (yes > no)
    do_sign_scrutineer_report(ballot, statements=SATISFIED, acting_user=scrutineer)
    with django_capture_on_commit_callbacks(execute=True):
        do_declare_ballot(Ballot.objects.get(pk=ballot.pk), acting_user=ro)
    ballot.refresh_from_db()
    assert ballot.state == "declared"
    path = tmp_path / "record.zip"
    path.write_bytes(record_bytes(ballot))
    report = verify_bundle(path)
    assert report.ok, "\n".join(report.lines())
