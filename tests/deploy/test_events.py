"""The sample events in events/ are what this template's gateway would send the function."""

from typing import Any

import pytest

from tests.helpers.lambda_events import load_event, sample_event_names
from tests.helpers.sam import (
    COGNITO_AUTHORIZER,
    CREATED_POOL_WITH_DOMAIN,
    authorizers_of,
    gateway_body,
    translate,
)


@pytest.fixture(scope="module")
def gateway_paths() -> dict[str, Any]:
    paths: dict[str, Any] = gateway_body(translate(parameters=CREATED_POOL_WITH_DOMAIN))["paths"]
    return paths


@pytest.mark.parametrize("name", sample_event_names())
def test_each_sample_event_matches_a_gateway_route_and_its_authorizer(
    name: str, gateway_paths: dict[str, Any]
) -> None:
    # GIVEN a sample event
    event = load_event(name)
    context = event["requestContext"]
    # WHEN its resource and method are looked up in the translated gateway
    operation = gateway_paths.get(event["resource"], {}).get(event["httpMethod"].lower())
    # THEN the route exists, and the event is shaped as that route would send it
    assert operation is not None, f"{name}: {event['httpMethod']} {event['resource']} not routed"
    assert context["resourcePath"] == event["resource"]
    assert context["httpMethod"] == event["httpMethod"]
    assert context["path"] == f"/{context['stage']}{event['path']}"
    # AND it carries the authorizer's claims exactly when the gateway checks a token there
    has_claims = bool(context.get("authorizer", {}).get("claims"))
    assert has_claims == (COGNITO_AUTHORIZER in authorizers_of(operation)), name


def test_the_samples_cover_the_kinds_the_issue_names() -> None:
    events = [load_event(name) for name in sample_event_names()]
    kinds = {(event["httpMethod"], event["resource"]) for event in events}
    assert ("GET", "/v1/blog/posts") in kinds  # a public GET
    assert ("POST", "/v1/blog/posts") in kinds  # an owner POST with claims
    assert any(method == "OPTIONS" for method, _ in kinds)  # a CORS preflight
    assert ("POST", "/v1/visitors/track") in kinds
    assert ("POST", "/v1/analytics/track") in kinds
