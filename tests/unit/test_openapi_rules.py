"""What the app's own `/openapi.json` promises about tokens, update bodies and path parameters."""

from typing import Any

import pytest

from tests.helpers.app import openapi_of_default_app

BEARER: dict[str, list[str]] = {"HTTPBearer": []}
OPTIONAL_TOKEN = [
    ("get", "/v1/blog/posts"),
    ("get", "/v1/blog/posts/{postId}"),
    ("get", "/v1/blog/posts/slug/{slug}"),
    ("get", "/v1/projects"),
    ("get", "/v1/projects/{projectId}"),
    ("get", "/v1/certifications"),
    ("get", "/v1/certifications/{certificationId}"),
    ("get", "/v1/analytics/views/{contentType}/{contentId}"),
    ("get", "/v1/analytics/views/{contentType}"),
]


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return openapi_of_default_app()


def _operations(openapi: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
    }


def test_routes_where_a_token_is_optional_say_so(openapi: dict[str, Any]) -> None:
    # GIVEN the app's OpenAPI document
    operations = _operations(openapi)
    # WHEN the security of each operation that takes a token is read
    optional = {key for key, op in operations.items() if op.get("security") == [{}, BEARER]}
    required = {key for key, op in operations.items() if op.get("security") == [BEARER]}
    # THEN the public reads may leave it out, every other route with a token needs it
    assert optional == set(OPTIONAL_TOKEN)
    assert ("post", "/v1/blog/posts") in required
    assert ("get", "/v1/auth/me") in required
    assert optional | required == {key for key, op in operations.items() if "security" in op}


@pytest.mark.parametrize("schema", ["PostUpdate", "ProjectUpdate", "CertificationUpdate"])
def test_update_bodies_are_documented_as_never_empty(openapi: dict[str, Any], schema: str) -> None:
    # WHEN an update body's schema is read from the app's OpenAPI
    update = openapi["components"]["schemas"][schema]
    # THEN `{}` does not fit it, as the API refuses it
    assert update["minProperties"] == 1


def test_every_path_parameter_is_bounded(openapi: dict[str, Any]) -> None:
    # GIVEN every path parameter of every operation
    parameters = [
        parameter
        for operation in _operations(openapi).values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]
    # WHEN their schemas are read
    unbounded = [
        parameter["name"]
        for parameter in parameters
        if "maxLength" not in parameter["schema"] and "$ref" not in parameter["schema"]
    ]
    # THEN each has a length bound and a pattern, or is a closed set (contentType)
    assert len(parameters) >= 19
    assert unbounded == []
    ids = [parameter for parameter in parameters if parameter["name"].endswith("Id")]
    assert {parameter["schema"]["maxLength"] for parameter in ids} == {26}
    assert all("pattern" in parameter["schema"] for parameter in ids)
