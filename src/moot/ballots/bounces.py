"""Bounces reported by an e-mail service after it accepted a message (django-anymail's
``tracking`` signal, from the service's webhook at ``/anymail/<esp>/tracking/``, which is
mounted only when ``ANYMAIL["WEBHOOK_SECRET"]`` is set so nobody can post forged events).

A bounce, a spam complaint or a rejection — including the service refusing to send because the
address is on its unsubscribe list — switches the voter to post (``do_switch_to_post``): the
voter is still sent the ballot, by the other channel. An ``unsubscribed`` event changes nothing:
a ballot notice is not a newsletter. The delivery is found by the ``moot_delivery`` metadata
sent with the message, else by the service's message id kept on the row."""

from __future__ import annotations

from typing import Any

from moot.ballots.models import Channel, Delivery

SWITCH_EVENTS = frozenset({"bounced", "complained", "rejected"})


def delivery_for_event(event: Any) -> int | None:
    metadata = getattr(event, "metadata", None) or {}
    raw = str(metadata.get("moot_delivery", "")).strip()
    if raw.isdigit():
        return int(raw)
    message_id = getattr(event, "message_id", None)
    if message_id:
        return (
            Delivery.objects.filter(message_id=str(message_id)[:200], channel=Channel.ONLINE)
            .values_list("pk", flat=True)
            .first()
        )
    return None


def on_tracking(sender: Any, event: Any, esp_name: str = "", **kwargs: Any) -> None:
    """The receiver of ``anymail.signals.tracking``."""
    from moot.ballots.actions.deliveries import do_switch_to_post

    if getattr(event, "event_type", None) not in SWITCH_EVENTS:
        return
    delivery_id = delivery_for_event(event)
    if delivery_id is None:
        return
    words = [f"{esp_name or 'e-mail service'}: {event.event_type}"]
    if getattr(event, "reject_reason", None):
        words.append(f"({event.reject_reason})")
    if getattr(event, "mta_response", None):
        words.append(str(event.mta_response))
    do_switch_to_post(delivery_id, reason=" ".join(words))


def connect() -> None:
    from anymail.signals import tracking  # type: ignore[import-untyped]

    tracking.connect(on_tracking, dispatch_uid="moot.ballots.bounces")
