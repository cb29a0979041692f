"""The message bytes moot writes itself for SMTP (``mail.Composer.raw``): Python's e-mail parser
reads them back with the right headers and parts — a non-ASCII name, title and sender, a long
title folded, a name with HTML in it escaped in the HTML part, 7bit or quoted-printable bodies —
and the sink receives exactly those bytes, once per delivery."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from ballots.deliveries_sink import RefusingSink, running_sink
from ballots.delivery_world import issued_ballot
from moot.ballots import credentials, delivery, mail
from moot.ballots.models import BallotEvent, Candidate, Delivery, RollEntry
from moot.ballots.notices import notices_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings: Any) -> Iterator[RefusingSink]:
    yield from running_sink(settings)


def _parse(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert not parsed.defects
    return parsed


def _parts(parsed: EmailMessage) -> tuple[str, str]:
    assert parsed.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in parsed.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    for part in parsed.iter_parts():
        assert not part.defects
        assert part.get_content_charset() == "utf-8"
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def test_an_ascii_invitation_is_7bit_with_every_header(settings: Any) -> None:
    settings.MOOT_SITE_URL = "https://members.example.org"
    ballot = issued_ballot(email=1, post=0)
    composer = mail.Composer(ballot, [])
    made = composer.raw(41, "invitation", "ann@example.org", "ABCD-EFGH-JKMN-PQRS", "Ann")
    assert made is not None
    data, mid = made
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")
    parsed = _parse(data)
    assert parsed["To"] == "ann@example.org"
    assert parsed["From"] == settings.DEFAULT_FROM_EMAIL
    assert parsed["Subject"] == "Your vote: National executive"
    assert parsed["Message-ID"] == mid == f"<ballot-{ballot.pk}.delivery-41@moot.invalid>"
    assert parsed["X-Moot-Delivery"] == "41"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["MIME-Version"] == "1.0"
    assert parsed["Date"].datetime is not None
    assert parsed["List-Unsubscribe"] is None
    text, html = _parts(parsed)
    assert [p["Content-Transfer-Encoding"] for p in parsed.iter_parts()] == ["7bit", "7bit"]
    link = f"https://members.example.org/ballots/{ballot.pk}/vote/c/ABCD-EFGH-JKMN-PQRS/"
    assert text.startswith("Dear Ann,")
    assert link in text
    assert f'href="{link}"' in html
    assert "<p>Dear Ann,</p>" in html
    # The same words as the Django path renders.
    expected = composer.message(41, "invitation", "ann@example.org", "ABCD-EFGH-JKMN-PQRS", "Ann")
    assert text.replace("\r\n", "\n") == expected.body
    assert html.replace("\r\n", "\n") == expected.alternatives[0][0]


def test_non_ascii_names_titles_and_notices_go_quoted_printable_and_read_back(
    settings: Any,
) -> None:
    settings.MOOT_SITE_URL = "https://members.example.org"
    settings.DEFAULT_FROM_EMAIL = "Zoë's Returning Officer <ro@party.example>"
    ballot = issued_ballot(email=1, post=0)
    ballot.title = "Élection du comité exécutif national — " + "très long titre " * 8
    ballot.save(update_fields=["title"])
    candidate = Candidate.objects.create(
        ballot=ballot, name="Bea Birch", on_ballot=True, position=1
    )
    BallotEvent.objects.create(
        ballot=ballot,
        kind="endorsement_withdrawn",
        candidate=candidate,
        authority="Letter",
        clause="7.4",
        notice="The Forward slate has withdrawn its endorsement of Bea Birch — ünïcode.",
        occurred_at=timezone.now(),
    )
    composer = mail.Composer(ballot, notices_for(ballot))
    made = composer.raw(7, "reminder", "zoe@example.org", "ABCD-EFGH-JKMN-PQRS", "Zoë <b>&")
    assert made is not None
    data, _mid = made
    assert data.isascii()
    assert all(len(line) <= 78 for line in data.split(b"\r\n"))
    parsed = _parse(data)
    subject = "Reminder: you have not voted yet in " + " ".join(ballot.title.split())
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == "Zoë's Returning Officer"
    assert parsed["From"].addresses[0].addr_spec == "ro@party.example"
    text, html = _parts(parsed)
    assert [p["Content-Transfer-Encoding"] for p in parsed.iter_parts()] == [
        "quoted-printable",
        "quoted-printable",
    ]
    assert text.startswith("Dear Zoë <b>&,")
    assert "<p>Dear Zoë &lt;b&gt;&amp;,</p>" in html
    assert "ünïcode" in text
    assert "ünïcode" in html
    assert text.index("ünïcode") < text.index("ABCD-EFGH-JKMN-PQRS")


def test_an_address_the_fast_path_does_not_write_takes_the_django_path(settings: Any) -> None:
    ballot = issued_ballot(email=1, post=0)
    composer = mail.Composer(ballot, [])
    assert composer.raw(1, "invitation", "zoë@example.org", "ABCD", "Zoë") is None
    assert composer.raw(1, "invitation", "a@b.org\r\nBcc: x@y.org", "ABCD", "A") is None


def test_the_sink_receives_the_raw_messages_once_each(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = issued_ballot(email=3, post=0)
    RollEntry.objects.filter(ballot=ballot).update(email="voter@example.org")
    entry = RollEntry.objects.filter(ballot=ballot).first()
    assert entry is not None
    member = entry.member
    member.first_name = "Zoë"
    member.save(update_fields=["first_name"])
    RollEntry.objects.filter(pk=entry.pk).update(email="zoe@example.org")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        delivery.queue_invitations(ballot)
    assert set(sink.copies().values()) == {1}
    [received] = sink.to("zoe@example.org")
    parsed = received.message
    row = Delivery.objects.get(entry=entry)
    assert parsed["Message-ID"] == row.message_id
    assert row.state == "sent"
    text, _html = _parts(parsed)
    assert text.startswith("Dear Zoë,")
    entry.refresh_from_db()
    assert credentials.credential_for(ballot, entry) in text
