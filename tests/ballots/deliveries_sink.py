"""A real SMTP server for the delivery tests: the accounts tests' aiosmtpd sink, which can also
refuse chosen recipients at RCPT (550: a hard bounce; 451: try later) and counts the copies it
received of each delivery by its ``X-Moot-Delivery`` header."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

from accounts.smtp import SmtpSink, _free_port


@dataclass
class RefusingSink(SmtpSink):
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP answer

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def copies(self) -> Counter[str]:
        with self._lock:
            return Counter(str(m.message["X-Moot-Delivery"]) for m in self.messages)


def running_sink(settings: Any) -> Iterator[RefusingSink]:
    """The body of a test module's ``sink`` fixture: ``yield from running_sink(settings)``."""
    server = RefusingSink("127.0.0.1", _free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield server
    finally:
        controller.stop()
