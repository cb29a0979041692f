"""Insiders against nominations, candidacies and post-issue events (docs/security.md, "Ballots:
nominations and events"): a secretary recording another unit's nominations, a candidate (or an
officer) editing someone else's statement, a malicious photo, an event changed after it was
recorded. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from ballots.nominations_world import candidate_member, national_ballot, nominating_poll
from moot.accounts.actions import do_create_api_token
from moot.audit.models import AuditEvent
from moot.ballots.actions.events import do_record_ballot_event
from moot.ballots.actions.nominations import do_record_unit_nomination
from moot.ballots.errors import BallotError
from moot.ballots.models import BallotEvent, BallotState, Candidate, Nomination
from moot.ballots.photos import MAX_PIXELS, clean_photo, do_set_candidate_photo

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    _row, secret = do_create_api_token(user, name="tests", acting_user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_secretary_cannot_record_another_units_nominations(world: Any) -> None:
    """Riverside's secretary (one faction) records for Elsewhere (another), or passes off
    Elsewhere's poll as Riverside's: both refused, nothing written."""
    ballot = national_ballot(world)
    ada = candidate_member(world.elsewhere)
    elsewhere_poll = nominating_poll(world.elsewhere, [ada], secretary=None, ballot=ballot)
    secretary = world.users["secretary"]
    with pytest.raises(BallotError, match="Only the secretary of Elsewhere") as caught:
        do_record_unit_nomination(
            ballot, unit=world.elsewhere, poll=elsewhere_poll, acting_user=secretary
        )
    assert caught.value.code == "forbidden"
    with pytest.raises(BallotError, match="meeting of Riverside"):
        do_record_unit_nomination(
            ballot, unit=world.riverside, poll=elsewhere_poll, acting_user=secretary
        )
    answer = api(secretary).post(
        f"/api/ballots/{ballot.pk}/nominations/unit",
        {"unit_id": world.elsewhere.pk, "poll_id": elsewhere_poll.pk},
        content_type="application/json",
    )
    assert answer.status_code == 403
    page = Client()
    page.force_login(secretary)
    answer = page.post(
        f"/ballots/{ballot.pk}/nominations/record/",
        {"which": "unit", "unit-unit": world.elsewhere.pk, "unit-poll": elsewhere_poll.pk},
    )
    assert answer.status_code == 200  # the form refuses a unit not offered to them
    assert not Nomination.objects.exists()
    assert not Candidate.objects.exists()


def test_a_branch_secretary_above_or_below_is_not_the_units_secretary(world: Any) -> None:
    """A secretary of a branch inside Riverside may not record Riverside's nomination."""
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    poll = nominating_poll(world.riverside, [ada], secretary=None, ballot=ballot)
    with pytest.raises(BallotError, match="Only the secretary of Riverside"):
        do_record_unit_nomination(
            ballot, unit=world.riverside, poll=poll, acting_user=world.users["branch_secretary"]
        )


def test_nobody_edits_another_candidates_statement(world: Any) -> None:
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    ben = candidate_member(world.riverside)
    ada_c = Candidate.objects.create(ballot=ballot, member=ada, name="Ada", statement="Ada's")
    Candidate.objects.create(ballot=ballot, member=ben, name="Ben")
    for user in (ben.user, world.users["national_staff"], world.users["admin"]):
        answer = api(user).put(
            f"/api/ballots/{ballot.pk}/candidates/{ada_c.pk}/statement",
            {"statement": "Vote for Ben instead"},
            content_type="application/json",
        )
        assert answer.status_code == 403
        client = Client()
        client.force_login(user)
        assert (
            client.post(
                f"/ballots/{ballot.pk}/candidates/{ada_c.pk}/", {"statement": "Vote for Ben"}
            ).status_code
            == 403
        )
    ada_c.refresh_from_db()
    assert ada_c.statement == "Ada's"


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` with almost no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "match", "code"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not a PNG or JPEG",
            "invalid",
        ),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a PNG or JPEG", "invalid"),
        (png_header(5000, 5000), "5000 × 5000 pixels", "too_large"),
        (png_header(100_000, 100_000), "claims more than", "too_large"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a PNG or JPEG", "invalid"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB", "too_large"),
    ],
    ids=["svg", "gif", "huge-dimensions", "bomb-header", "truncated", "too-many-bytes"],
)
def test_a_malicious_photo_is_refused(data: bytes, match: str, code: str) -> None:
    with pytest.raises(BallotError, match=match) as caught:
        clean_photo(io.BytesIO(data))
    assert caught.value.code == code
    assert caught.value.field == "photo"
    assert MAX_PIXELS < 5000 * 5000


def test_a_polyglot_keeps_only_its_pixels(world: Any, settings: Any, tmp_path: Any) -> None:
    """A JPEG with HTML after its end and a comment with script: what is stored and served is
    a fresh JPEG of the pixels, sent as image/jpeg with nosniff."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(
        out, format="JPEG", comment=b"<script>alert(1)</script>"
    )
    polyglot = out.getvalue() + b"<html><script>alert(2)</script></html>"
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    cand = Candidate.objects.create(ballot=ballot, member=ada, name="Ada")
    do_set_candidate_photo(cand, io.BytesIO(polyglot), acting_user=ada.user)
    served = Client().get(f"/ballots/{ballot.pk}/candidates/{cand.pk}/photo/")
    body = b"".join(served.streaming_content)
    assert b"<script>" not in body
    assert b"<html>" not in body
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    with pytest.raises(BallotError, match="Only the candidate"):
        do_set_candidate_photo(cand, io.BytesIO(polyglot), acting_user=world.users["admin"])


def test_an_event_cannot_be_edited_or_deleted_after_it_is_recorded(world: Any) -> None:
    """There is no edit or delete: the API answers 405 to PUT, PATCH and DELETE, a second POST
    is a new event (the old one stays), and the audit chain holds what was recorded."""
    staff = world.users["national_staff"]
    ballot = national_ballot(world, state=BallotState.OPEN, returning_officer=staff)
    ada = candidate_member(world.riverside)
    cand = Candidate.objects.create(
        ballot=ballot,
        member=ada,
        name="Ada",
        on_ballot=True,
        position=1,
        consented_at=timezone.now(),
    )
    event = do_record_ballot_event(
        ballot,
        kind="candidate_withdrawn",
        candidate=cand,
        authority="Ada's letter",
        reference="letter of 3 March",
        notice="Ada has withdrawn.",
        acting_user=staff,
    )
    client = api(staff)
    for method in ("put", "patch", "delete"):
        answer = getattr(client, method)(
            f"/api/ballots/{ballot.pk}/events/{event.pk}",
            {"notice": "Nothing happened."},
            content_type="application/json",
        )
        assert answer.status_code in {404, 405}
        answer = getattr(client, method)(
            f"/api/ballots/{ballot.pk}/events",
            {"notice": "Nothing happened."},
            content_type="application/json",
        )
        assert answer.status_code == 405
    page = Client()
    page.force_login(staff)
    answer = page.post(
        f"/ballots/{ballot.pk}/events/",
        {"kind": "candidate_withdrawn", "candidate": cand.pk, "authority": "x", "notice": "y"},
    )
    assert "already recorded as candidate withdrawn" in answer.content.decode()
    event.refresh_from_db()
    assert event.notice == "Ada has withdrawn."
    assert BallotEvent.objects.count() == 1
    audit = AuditEvent.objects.get(verb="ballots.record_ballot_event")
    assert audit.after["event"] == event.pk
