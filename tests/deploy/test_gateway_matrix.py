"""API Gateway, as SAM builds it from template.yaml, routes exactly what the app serves.

Both sides are read, never listed by hand: the app's routes and whether each needs a token come
from FastAPI itself, the gateway's methods and authorizers from SAM's own translation.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route

from portfolio_api.api.deps import current_user, require_owner
from portfolio_api.api.docs import ASSETS
from tests.helpers.app import default_app
from tests.helpers.sam import (
    COGNITO_AUTHORIZER,
    CREATED_POOL_WITH_DOMAIN,
    EXISTING_POOL_WITHOUT_DOMAIN,
    TEMPLATE,
    authorizers_of,
    gateway_body,
    translate,
)

TOKEN_REQUIRED = (current_user, require_owner)
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch"})


@dataclass(frozen=True, kw_only=True)
class AppRoute:
    method: str
    path: str
    token_required: bool


def _needs_token(dependant: Dependant | None) -> bool:
    if dependant is None:
        return False
    return any(sub.call in TOKEN_REQUIRED or _needs_token(sub) for sub in dependant.dependencies)


def _served(routes: Iterable[BaseRoute]) -> Iterator[tuple[str, set[str], Dependant | None]]:
    """(path, methods, dependant) of each route; FastAPI wraps included routers around theirs."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if callable(contexts):
            for context in contexts():
                yield context.path, set(context.methods), context.dependant
        elif isinstance(route, APIRoute):
            yield route.path, set(route.methods or ()), route.dependant
        elif isinstance(route, Route):
            yield route.path, set(route.methods or ()), None


def app_routes() -> list[AppRoute]:
    """Every (method, path) the app serves: HEAD wherever GET (api/methods.py), so the gateway
    must route both."""
    found: list[AppRoute] = []
    for path, methods, dependant in _served(default_app().routes):
        declared = methods | {"HEAD"} if "GET" in methods else methods
        found.extend(
            AppRoute(method=method, path=path, token_required=_needs_token(dependant))
            for method in sorted(declared)
        )
    return found


def _integration_problems(method: str, path: str, operation: dict[str, Any]) -> list[str]:
    integration = operation.get("x-amazon-apigateway-integration", {})
    uri = integration.get("uri", {})
    target = uri.get("Fn::Sub", "") if isinstance(uri, dict) else ""
    if (
        integration.get("type") == "aws_proxy"
        and integration.get("httpMethod") == "POST"
        and "/functions/${ApiFunctionAliaslive}/invocations" in target
    ):
        return []
    # The alias `live`, never the function itself: SnapStart restores published versions only.
    return [f"{method} {path}: does not proxy to ApiFunction's alias live ({integration})"]


def matrix_problems(*, template: dict[str, Any], routes: list[AppRoute]) -> list[str]:
    """Every way the translated gateway differs from the app; empty when they agree."""
    body = gateway_body(template)
    problems = (
        [f"the API declares global security {body['security']}"] if "security" in body else []
    )
    scheme = body.get("components", {}).get("securitySchemes", {}).get(COGNITO_AUTHORIZER, {})
    if scheme.get("x-amazon-apigateway-authtype") != "cognito_user_pools":
        problems.append(f"{COGNITO_AUTHORIZER} is not a Cognito user pool authorizer")
    gateway: dict[tuple[str, str], set[str]] = {}
    for path, item in body["paths"].items():
        if "+}" in path or "x-amazon-apigateway-any-method" in item:
            problems.append(f"{path}: a catch-all route")
        operations = {verb: item[verb] for verb in item if verb in HTTP_METHODS}
        for verb, operation in operations.items():
            gateway[verb.upper(), path] = authorizers_of(operation)
            problems += _integration_problems(verb.upper(), path, operation)
        if "options" not in operations:
            problems.append(f"OPTIONS {path}: no preflight route")
        elif authorizers_of(operations["options"]):
            problems.append(f"OPTIONS {path}: a preflight needs no token, yet has an authorizer")
    served = {(route.method, route.path): route for route in routes}
    for (method, path), route in served.items():
        wanted = {COGNITO_AUTHORIZER} if route.token_required else set()
        if (method, path) not in gateway:
            problems.append(f"{method} {path}: served by the app, missing from the gateway")
        elif gateway[method, path] != wanted:
            problems.append(
                f"{method} {path}: the app needs {'a' if wanted else 'no'} token, "
                f"the gateway checks {sorted(gateway[method, path]) or 'none'}"
            )
    problems += [
        f"{method} {path}: routed by the gateway, not served by the app"
        for method, path in gateway
        if method != "OPTIONS" and (method, path) not in served
    ]
    return problems


@pytest.fixture(scope="module")
def routes() -> list[AppRoute]:
    return app_routes()


@pytest.fixture(scope="module", params=["created pool, domain", "existing pool, no domain"])
def translated(request: pytest.FixtureRequest) -> dict[str, Any]:
    parameters = {
        "created pool, domain": CREATED_POOL_WITH_DOMAIN,
        "existing pool, no domain": EXISTING_POOL_WITHOUT_DOMAIN,
    }[request.param]
    return translate(parameters=parameters)


def test_the_route_list_holds_every_route_the_app_documents_and_its_docs(
    routes: list[AppRoute],
) -> None:
    # GIVEN the app's OpenAPI document, made by FastAPI from the same routes
    openapi = default_app().openapi()
    documented = {
        (method.upper(), path) for path, item in openapi["paths"].items() for method in item
    }
    # WHEN its routes are enumerated by walking the app
    found = {(route.method, route.path) for route in routes}
    # THEN none is missed, the docs pages and their files are there, and both kinds of route exist
    assert documented <= found
    assert {("GET", path) for path in ("/docs", "/docs/oauth2-redirect")} <= found
    assert {("GET", path) for path in ASSETS} <= found
    assert ("GET", "/openapi.json") in found
    assert {route.token_required for route in routes} == {True, False}


def test_the_gateway_routes_exactly_what_the_app_serves_with_the_same_auth(
    translated: dict[str, Any], routes: list[AppRoute]
) -> None:
    # GIVEN template.yaml as SAM translates it, with a created and with an existing pool
    # WHEN its gateway is compared with the app
    problems = matrix_problems(template=translated, routes=routes)
    # THEN they agree on every route, and every path answers preflights without a token
    assert problems == []


def test_the_authorizer_trusts_the_pool_the_stack_uses() -> None:
    # GIVEN the template translated for an existing pool
    template = translate(parameters=EXISTING_POOL_WITHOUT_DOMAIN)
    # WHEN the Cognito authorizer's pool is read
    scheme = gateway_body(template)["components"]["securitySchemes"][COGNITO_AUTHORIZER]
    (provider,) = scheme["x-amazon-apigateway-authorizer"]["providerARNs"]
    condition, created, existing = provider["Fn::If"]
    # THEN it is the created pool under CreateUserPool, else the given one
    assert condition == "CreateUserPool"
    assert created == {"Fn::GetAtt": ["UserPool", "Arn"]}
    assert existing["Fn::Sub"].endswith(":userpool/us-east-1_Existing1")


def _edit_operation(text: str, *, route: AppRoute, new_line: str | None) -> str:
    """Rewrite (or, with None, drop) the one-line operation of `route` in the DefinitionBody."""
    operation = re.compile(
        rf"^( +{re.escape(route.path)}:\n(?: +\w+: [^\n]*\n)*?)"
        rf"( +){route.method.lower()}: [^\n]*\n",
        re.MULTILINE,
    )
    matches = list(operation.finditer(text))
    assert len(matches) == 1, f"no single operation for {route}"
    found = matches[0]
    kept = found.group(1) + ("" if new_line is None else found.group(2) + new_line)
    return text[: found.start()] + kept + text[found.end() :]


def test_the_matrix_check_finds_a_route_left_open_and_a_route_left_out(
    tmp_path: Path, routes: list[AppRoute]
) -> None:
    # GIVEN a copy of the template where a token-required route was made public
    # and a public route's operation was deleted
    opened = next(route for route in routes if route.token_required)
    dropped = next(route for route in routes if not route.token_required)
    integration = (
        '{type: aws_proxy, httpMethod: POST, uri: !Sub "arn:${AWS::Partition}:apigateway:'
        '${AWS::Region}:lambda:path/2015-03-31/functions/${ApiFunction.Alias}/invocations"}'
    )
    text = _edit_operation(
        TEMPLATE.read_text(),
        route=opened,
        new_line=(
            f"{opened.method.lower()}: {{security: [{{NONE: []}}], "
            f"x-amazon-apigateway-integration: {integration}}}\n"
        ),
    )
    text = _edit_operation(text, route=dropped, new_line=None)
    broken = tmp_path / "template.yaml"
    broken.write_text(text)
    # WHEN the broken copy is translated and checked
    problems = matrix_problems(
        template=translate(template=broken, parameters=CREATED_POOL_WITH_DOMAIN), routes=routes
    )
    # THEN both faults are reported, and nothing else
    assert sorted(problems) == sorted(
        [
            f"{opened.method} {opened.path}: the app needs a token, the gateway checks none",
            f"{dropped.method} {dropped.path}: served by the app, missing from the gateway",
        ]
    )
