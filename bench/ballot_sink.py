"""A local SMTP sink for bench/national_ballot.py, run in its own process.

    .venv/bin/python bench/ballot_sink.py --port PORT --log FILE [--refuse FILE]

It accepts every message (aiosmtpd), except that a recipient listed in the ``--refuse`` file
(one address a line) is answered ``550 5.1.1`` at RCPT: a hard bounce, as a mailbox that does
not exist. For every message it appends one line to ``--log``, flushed at once so the driver can
read it while sending goes on:

    <X-Moot-Delivery header>\t<recipient>\t<credential found in the body, or ->

The driver counts lines (delivered), distinct delivery ids (a repeated id is a message sent
twice) and reads the credentials the voters would read from their inboxes.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Any

# XXXX-XXXX-XXXX-XXXX in Crockford base32 (credentials.credential_for's form).
CREDENTIAL = re.compile(
    r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
    r"[0-9A-HJKMNP-TV-Z]{4}\b"
)


class Handler:
    def __init__(self, log: Path, refused: set[str]) -> None:
        self.refused = refused
        self.lock = threading.Lock()
        self.out = log.open("a", encoding="utf-8", buffering=1)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.refused:
            return "550 5.1.1 <" + address + ">: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        delivery = str(message.get("X-Moot-Delivery", "-")).strip() or "-"
        found = "-"
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                match = CREDENTIAL.search(part.get_content())
                if match:
                    found = match.group(0)
                    break
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.out.write(f"{delivery}\t{recipient.lower()}\t{found}\n")
        return "250 Message accepted"


def main() -> int:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--refuse", type=Path)
    args = parser.parse_args()
    refused = set()
    if args.refuse and args.refuse.exists():
        refused = {
            line.strip().lower() for line in args.refuse.read_text().splitlines() if line.strip()
        }
    controller = Controller(
        Handler(args.log, refused), hostname="127.0.0.1", port=args.port, ready_timeout=30
    )
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
