"""Schema-driven test of the polls API's read endpoints: schemathesis generates requests from
the OpenAPI document and calls the app through WSGI with a voter's API token. Checks: no server
errors, only declared statuses, bodies that match their schemas (open and closed polls exist)."""

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

from moot.accounts.actions import do_create_api_token
from moot.polls.actions import do_cast_ballot, do_close_poll

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def load_poll_reads() -> Any:
    from moot.api import api
    from moot.site.wsgi import application

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
    loaded.app = application
    return loaded.include(method="GET", path_regex=r"^/api/polls")


@pytest.fixture
def token(open_poll: Any, voters: list[Any], manager: Any, keep_test_connection: Any) -> str:
    open_poll()
    closed = open_poll(title="Closed poll")
    do_cast_ballot(closed, voters[0], [closed.options.first().pk], acting_user=voters[0].user)
    do_close_poll(closed, acting_user=manager)
    user = voters[1].user
    _row, secret = do_create_api_token(user, name="schemathesis", acting_user=user)
    return secret


schema = load_poll_reads()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_poll_read_endpoints_conform(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
