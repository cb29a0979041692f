"""The JSON API (django-ninja) at /api/, OpenAPI at /api/openapi.json.

Each app contributes a router in its ``api.py``; they are mounted here. Authentication is the
browser session (with CSRF on unsafe methods) or a personal API token
(``Authorization: Bearer <token>``, created at /accounts/tokens/). Every error is JSON with a
``detail`` sentence saying what was wrong and how to fix it (see :mod:`moot.api.errors`).
"""

from importlib import import_module

from ninja import NinjaAPI

from moot.accounts.api_auth import API_AUTH
from moot.api.errors import install_error_handlers

api = NinjaAPI(
    title="moot API",
    version="1.0.0",
    description=(
        "Members, units, organisations, affiliations, eligibility, meetings, motions and polls. "
        "Authenticate with `Authorization: Bearer <token>` (a personal API token from "
        "/accounts/tokens/) or, from the browser, with the session cookie and the CSRF token. "
        "Errors are JSON: `detail` says what is wrong and how to fix it; validation errors "
        "(422) list each problem in `errors` with the place (`field`) and the fix."
    ),
    urls_namespace="api-1.0.0",
    auth=API_AUTH,
)
install_error_handlers(api)

# (url prefix, module with a `router`, or "module:attribute" for another router in it)
ROUTERS: list[tuple[str, str]] = [
    ("/members", "moot.members.api"),
    ("/units", "moot.units.api"),
    ("/organisations", "moot.units.api:organisations_router"),
    ("/affiliations", "moot.units.api:affiliations_router"),
    ("/polls", "moot.polls.api"),
    ("/motions", "moot.motions.api"),
    ("/meetings", "moot.meetings.api"),
    ("/elections", "moot.elections.api"),
    ("/cases", "moot.cases.api"),
    ("/policies", "moot.policies.api"),
    ("/rulebook", "moot.units.rulebook_api"),
    ("/ballots", "moot.ballots.api_definition"),
    ("/ballots", "moot.ballots.api_roll"),
    ("/ballots", "moot.ballots.api_deliveries"),
    ("/ballots", "moot.ballots.api_casting"),
    ("/ballots", "moot.ballots.api_results"),
    ("/ballots", "moot.ballots.api_nominations"),
    ("/ballots", "moot.verifiable.api_trustees"),
    ("/verifiable", "moot.verifiable.api"),
]

for prefix, target in ROUTERS:
    module_name, _, attribute = target.partition(":")
    api.add_router(prefix, getattr(import_module(module_name), attribute or "router"))
