"""Invitations, reminders, bounces and resumption of a ballot's deliveries (issue 11, item 6),
through a real SMTP server (aiosmtpd) on the loopback address."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from ballots.deliveries_sink import RefusingSink, running_sink
from ballots.delivery_world import issued_ballot
from factories import MemberFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.ballots import credentials, delivery, tasks
from moot.ballots.actions.deliveries import do_send_reminders
from moot.ballots.errors import BallotError
from moot.ballots.models import (
    BallotEvent,
    Candidate,
    Channel,
    Delivery,
    DeliveryKind,
    DeliveryState,
    RollEntry,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings: Any) -> Iterator[RefusingSink]:
    yield from running_sink(settings)


def _issue(ballot: Any, capture: Any) -> int:
    with capture(execute=True):
        from django.db import transaction

        with transaction.atomic():
            return delivery.queue_invitations(ballot)


def test_invitations_are_queued_in_batches_and_each_reaches_the_server_once(
    sink: RefusingSink, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(delivery, "BATCH_SIZE", 2)
    ballot = issued_ballot(email=5, post=2)
    RollEntry.objects.create(
        ballot=ballot,
        member=MemberFactory(),
        unit=ballot.unit,
        eligible=False,
        reason="not a member at the freeze date",
        email="ineligible@example.org",
    )
    assert _issue(ballot, django_capture_on_commit_callbacks) == 7
    rows = Delivery.objects.filter(ballot=ballot)
    email_batches = sorted(rows.filter(channel="online").values_list("batch", flat=True))
    assert email_batches == [1, 1, 2, 2, 3]
    assert set(rows.filter(channel="post").values_list("batch", flat=True)) == {0}
    assert set(rows.filter(channel="post").values_list("state", flat=True)) == {"queued"}
    assert set(rows.filter(channel="online").values_list("state", flat=True)) == {"sent"}
    assert len(sink.messages) == 5
    assert set(sink.copies().values()) == {1}
    assert not sink.to("ineligible@example.org")
    # A second call (a retried issue) queues nothing and sends nothing.
    assert _issue(ballot, django_capture_on_commit_callbacks) == 0
    assert len(sink.messages) == 5


def test_the_invitation_carries_the_credential_both_parts_and_no_newsletter_headers(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = issued_ballot(email=1, post=0)
    entry = RollEntry.objects.get(ballot=ballot)
    _issue(ballot, django_capture_on_commit_callbacks)
    [received] = sink.to(entry.email)
    message = received.message
    row = Delivery.objects.get(entry=entry)
    assert message["X-Moot-Delivery"] == str(row.pk)
    assert (
        message["Message-ID"]
        == row.message_id
        == f"<ballot-{ballot.pk}.delivery-{row.pk}@moot.invalid>"
    )
    assert message["List-Unsubscribe"] is None
    assert message["Precedence"] is None
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    code = credentials.credential_for(ballot, entry)
    assert code in text
    assert code in html
    assert credentials.hash_credential(code) == entry.credential_hash
    assert f"/ballots/{ballot.pk}/vote/c/{code}/" in text
    assert "unsubscrib" not in text.lower().replace("unsubscribing from newsletters", "")
    assert "<img" not in html.lower()  # no tracking pixel
    # The credential is in no row of the delivery and in no audit event.
    assert code not in row.error + row.message_id
    assert not [e for e in AuditEvent.objects.all() if code in str(e.after) + str(e.before)]


def test_a_hard_bounce_switches_the_voter_to_post(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = issued_ballot(email=2, post=0)
    gone, kept = RollEntry.objects.filter(ballot=ballot).order_by("pk")
    RollEntry.objects.filter(ballot=ballot).update(paper_number=None)  # e-mail voters: no paper
    sink.refuse[gone.email] = "550 5.1.1 No such user"
    _issue(ballot, django_capture_on_commit_callbacks)
    gone.refresh_from_db()
    assert gone.channel == Channel.POST
    assert gone.paper_number == 1  # a paper for the print files
    assert gone.channel_reason == "e-mail bounced"
    bounced = Delivery.objects.get(entry=gone, channel="online")
    assert bounced.state == DeliveryState.BOUNCED
    assert "550" in bounced.error
    post = Delivery.objects.get(entry=gone, channel="post")
    assert (post.kind, post.state, post.batch) == (DeliveryKind.INVITATION, "queued", 0)
    assert Delivery.objects.get(entry=kept).state == DeliveryState.SENT
    assert (
        AuditEvent.objects.filter(verb="ballots.switch_to_post", object_id=str(gone.pk)).count()
        == 1
    )
    assert not sink.to(gone.email)
    assert len(sink.to(kept.email)) == 1


def test_a_transient_refusal_is_retried_and_counted_then_sent_once(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = issued_ballot(email=2, post=0)
    slow = RollEntry.objects.filter(ballot=ballot).order_by("pk").first()
    sink.refuse[slow.email] = "451 4.7.1 Try again later"
    _issue(ballot, django_capture_on_commit_callbacks)
    row = Delivery.objects.get(entry=slow)
    assert (row.state, row.attempts) == (DeliveryState.QUEUED, 1)
    assert "451" in row.error
    sink.refuse.clear()
    assert tasks.resume_stuck(ballot.pk) == {"put_back": 0, "batches": 1}
    row.refresh_from_db()
    assert row.state == DeliveryState.SENT
    assert set(sink.copies().values()) == {1}
    assert len(sink.messages) == 2


def test_a_row_failed_after_the_last_attempt_is_not_retried_by_the_worker(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "MAX_ATTEMPTS", 1)
    ballot = issued_ballot(email=1, post=0)
    entry = RollEntry.objects.get(ballot=ballot)
    sink.refuse[entry.email] = "452 4.2.2 Mailbox full"
    _issue(ballot, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(entry=entry).state == DeliveryState.FAILED
    entry.refresh_from_db()
    assert entry.channel == Channel.ONLINE  # not a bounce: the address exists


def test_resume_after_a_killed_worker_sends_each_stuck_row_once(
    sink: RefusingSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "BATCH_SIZE", 3)
    ballot = issued_ballot(email=5, post=0)
    delivery.queue_deliveries(ballot, DeliveryKind.INVITATION)  # no task queued: a dead queue
    # A worker claims batch 1 and is killed before sending anything.
    claimed = tasks._claim(ballot.pk, 1)
    assert len(claimed) == 3
    assert tasks.deliver_batch(ballot.pk, 1)["claimed"] == 0  # nobody else takes them
    # Not yet stuck: a resume now leaves them alone (the worker may be alive and slow).
    assert tasks.resume_stuck(ballot.pk, requeue_queued=False)["put_back"] == 0
    Delivery.objects.filter(pk__in=claimed).update(
        claimed_at=timezone.now() - tasks.STUCK_AFTER - datetime.timedelta(seconds=1)
    )
    result = tasks.resume_stuck(ballot.pk)
    assert result == {"put_back": 3, "batches": 2}
    assert Delivery.objects.filter(ballot=ballot, state="sent").count() == 5
    assert len(sink.messages) == 5
    assert set(sink.copies().values()) == {1}
    # Running a batch again sends nothing more.
    tasks.deliver_batch(ballot.pk, 1)
    assert len(sink.messages) == 5


def _notice(ballot: Any) -> BallotEvent:
    candidate = Candidate.objects.create(
        ballot=ballot, name="Bea Birch", on_ballot=True, position=1
    )
    return BallotEvent.objects.create(
        ballot=ballot,
        kind="endorsement_withdrawn",
        candidate=candidate,
        authority="Letter from the slate's secretary",
        clause="7.4",
        notice="The Forward slate has withdrawn its endorsement of Bea Birch.",
        occurred_at=timezone.now(),
    )


def test_reminders_go_only_to_non_voters_by_email_and_lead_with_the_notices(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = issued_ballot(email=3, post=1)
    voted, waiting, other = RollEntry.objects.filter(ballot=ballot, channel="online").order_by("pk")
    _issue(ballot, django_capture_on_commit_callbacks)
    voted.voted = True
    voted.save(update_fields=["voted"])
    _notice(ballot)
    manager = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert do_send_reminders(ballot, acting_user=manager) == 2
    reminders = [m for m in sink.messages if m.message["Subject"].startswith("Reminder")]
    assert sorted(r for m in reminders for r in m.rcpt_tos) == sorted([waiting.email, other.email])
    text = reminders[0].body
    assert text.index("withdrawn its endorsement of Bea Birch") < text.index("Your voting code")
    assert "7.4" in text
    assert Delivery.objects.filter(ballot=ballot, kind="reminder", channel="post").count() == 0
    event = AuditEvent.objects.get(verb="ballots.send_reminders")
    assert event.after["round"] == 1
    assert event.after["queued"] == 2
    # The same round again is refused and writes nothing.
    with pytest.raises(BallotError, match="already been sent; the next round is 2"):
        do_send_reminders(ballot, 1, acting_user=manager)
    assert Delivery.objects.filter(ballot=ballot, kind="reminder").count() == 2
    assert AuditEvent.objects.filter(verb="ballots.send_reminders").count() == 1


def test_reminders_are_refused_unless_the_ballot_is_open() -> None:
    ballot = issued_ballot(email=1, post=0)
    ballot.state = "closed"
    ballot.save(update_fields=["state"])
    with pytest.raises(BallotError, match="while the ballot is open; it is Closed"):
        do_send_reminders(ballot, acting_user=UserFactory())
    assert not Delivery.objects.filter(ballot=ballot).exists()


def test_a_newsletter_unsubscribe_never_suppresses_a_ballot(
    sink: RefusingSink, django_capture_on_commit_callbacks: Any
) -> None:
    """The member unsubscribed from newsletters at the e-mail service: its 'unsubscribed' event
    changes nothing and the reminder still goes; a service that refuses to send because of its
    unsubscribe list ('rejected', reason 'unsubscribed') puts the voter on post instead."""
    from anymail.signals import AnymailTrackingEvent, tracking

    from moot.ballots import bounces

    bounces.connect()
    ballot = issued_ballot(email=2, post=0)
    member, refused = RollEntry.objects.filter(ballot=ballot).order_by("pk")
    _issue(ballot, django_capture_on_commit_callbacks)
    invitation = Delivery.objects.get(entry=member)
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(
            event_type="unsubscribed",
            recipient=member.email,
            metadata={"moot_delivery": str(invitation.pk)},
        ),
        esp_name="Postmark",
    )
    member.refresh_from_db()
    assert member.channel == Channel.ONLINE
    refused_row = Delivery.objects.get(entry=refused)
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(
            event_type="rejected",
            reject_reason="unsubscribed",
            recipient=refused.email,
            metadata={"moot_delivery": str(refused_row.pk)},
        ),
        esp_name="Postmark",
    )
    refused.refresh_from_db()
    assert refused.channel == Channel.POST
    assert Delivery.objects.filter(entry=refused, channel="post", state="queued").exists()
    with django_capture_on_commit_callbacks(execute=True):
        do_send_reminders(ballot, acting_user=UserFactory())
    assert len(sink.to(member.email)) == 2  # the invitation and the reminder
    assert len(sink.to(refused.email)) == 1  # the invitation only; the reminder goes by post


def test_a_reissue_queues_a_row_for_the_named_entries_only() -> None:
    ballot = issued_ballot(email=3, post=1)
    first, *_rest = RollEntry.objects.filter(ballot=ballot).order_by("pk")
    written, batches = delivery.queue_deliveries(
        ballot, DeliveryKind.REISSUE, round_number=1, entry_ids=[first.pk]
    )
    assert written == 1
    assert list(Delivery.objects.filter(ballot=ballot).values_list("entry_id", "kind")) == [
        (first.pk, "reissue")
    ]
    assert batches == [Delivery.objects.get(entry=first).batch]
    assert delivery.queue_deliveries(ballot, DeliveryKind.REISSUE, entry_ids=[]) == (0, [])


def test_the_command_resumes_what_a_killed_worker_left(sink: RefusingSink) -> None:
    from io import StringIO

    from django.core.management import call_command

    ballot = issued_ballot(email=2, post=1)
    delivery.queue_deliveries(ballot, DeliveryKind.INVITATION)
    assert len(tasks._claim(ballot.pk, 1)) == 2  # claimed, then the worker was killed
    out = StringIO()
    call_command("ballot", "deliveries", "--ballot", str(ballot.pk), stdout=out)
    assert out.getvalue().split() == ["queued=1", "queued_email=0", "sending=2"]
    out = StringIO()
    call_command(
        "ballot",
        "deliveries",
        "--ballot",
        str(ballot.pk),
        "--resume",
        "--older-than",
        "0",
        stdout=out,
    )
    assert out.getvalue().splitlines() == [
        "put back 2 stuck rows; queued 1 batches",
        "queued=1 queued_email=0 sent=2",
    ]
    assert len(sink.messages) == 2
    assert set(sink.copies().values()) == {1}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no ballot number 999999"):
        call_command("ballot", "deliveries", "--ballot", "999999", stdout=StringIO())


def _postmark(client: Any, auth: str, payload: dict[str, Any]) -> Any:
    import base64
    import json

    return client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(auth.encode()).decode(),
    )


def test_an_esp_hard_bounce_webhook_switches_the_voter_to_post_only_with_the_secret(
    settings: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import moot.site.urls  # noqa: F401 - imported as configured (no secret), before the change

    settings.ROOT_URLCONF = "ballots.anymail_urls"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:a-long-random-secret"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ballot = issued_ballot(email=1, post=0)
    entry = RollEntry.objects.get(ballot=ballot)
    _issue(ballot, django_capture_on_commit_callbacks)
    row = Delivery.objects.get(entry=entry)
    payload = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": entry.email,
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 The email account does not exist.",
        "BouncedAt": "2026-12-07T10:00:00Z",
        "Metadata": {"moot_delivery": str(row.pk)},
    }
    forged = _postmark(client, "postmark:guessed", payload)
    assert forged.status_code in (400, 401, 403)
    entry.refresh_from_db()
    assert entry.channel == Channel.ONLINE
    accepted = _postmark(client, "postmark:a-long-random-secret", payload)
    assert accepted.status_code == 200
    entry.refresh_from_db()
    assert entry.channel == Channel.POST
    row.refresh_from_db()
    assert row.state == DeliveryState.BOUNCED
    assert "bounced" in row.error
    assert Delivery.objects.filter(entry=entry, channel="post", kind="invitation").exists()
