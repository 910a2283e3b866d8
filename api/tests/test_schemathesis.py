"""Fuzz the whole API from its own OpenAPI document: no 5xx, every response matches its schema.

Endpoints added later are covered automatically. Requests carry a coordinator's token, so
protected operations are exercised beyond authentication too.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.services import api_token_create
from rehome.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def coordinator_token(personas):
    _, secret = api_token_create(membership=personas.membership(personas.coordinator), name="Fuzz")
    return secret


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_honours_its_schema(case, coordinator_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {coordinator_token}"})
