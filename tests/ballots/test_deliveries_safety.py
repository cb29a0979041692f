"""Review fixes of a ballot's deliveries (issue 11, items 3 and 6), through the real SMTP sink:
a reminder is not sent to someone who voted after it was queued; no link to an address voters
cannot reach (https:// only, except a development site on the loopback address); a bounce after
the voter has voted moves nobody to post; postal voters who have not voted are sent a notice
letter when an event is recorded after the issue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from ballots.deliveries_sink import RefusingSink, running_sink
from ballots.delivery_world import issued_ballot
from ballots.roll_world import roll_world
from factories import UserFactory
from moot.ballots import delivery, mail, postal_notices, queries_deliveries, tasks
from moot.ballots.actions.deliveries import do_send_reminders
from moot.ballots.actions.events import do_record_ballot_event
from moot.ballots.actions.roll import do_freeze_ballot, do_issue_ballot
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, Candidate, Delivery, DeliveryState, RollEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings: Any) -> Iterator[RefusingSink]:
    yield from running_sink(settings)


def _issue(ballot: Any, capture: Any) -> int:
    with capture(execute=True), transaction.atomic():
        return delivery.queue_invitations(ballot)


# -- reminders after voting ----------------------------------------------------------------------


def test_a_reminder_queued_before_the_voter_voted_is_skipped_not_sent(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = issued_ballot(email=3, post=0)
    late, waiting, other = RollEntry.objects.filter(ballot=ballot).order_by("pk")
    _issue(ballot, django_capture_on_commit_callbacks)
    sink.messages.clear()
    # Queued while nobody had voted; the batch task has not run yet.
    with django_capture_on_commit_callbacks(execute=False):
        assert do_send_reminders(ballot, acting_user=UserFactory()) == 3
    RollEntry.objects.filter(pk=late.pk).update(voted=True)  # votes before the batch goes out
    [batch] = set(Delivery.objects.filter(kind="reminder").values_list("batch", flat=True))
    counts = tasks.deliver_batch(ballot.pk, batch)
    assert counts["sent"] == 2
    assert counts["skipped"] == 1
    assert sorted(r for m in sink.messages for r in m.rcpt_tos) == sorted(
        [waiting.email, other.email]
    )
    skipped = Delivery.objects.get(entry=late, kind="reminder")
    assert skipped.state == DeliveryState.SKIPPED
    assert "had voted" in skipped.error
    assert skipped.sent_at is None
    # Nothing waits to be sent again for them.
    assert tasks.resume_stuck(ballot.pk, requeue_queued=False)["batches"] == 0


# -- the site's address in the links ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("https", "url", "expected"),
    [
        (True, "https://members.example.org/", "https://members.example.org"),
        (False, "", "http://127.0.0.1:8000"),
        (False, "http://localhost:8000", "http://localhost:8000"),
        (False, "https://members.example.org", "https://members.example.org"),
    ],
)
def test_the_site_address_allowed(settings: Any, https: bool, url: str, expected: str) -> None:
    settings.HTTPS = https
    settings.MOOT_SITE_URL = url
    assert mail.check_site_url() == expected


@pytest.mark.parametrize(
    ("https", "url", "words"),
    [
        (True, "", "is not set"),
        (True, "http://127.0.0.1:8000", "must be https://"),
        (False, "http://members.example.org", "must be https://"),
        (True, "https://", "must be https://"),
        (True, "members.example.org", "must be https://"),
    ],
)
def test_the_site_address_refused(settings: Any, https: bool, url: str, words: str) -> None:
    settings.HTTPS = https
    settings.MOOT_SITE_URL = url
    with pytest.raises(BallotError, match=words) as refused:
        mail.check_site_url()
    assert refused.value.field == "MOOT_SITE_URL"


def test_the_issue_is_refused_without_an_https_site_address(settings: Any) -> None:
    world = roll_world()
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    settings.HTTPS = True
    settings.MOOT_SITE_URL = ""
    with pytest.raises(BallotError, match="MOOT_SITE_URL"):
        do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    ballot = Ballot.objects.get(pk=world.ballot.pk)
    assert ballot.state == "frozen"
    assert not Delivery.objects.filter(ballot=ballot).exists()
    assert not RollEntry.objects.filter(ballot=ballot).exclude(credential_hash="").exists()
    settings.MOOT_SITE_URL = "https://members.example.org"
    do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    assert Ballot.objects.get(pk=world.ballot.pk).state == "open"


def test_nothing_is_sent_without_an_https_site_address(
    sink: RefusingSink, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = issued_ballot(email=2, post=0)
    settings.HTTPS = True
    settings.MOOT_SITE_URL = "http://127.0.0.1:8000"
    _issue(ballot, django_capture_on_commit_callbacks)
    assert sink.messages == []
    rows = Delivery.objects.filter(ballot=ballot)
    assert set(rows.values_list("state", flat=True)) == {"queued"}
    assert all("must be https://" in error for error in rows.values_list("error", flat=True))
    settings.MOOT_SITE_URL = "https://members.example.org"
    tasks.deliver_batch(ballot.pk, 1)
    assert len(sink.messages) == 2
    text = sink.messages[0].message.get_body(preferencelist=("plain",)).get_content()
    assert f"https://members.example.org/ballots/{ballot.pk}/vote/c/" in text
    assert "127.0.0.1" not in text


# -- a bounce after voting ------------------------------------------------------------------------


def test_a_bounce_after_the_voter_voted_moves_nobody_to_post(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = issued_ballot(email=1, post=0)
    entry = RollEntry.objects.get(ballot=ballot)
    RollEntry.objects.filter(pk=entry.pk).update(voted=True, paper_number=None)
    sink.refuse[entry.email] = "550 5.1.1 No such user"
    _issue(ballot, django_capture_on_commit_callbacks)
    entry.refresh_from_db()
    assert entry.channel == "online"
    assert entry.paper_number is None
    row = Delivery.objects.get(entry=entry)
    assert row.state == DeliveryState.BOUNCED
    assert "550" in row.error
    assert "already voted" in row.error
    assert not Delivery.objects.filter(entry=entry, channel="post").exists()


# -- notice letters to postal voters ---------------------------------------------------------------


def _event(ballot: Any, kind: str, text: str) -> None:
    candidate = Candidate.objects.filter(ballot=ballot).first() or Candidate.objects.create(
        ballot=ballot, name="Bea Birch", on_ballot=True, position=1
    )
    do_record_ballot_event(
        ballot,
        kind=kind,
        candidate=candidate,
        authority="Letter from the slate's secretary",
        reference="Letter of 3 May" if kind == "candidate_withdrawn" else "",
        clause="7.4",
        notice=text,
        acting_user=UserFactory(),
    )


def test_an_event_after_the_issue_queues_a_notice_letter_to_postal_non_voters(
    settings: Any, tmp_path: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    ballot = issued_ballot(email=2, post=3)
    first, second, voted = RollEntry.objects.filter(ballot=ballot, channel="post").order_by("pk")
    RollEntry.objects.filter(pk=voted.pk).update(voted=True)
    _event(ballot, "candidate_withdrawn", "Bea Birch has withdrawn from the ballot.")
    letters = Delivery.objects.filter(ballot=ballot, kind="notice")
    assert sorted(letters.values_list("entry_id", flat=True)) == [first.pk, second.pk]
    assert set(letters.values_list("channel", "state", "round")) == {("post", "queued", 1)}
    assert queries_deliveries.post_queue(ballot)["notices"] == 2  # the dashboard's post queue
    # A second event while those letters wait: the letter, written at print time, carries both.
    _event(ballot, "candidate_reinstated", "Bea Birch is back on the ballot.")
    assert letters.count() == 2
    # One of them votes before the print run: their letter is set aside, not printed.
    RollEntry.objects.filter(pk=second.pk).update(voted=True)
    ids, digests = postal_notices.write_notice_files(ballot, "notices-test")
    assert ids == [letters.get(entry=first).pk]
    assert set(digests) == {"notice-letter.pdf", "notices.csv"}
    with default_storage.open("notices-test/notices.csv") as handle:
        csv_text = handle.read().decode()
    assert str(first.paper_number) in csv_text
    assert f"\r\n{second.paper_number}," not in csv_text
    with default_storage.open("notices-test/notice-letter.pdf") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    assert letters.get(entry=second).state == DeliveryState.SKIPPED
    # After printing, a new event makes a new round for those who still have not voted.
    assert postal_notices.print_notices(ballot, "run-1") == 1
    assert letters.get(entry=first).state == DeliveryState.PRINTED
    _event(ballot, "candidate_withdrawn", "Bea Birch has withdrawn again.")
    assert list(letters.filter(round=2).values_list("entry_id", flat=True)) == [first.pk]
