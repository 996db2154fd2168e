"""One envelope for every error, and CORS for exactly the configured origins."""

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from portfolio_api.config import Settings
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.logs import captured_logs

ENVELOPE_KEYS = {"error", "message", "statusCode", "details"}


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    app = create_app(settings=settings)

    def explode() -> None:
        raise RuntimeError("secret internals: token=abc")

    app.add_api_route("/test/explode", explode, methods=["GET"])
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[httpx.Client]:
    with serve(app) as client:
        yield client


def test_an_unknown_path_is_a_404_envelope(client: httpx.Client) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {
        "error": "Not Found",
        "message": "The requested resource was not found",
        "statusCode": 404,
        "details": None,
    }


def test_a_wrong_method_is_a_405_envelope_with_allow(client: httpx.Client) -> None:
    response = client.delete("/v1/auth/login")
    assert response.status_code == 405
    assert response.json()["error"] == "Method Not Allowed"
    assert response.headers["allow"] == "OPTIONS, POST"


def test_validation_failures_are_400_naming_the_fields(client: httpx.Client) -> None:
    # WHEN a login body misses a field and has a bad one
    response = client.post("/v1/auth/login", json={"email": "not-an-email"})
    # THEN it is a 400 (the contract's status, not FastAPI's 422) naming both fields
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["details"]["field"] == "email"
    assert {error["field"] for error in body["details"]["errors"]} == {"email", "password"}


def test_a_rejected_password_is_never_echoed(client: httpx.Client) -> None:
    password = "x" * 300  # over the 256-character limit
    response = client.post("/v1/auth/login", json={"email": "a@b.co", "password": password})
    assert response.status_code == 400
    assert password not in response.text


@pytest.mark.parametrize(
    "body", [b"{not json", b"[]", b'"text"', b'{"email": "a@b.co", "password": "p", "admin": true}']
)
def test_malformed_or_unexpected_bodies_are_400(client: httpx.Client, body: bytes) -> None:
    response = client.post(
        "/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert set(response.json()) == ENVELOPE_KEYS


def test_an_unhandled_error_is_a_500_with_a_request_id_and_no_internals(
    client: httpx.Client,
) -> None:
    # WHEN a route fails in a way nobody handled
    with captured_logs() as logs:
        response = client.get("/test/explode", headers={"Origin": "http://localhost:5173"})
    # THEN the body is the envelope with the request id, and nothing of the exception
    assert response.status_code == 500
    body = response.json()
    request_id = response.headers["x-request-id"]
    assert body["details"] == {"requestId": request_id}
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    # AND the browser can still read it
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    # AND the traceback went to the log, under the request's id
    [failure] = [line for line in logs.lines if line["level"] == "ERROR"]
    assert "RuntimeError" in failure["exception"]
    assert failure["correlation_id"] == request_id


@pytest.mark.parametrize(
    "origin", ["https://patrickcmd.dev", "http://localhost:5173", "http://localhost:8080"]
)
def test_configured_origins_get_cors(client: httpx.Client, origin: str) -> None:
    response = client.options(
        "/v1/auth/login",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost:3000"])
def test_other_origins_get_no_cors(client: httpx.Client, origin: str) -> None:
    preflight = client.options(
        "/v1/auth/login", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    simple = client.get("/health", headers={"Origin": origin})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


def test_openapi_documents_400_not_422(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    login = schema["paths"]["/v1/auth/login"]["post"]["responses"]
    assert "400" in login
    assert all(
        "422" not in operation["responses"]
        for path in schema["paths"].values()
        for operation in path.values()
    )
    assert client.get("/docs").status_code == 200
