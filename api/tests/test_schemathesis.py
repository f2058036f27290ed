"""schemathesis against the served OpenAPI document (/api/v1/openapi.json), every
operation, with a valid read-write token on a seeded program: no server error,
no response outside the document (status, content type, headers, body).

Runs in `make test` (SQLite) and in CI's PostgreSQL pass, through the WSGI app
in the test's own database transaction. API_SCHEMATHESIS_EXAMPLES sets the
examples per operation (default 25: about a minute for all of them).
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tests.conftest import key_for, make_world
from mentorship.config.wsgi import application

EXAMPLES = int(os.environ.get("API_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded once, from the served document, through the WSGI app (no database needed to serve it).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: the WSGI app must not close the test's
    # connection (and its transaction) at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    world = make_world("ky-connections")
    make_world("hhs")  # another program's data, which must never break the answers either
    return key_for(world)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_every_operation_keeps_to_the_document(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
