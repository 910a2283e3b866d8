"""Fuzz the whole API from its own OpenAPI document: no 5xx, every response matches its schema.

Endpoints added later are covered automatically. Requests carry a coordinator's token, so
protected operations are exercised beyond authentication too.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from api.services import api_token_create
from rehome.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, whose request signals would close the connection
    holding the test's transaction; Django's own test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(personas, keep_test_connection):
    _, secret = api_token_create(membership=personas.membership(personas.coordinator), name="Fuzz")
    return secret


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_honours_its_schema(case, coordinator_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {coordinator_token}"})
