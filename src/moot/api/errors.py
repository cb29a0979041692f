"""JSON errors people can act on, answered here for every router: every API error is
``{"detail": "<what and how to fix>", "code": "...", "clause": "...", "field": "..."}``
(``moot.api_common.Message``); validation errors (422) add ``errors``, one entry per problem
with its place and fix. A :class:`moot.errors.Refusal` answers the status of its code, the same
in every app; routers raise refusals (and access functions Http404 / PermissionDenied) and never
map them themselves. Never a traceback: unexpected errors are logged and answered with a plain
500."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from moot.errors import Refusal, RefusalCode

logger = logging.getLogger("moot.api")

NOT_SIGNED_IN = (
    "not signed in: send 'Authorization: Bearer <token>' with a personal API token (create one "
    "at /accounts/tokens/), or sign in to the site and send the session cookie"
)
CSRF_FAILED = (
    "CSRF check failed: a browser session must send the CSRF token in the X-CSRFToken header "
    "on POST, PUT, PATCH and DELETE; scripts should use 'Authorization: Bearer <token>' instead"
)

# The code of an error raised as a bare HTTP status (ninja's HttpError) rather than a Refusal.
_CODE_FOR_STATUS = {code.status: code for code in reversed(RefusalCode)}
_PLACES = {"query": "query parameter", "path": "path parameter", "body": "body field"}


def _fix_for(error: dict[str, Any]) -> str:
    """What to send instead, from the kind of the validation error."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "add it: it is required"
    if kind in ("literal_error", "enum"):
        return f"use one of {ctx.get('expected', 'the listed values')}"
    if kind.startswith("int_"):
        return "use a whole number, e.g. 42"
    if kind.startswith(("date_", "datetime_")):
        return "use a date written YYYY-MM-DD, e.g. 2026-05-14"
    if kind.startswith("bool_"):
        return "use true or false"
    if kind == "greater_than_equal":
        return f"use a value of at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"use a value of at most {ctx.get('le')}"
    if kind == "greater_than":
        return f"use a value above {ctx.get('gt')}"
    if kind == "string_too_long":
        return f"shorten it to at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"write at least {ctx.get('min_length')} characters"
    if kind.startswith(("string_", "str_")):
        return "send text"
    if kind in ("model_attributes_type", "dict_type", "json_invalid"):
        return "send a JSON object matching the schema in /api/openapi.json"
    return "see the schema in /api/openapi.json"


def describe_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    described = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc else ""
        # ninja nests bodies and grouped parameters under a schema name: keep the leaf names.
        names = [part for part in loc[1:] if part not in ("payload", "filters", "data")]
        field = ".".join(names) or where
        described.append(
            {
                "field": field,
                "in": where,
                "message": str(error.get("msg", "is not valid")),
                "fix": _fix_for(error),
            }
        )
    return described


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    described = describe_validation_errors(errors)
    sentences = [
        f"{_PLACES.get(e['in'], e['in'] or 'value')} '{e['field']}': {e['message'].rstrip('.')}; "
        f"{e['fix']}"
        for e in described
    ]
    return {**body(". ".join(sentences) + ".", RefusalCode.INVALID), "errors": described}


def body(
    detail: str, code: RefusalCode | str = "", *, clause: str = "", field: str = ""
) -> dict[str, str]:
    """The one shape of an error's JSON (``moot.api_common.Message``)."""
    return {"detail": detail, "code": str(code), "clause": clause, "field": field}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, validation_body(list(exc.errors)), status=422)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, {"detail": NOT_SIGNED_IN}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="moot"'
        return response

    @api.exception_handler(Refusal)
    def _refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
        return api.create_response(request, exc.as_json(), status=exc.status)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc.message) if hasattr(exc, "message") else str(exc)
        if exc.status_code == 403 and "CSRF" in message:
            message = CSRF_FAILED
        code = _CODE_FOR_STATUS.get(exc.status_code, "")
        return api.create_response(request, body(message, code), status=exc.status_code)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) or "not found, or you may not see it"
        return api.create_response(request, body(message, RefusalCode.NOT_FOUND), status=404)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or (
            "your roles do not allow this; ask your unit secretary or national staff"
        )
        return api.create_response(request, body(message, RefusalCode.FORBIDDEN), status=403)

    @api.exception_handler(DjangoValidationError)
    def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # A plain ValidationError (a model's or a form's), not a Refusal.
        return api.create_response(
            request, body("; ".join(exc.messages), RefusalCode.INVALID), status=422
        )

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return api.create_response(
            request,
            {
                "detail": "internal error: it has been logged and nothing was half-saved; try "
                "again, or tell the administrators the time it happened"
            },
            status=500,
        )
