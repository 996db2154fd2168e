"""The Lambda entry point, fed the API Gateway REST events kept in events/."""

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from portfolio_api.config import Settings, get_settings
from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.cognito import MotoServer, bootstrap_owner_pool
from portfolio_api.devstack.dynamodb_local import DynamoDBLocal
from portfolio_api.devstack.stack import DEFAULT_OWNER_EMAIL, DEFAULT_OWNER_PASSWORD
from tests.helpers.app import environment_of, settings_for
from tests.helpers.aws import REGION
from tests.helpers.content import post_body

EVENTS = REPO_ROOT / "events"
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class LambdaContext:
    function_name: str = "portfolio-api"
    aws_request_id: str = "lambda-request-id"
    memory_limit_in_mb: int = 1024


def header(response: dict[str, Any], name: str) -> str | None:
    """Mangum puts single-valued headers in `headers` and repeated ones in `multiValueHeaders`."""
    single = response.get("headers") or {}
    multiple = response.get("multiValueHeaders") or {}
    if name in single:
        return str(single[name])
    return ", ".join(multiple[name]) if name in multiple else None


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


@pytest.fixture
def lambda_settings(moto_server: MotoServer, dynamodb_local: DynamoDBLocal, table: str) -> Settings:
    """A pool whose owner has the documented local credentials, as the sample login event uses."""
    pool = bootstrap_owner_pool(
        endpoint_url=moto_server.endpoint_url,
        region=REGION,
        owner_email=DEFAULT_OWNER_EMAIL,
        owner_password=DEFAULT_OWNER_PASSWORD,
        owner_name="Portfolio Owner",
        owner_group="owner",
    )
    return settings_for(table=table, dynamodb_url=dynamodb_local.endpoint_url, pool=pool)


@pytest.fixture
def handler(lambda_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Handler]:
    """`portfolio_api.main` imported as Lambda imports it: settings from the environment."""
    for name, value in environment_of(lambda_settings).items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    sys.modules.pop("portfolio_api.main", None)
    module = importlib.import_module("portfolio_api.main")
    yield module.handler
    sys.modules.pop("portfolio_api.main", None)
    get_settings.cache_clear()


def test_every_sample_event_is_valid_json_in_the_rest_proxy_shape() -> None:
    names = sorted(path.name for path in EVENTS.glob("*.json"))
    assert names
    for name in names:
        event = load_event(name)
        assert {"httpMethod", "path", "headers", "requestContext", "body"} <= set(event), name
        assert event["requestContext"]["path"].endswith(event["path"]), name


def test_a_public_get_through_the_handler(handler: Handler) -> None:
    event = load_event("get-health.json")
    response = handler(event, LambdaContext())
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["dynamodb"] == "ok"
    # API Gateway's request id is the app's request id, so the two logs line up
    assert header(response, "x-request-id") == event["requestContext"]["requestId"]


def test_a_login_through_the_handler(handler: Handler) -> None:
    response = handler(load_event("post-auth-login.json"), LambdaContext())
    assert response["statusCode"] == 200, response["body"]
    body = json.loads(response["body"])
    assert body["user"]["role"] == "owner"
    assert header(response, "access-control-allow-origin") == "https://patrickcmd.dev"


def test_a_cors_preflight_through_the_handler(handler: Handler) -> None:
    response = handler(load_event("options-auth-login-preflight.json"), LambdaContext())
    assert response["statusCode"] == 200
    assert header(response, "access-control-allow-origin") == "https://patrickcmd.dev"
    assert "POST" in (header(response, "access-control-allow-methods") or "")


def test_an_unknown_route_through_the_handler_is_the_404_envelope(handler: Handler) -> None:
    event = load_event("get-health.json")
    event["path"] = "/v1/nowhere"
    response = handler(event, LambdaContext())
    assert response["statusCode"] == 404
    assert json.loads(response["body"])["statusCode"] == 404


def test_the_events_folder_holds_no_secret_but_the_local_default() -> None:
    text = "\n".join(path.read_text() for path in Path(EVENTS).glob("*.json"))
    assert "Authorization" not in text
    assert DEFAULT_OWNER_PASSWORD in text


def _with(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The sample event, sent elsewhere: a new method, path, body or headers."""
    changed = event | changes
    headers = changed.get("headers") or {}
    changed["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    changed["requestContext"] = event["requestContext"] | {
        "path": f"/prod{changed['path']}",
        "httpMethod": changed["httpMethod"],
    }
    return changed


def test_content_written_and_listed_through_the_handler(handler: Handler) -> None:
    # GIVEN the owner signed in through the handler
    login = handler(load_event("post-auth-login.json"), LambdaContext())
    owner = {"Authorization": f"Bearer {json.loads(login['body'])['token']}"}
    listing = load_event("get-blog-posts.json")
    write = {"queryStringParameters": None, "multiValueQueryStringParameters": None}
    # WHEN a post is created and published through it
    created = handler(
        _with(
            listing,
            httpMethod="POST",
            body=json.dumps(post_body()),
            headers=listing["headers"] | owner | {"Content-Type": "application/json"},
            **write,
        ),
        LambdaContext(),
    )
    assert created["statusCode"] == 201, created["body"]
    post_id = json.loads(created["body"])["id"]
    publish_path = f"/v1/blog/posts/{post_id}/publish"
    headers = listing["headers"] | owner
    published = handler(
        _with(listing, httpMethod="POST", path=publish_path, headers=headers, **write),
        LambdaContext(),
    )
    assert published["statusCode"] == 200, published["body"]
    # THEN the sample public list event finds it, filtered by its tag
    response = handler(listing, LambdaContext())
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert [post["id"] for post in body["posts"]] == [post_id]
    assert body["total"] == 1


def _visit_from(address: str) -> dict[str, Any]:
    event = load_event("post-visitors-track.json")
    event["requestContext"]["identity"]["sourceIp"] = address
    return event


def test_visitors_are_told_apart_by_the_address_api_gateway_saw(handler: Handler) -> None:
    # WHEN the sample visit arrives from one address twice, then from another
    first = handler(_visit_from("203.0.113.10"), LambdaContext())
    again = handler(_visit_from("203.0.113.10"), LambdaContext())
    other = handler(_visit_from("198.51.100.77"), LambdaContext())
    # THEN the address API Gateway saw decides, not the X-Forwarded-For the client sent
    assert [json.loads(response["body"]) for response in (first, again, other)] == [
        {"count": 1, "tracked": True},
        {"count": 1, "tracked": False},
        {"count": 2, "tracked": True},
    ]
    assert header(first, "access-control-allow-origin") == "https://patrickcmd.dev"
