from __future__ import annotations

from accounts.smtp import smtp_sink  # noqa: F401 - the real SMTP server fixture, used by name
