"""The JSON API (django-ninja) at /api/, OpenAPI at /api/openapi.json.

Each app contributes a router in its ``api.py``; they are mounted here. Authentication is the
browser session (with CSRF) or a personal API token (``Authorization: Bearer <token>``).
"""

from importlib import import_module

from ninja import NinjaAPI

api = NinjaAPI(
    title="moot API",
    version="1.0.0",
    description="Members, units, organisations, affiliations, eligibility, meetings, motions and polls.",
    urls_namespace="api-1.0.0",
)

# (url prefix, module with a `router`)
ROUTERS: list[tuple[str, str]] = [
    ("/polls", "moot.polls.api"),
]

for prefix, module_name in ROUTERS:
    api.add_router(prefix, import_module(module_name).router)
