"""The HTTP client of ``moot trustee`` and ``moot credentials``: the standard library's urllib,
JSON bodies, ``Authorization: Bearer`` with one of moot's personal API tokens.

Plain ``http://`` is refused except to the loopback address (a test server, an SSH tunnel): a
token sent in clear over a network is a token given away. The :class:`Transport` seam lets the
same steps run against anything that answers ``(status, JSON)``; :class:`HttpTransport` is the
one used for real."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
TIMEOUT = 60.0
JsonObject = dict[str, Any]


class ClientError(Exception):
    """The server could not be reached, or answered with an error (its ``detail`` is kept)."""

    def __init__(self, message: str, *, status: int = 0, body: JsonObject | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body or {}


class Transport(Protocol):
    def __call__(self, method: str, path: str, body: JsonObject | None) -> tuple[int, Any]:
        """Send ``body`` (JSON) to ``path`` (from ``/api/``); the status and the decoded answer."""
        ...


def check_server_url(url: str) -> str:
    """The server's base address, without a trailing slash: https, or http to the loopback."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ClientError(
            f"--server {url!r}: give the site's address, e.g. https://moot.example.org"
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise ClientError(
            f"--server {url!r}: plain http sends your token in clear; use https "
            "(http only to 127.0.0.1 or localhost)"
        )
    if parts.query or parts.fragment:
        raise ClientError(f"--server {url!r}: the site's address only, no query or fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class HttpTransport:
    server: str
    token: str
    timeout: float = TIMEOUT

    def __call__(self, method: str, path: str, body: JsonObject | None) -> tuple[int, Any]:
        url = check_server_url(self.server) + "/api" + path
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return int(answer.status), _decode(answer.read())
        except urllib.error.HTTPError as exc:
            return int(exc.code), _decode(exc.read())
        except (urllib.error.URLError, OSError) as exc:
            raise ClientError(f"cannot reach {self.server}: {exc}") from exc


def _decode(raw: bytes) -> Any:
    if not raw:
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {"detail": raw[:300].decode("utf-8", "replace")}


@dataclass(frozen=True)
class Api:
    """The calls of the verifiable ballot's API, over a transport."""

    transport: Transport
    ballot: int

    def _call(self, method: str, path: str, body: JsonObject | None = None) -> Any:
        status, answer = self.transport(method, f"/ballots/{self.ballot}/verifiable{path}", body)
        if 200 <= status < 300:
            return answer
        detail = answer.get("detail") if isinstance(answer, dict) else None
        clause = answer.get("clause") if isinstance(answer, dict) else None
        text = f"the server refused ({status}): {detail or answer}"
        if clause:
            text += f" [{clause}]"
        raise ClientError(text, status=status, body=answer if isinstance(answer, dict) else None)

    def get(self, path: str) -> Any:
        return self._call("GET", path)

    def post(self, path: str, body: JsonObject) -> Any:
        return self._call("POST", path, body)
