"""Schema-driven tests of the API's read endpoints: schemathesis generates requests from
/api/openapi.json and calls the Django app through WSGI, authenticated with a national staff
member's personal API token (who may read everything). Checks: no server errors, every status
is one the schema declares, every response body matches its declared schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from accounts.world import build_world
from factories import AffiliationFactory, OrganisationFactory
from moot.accounts.actions import do_create_api_token

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# The polls router belongs to the polls app and is tested there.
OTHER_APPS = r"^/api/polls"


def load_read_schema() -> Any:
    """The API's own OpenAPI document, served through the WSGI application."""
    from moot.api import api
    from moot.site.wsgi import application

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
    loaded.app = application
    return loaded.include(method="GET").exclude(path_regex=OTHER_APPS)


@pytest.fixture
def token(db: Any, keep_test_connection: Any) -> str:
    world = build_world()
    AffiliationFactory(unit=world.riverside, organisation=OrganisationFactory(slug="union"))
    user = world.users["national_staff"]
    _row, secret = do_create_api_token(user, name="schemathesis", acting_user=user)
    return secret


schema = load_read_schema()


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_read_endpoints_conform(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
