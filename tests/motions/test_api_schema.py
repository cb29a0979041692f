"""Schema-driven test of the motions API's read endpoints: schemathesis generates requests from
the OpenAPI document and calls the app through WSGI with a member's API token. Checks: no server
errors, only declared statuses, bodies that match their schemas."""

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
from moot.motions.actions import do_propose_amendment, do_rule_on_motion

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def load_motion_reads() -> Any:
    from moot.api import api
    from moot.site.wsgi import application

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
    loaded.app = application
    return loaded.include(method="GET", path_regex=r"^/api/motions")


@pytest.fixture
def token(assembly: Any, table: Any, keep_test_connection: Any) -> str:
    motion = table()
    do_propose_amendment(
        motion,
        action="delete",
        line_from=1,
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    do_rule_on_motion(
        table(title="Second"),
        decision="referred",
        clause="15.6.2",
        referred_to="the national executive",
        reasons="Reserved to national bodies.",
        acting_user=assembly.chair.user,
    )
    user = assembly.member.user
    _row, secret = do_create_api_token(user, name="schemathesis", acting_user=user)
    return secret


schema = load_motion_reads()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_motion_read_endpoints_conform(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
