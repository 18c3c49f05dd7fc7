"""schemathesis against our own OpenAPI schema, in process (WSGI): at least
1,000 generated requests, valid and invalid, over every operation. No 5xx
(but a 503 the schema documents), and every answer within the schema: its
status code, content type, headers and body."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Status
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

EXAMPLES_PER_OPERATION = 90
CALLS: list[str] = []
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def world(db):
    # Like Django's test client: the in-process WSGI calls must not close
    # the connection that holds this test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _seed()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _seed():
    TopicFactory()
    ConsentTextFactory()
    items = [TestimonialFactory(status=status) for status in Status]
    token = moderation_moderators.moderator_create(username="alice").key
    return {"token": token, "items": items}


def _our_schema():
    """The schema /api/schema/ serves, generated here without a request."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_our_schema())
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_within_its_schema(case, world):
    if "public_id" in (case.path_parameters or {}) and len(CALLS) % 2:
        # Half the time, a story that exists (in some status), not a random id.
        item = world["items"][len(CALLS) % len(world["items"])]
        case.path_parameters["public_id"] = str(item.public_id)
    CALLS.append(f"{case.operation.method.upper()} {case.operation.path}")
    case.call_and_validate(headers={"Authorization": f"Token {world['token']}"}, checks=CHECKS)


def test_zz_enough_requests_were_made():
    """Runs after the operations above (pytest keeps file order)."""
    operations = set(CALLS)
    print(f"schemathesis: {len(CALLS)} requests over {len(operations)} operations")
    assert len(CALLS) >= 1000
    assert len(operations) == len(list(schema.get_all_operations()))
