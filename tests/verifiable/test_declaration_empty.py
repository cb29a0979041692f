"""A verifiable ballot whose online part holds no valid ranking (docs/verifiable.md §12.1, "A
ranked question without a valid ranking") goes through issue 11's close, the trustees' mix and
decryption, the count and the declaration: the verifiable record is still made, with no count
of its own and nobody elected by it, and ``moot verify`` checks the whole published record."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

import pytest
from django.utils import timezone

from factories import UserFactory
from moot.ballots.actions.closing import (
    do_close_ballot,
    do_count_ballot,
    do_declare_ballot,
    do_sign_scrutineer_report,
)
from moot.ballots.models import Ballot
from moot.ballots.record import record_bytes
from moot.verifiable.actions import do_cast_verifiable
from moot.verify import vsim
from moot.verify.record import verify_bundle
from moot.verify.vresult import NO_VALID_RANKING
from verifiable.tally_world import mix_and_decrypt
from verifiable.test_declaration import SATISFIED, _as_frozen, _post
from verifiable.world import VerifiableWorld, open_verifiable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("online", [0, 1], ids=["no online vote", "one invalid ranking"])
def test_a_record_without_a_valid_online_ranking_is_declared_and_holds(
    online: int, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    world: VerifiableWorld = open_verifiable(voters=3, precedence="online_wins")
    entries = world.base.entries
    if online:
        bad = vsim.cast(world.parsed(), world.credentials[0], vsim.Vote(0, [[1, 0, 0]], {0: [7]}))
        do_cast_verifiable(world.ballot, entries[0], bad)
    _post(world, entries[2], ["Cy Crane", "Ada Ashdown"])
    ro, scrutineer = UserFactory(), UserFactory()
    Ballot.objects.filter(pk=world.ballot.pk).update(
        close_at=timezone.now() - datetime.timedelta(minutes=1),
        returning_officer=ro,
        scrutineer=scrutineer,
    )
    world.ballot.refresh_from_db()
    _as_frozen(world)
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(world.ballot, acting_user=ro)
    result = mix_and_decrypt(world.election, world.shares)
    ranked = result["questions"][0]
    assert (ranked["valid"], ranked["elected"], len(ranked["invalid"])) == (0, [], online)
    ballot = do_count_ballot(world.ballot, acting_user=ro)
    do_sign_scrutineer_report(ballot, statements=SATISFIED, acting_user=scrutineer)
    with django_capture_on_commit_callbacks(execute=True):
        do_declare_ballot(ballot, acting_user=ro)
    data = record_bytes(Ballot.objects.get(pk=world.ballot.pk))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert NO_VALID_RANKING in archive.read("verifiable/q0-count.txt").decode().lower()
    assert json.loads(archive.read("verifiable/q0-count.json"))["elected"] == []
    path = tmp_path / "record.zip"
    path.write_bytes(data)
    report = verify_bundle(path)
    assert report.ok, "\n".join(report.lines())
