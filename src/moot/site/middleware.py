"""Site-wide HTTP guards: request bodies have a size limit, and answers given to a signed-in
caller are never stored by a browser or a proxy cache.

* :class:`RequestSizeLimitMiddleware` refuses a body over its limit before anything reads it:
  ``413`` with a JSON ``detail`` under ``/api/`` and a plain page elsewhere. A JSON or form body
  may be ``MOOT_MAX_BODY_BYTES`` long (1 MiB); a file upload (``multipart/form-data``, the
  members import) ``MOOT_MAX_UPLOAD_BYTES`` (100 MiB and a margin for the form's other parts).
  Before, a 3 MB JSON body reached Django's own limit inside the API and answered 500.
  A chunked body (no ``Content-Length``; gunicorn passes it on, ended) is read here up to the
  limit: over it, the same 413; within it, the body is handed on with its length, as Django
  reads only ``Content-Length`` bytes (before, the API saw an empty body and answered 422,
  whatever was sent; review finding M).
* :class:`CurrentRequestMiddleware` makes the request current for :mod:`moot.limits`.
* :class:`NoStoreMiddleware` adds ``Cache-Control: no-store`` to every answer given to a caller
  who is signed in (session or API token) — the simplest honest rule for "pages with personal
  data": every such page may carry some (docs/security.md §3).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]


def body_limit_for(request: HttpRequest) -> int:
    """The largest body (in bytes) this request may carry: uploads have the larger limit."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.lower().startswith("multipart/form-data"):
        return int(settings.MOOT_MAX_UPLOAD_BYTES)
    return int(settings.MOOT_MAX_BODY_BYTES)


def _declared_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    try:
        return int(raw)
    except ValueError:
        return None


def too_large_response(request: HttpRequest, limit: int, length: int | None) -> HttpResponse:
    """The 413 answer: JSON for the API, a plain page for the site's forms."""
    size = f"{length:,} bytes" if length is not None else "more than the limit"
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": f"the request body is {size}; the limit is {limit:,} bytes: send "
                "less (split a large import into several files)",
                "code": "too_large",
            },
            status=413,
        )
    return render(
        request,
        "site/error.html",
        {
            "status": 413,
            "title": "Too much to send",
            "message": f"What you sent is {size}; this site accepts at most {limit:,} bytes. "
            "Go back and shorten the text, or split the file into smaller ones.",
        },
        status=413,
    )


def _is_chunked(request: HttpRequest) -> bool:
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in encoding.lower() and not request.META.get("CONTENT_LENGTH")


def _read_chunked(request: HttpRequest, limit: int) -> bytes | None:
    """The whole chunked body from the server's input stream, or None once it passes
    ``limit`` (the rest is left unread)."""
    stream = request.META["wsgi.input"]
    parts: list[bytes] = []
    size = 0
    while True:
        part = stream.read(min(64 * 1024, limit + 1 - size))
        if not part:
            return b"".join(parts)
        parts.append(part)
        size += len(part)
        if size > limit:
            return None


class RequestSizeLimitMiddleware:
    """Refuse a request body over its limit (413) before any view reads it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit_for(request)
        length = _declared_length(request)
        if length is not None and length > limit:
            return too_large_response(request, limit, length)
        if _is_chunked(request) and "wsgi.input" in request.META:
            data = _read_chunked(request, limit)
            if data is None:
                return too_large_response(request, limit, None)
            request.META["CONTENT_LENGTH"] = str(len(data))
            request._stream = io.BytesIO(data)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Django's own limit on form data (``DATA_UPLOAD_MAX_MEMORY_SIZE``, the same as
        ``MOOT_MAX_BODY_BYTES``) found while a form is read: a chunked body with no declared
        length, or an upload's text fields (not its files) over the limit."""
        if isinstance(exception, RequestDataTooBig):
            return too_large_response(request, int(settings.MOOT_MAX_BODY_BYTES), None)
        return None


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in caller (pages and API)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # An API token makes ``request.user`` the token's account inside the view, and a
        # bearer header is a credential even when the token is refused.
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or request.META.get("HTTP_AUTHORIZATION"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class CurrentRequestMiddleware:
    """Bind the request for :mod:`moot.limits`, which counts member-number look-ups per user
    wherever a form or an access function resolves a number."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from moot.limits import bind_request, unbind_request

        token = bind_request(request)
        try:
            return self.get_response(request)
        finally:
            unbind_request(token)
