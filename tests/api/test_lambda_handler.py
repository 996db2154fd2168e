"""The Lambda entry point, fed the API Gateway REST events kept in events/."""

import gc
import importlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from portfolio_api.config import Settings, get_settings
from portfolio_api.core.logging import logger
from portfolio_api.core.metrics import metrics
from portfolio_api.devstack.cognito import MotoServer, bootstrap_owner_pool
from portfolio_api.devstack.dynamodb_local import DynamoDBLocal
from portfolio_api.devstack.stack import DEFAULT_OWNER_EMAIL, DEFAULT_OWNER_PASSWORD
from tests.helpers.app import environment_of, settings_for
from tests.helpers.aws import REGION
from tests.helpers.content import post_body
from tests.helpers.lambda_events import (
    EVENTS,
    TOKEN_PLACEHOLDER,
    Handler,
    LambdaContext,
    at,
    header,
    load_event,
    sample_event_names,
    with_body,
    with_headers,
    with_token,
)
from tests.helpers.logs import captured_logs


@pytest.fixture
def lambda_settings(
    moto_server: MotoServer, dynamodb_local: DynamoDBLocal, table: str, ephemeral_table: str
) -> Settings:
    """A pool whose owner has the documented local credentials, as the sample login event uses."""
    pool = bootstrap_owner_pool(
        endpoint_url=moto_server.endpoint_url,
        region=REGION,
        owner_email=DEFAULT_OWNER_EMAIL,
        owner_password=DEFAULT_OWNER_PASSWORD,
        owner_name="Portfolio Owner",
        owner_group="owner",
    )
    return settings_for(
        table=table,
        ephemeral_table=ephemeral_table,
        dynamodb_url=dynamodb_local.endpoint_url,
        pool=pool,
    )


@pytest.fixture
def handler(
    lambda_settings: Settings, monkeypatch: pytest.MonkeyPatch, mangum_loop: None
) -> Iterator[Handler]:
    """`portfolio_api.main` imported as Lambda imports it: settings from the environment."""
    for name, value in environment_of(lambda_settings).items():
        monkeypatch.setenv(name, value)
    # What the runtime sets: business metrics are counted under Lambda only.
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", LambdaContext.function_name)
    metrics.clear_metrics()
    get_settings.cache_clear()
    sys.modules.pop("portfolio_api.main", None)
    module = importlib.import_module("portfolio_api.main")
    yield module.handler
    sys.modules.pop("portfolio_api.main", None)
    get_settings.cache_clear()
    gc.unfreeze()  # the import froze this whole test process; let its garbage go again


def test_every_sample_event_is_valid_json_in_the_rest_proxy_shape() -> None:
    names = sample_event_names()
    assert len(names) >= 5
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


def test_a_head_through_the_handler_is_the_get_without_its_body(handler: Handler) -> None:
    # GIVEN the sample GET, sent as HEAD (the gateway routes HEAD like GET)
    event = load_event("get-health.json") | {"httpMethod": "HEAD"}
    # WHEN the handler serves it
    response = handler(event, LambdaContext())
    # THEN the GET's status and length, and no body
    assert response["statusCode"] == 200
    assert int(header(response, "content-length") or 0) > 0
    assert response["body"] == ""


def test_an_unknown_route_through_the_handler_is_the_404_envelope(handler: Handler) -> None:
    event = load_event("get-health.json")
    event["path"] = "/v1/nowhere"
    response = handler(event, LambdaContext())
    assert response["statusCode"] == 404
    assert json.loads(response["body"])["statusCode"] == 404


def test_the_events_folder_holds_no_secret_but_the_local_default() -> None:
    text = "\n".join(path.read_text() for path in EVENTS.glob("*.json"))
    assert "eyJ" not in text  # how every JWT starts
    authorizations = [
        load_event(name)["headers"].get("Authorization") for name in sample_event_names()
    ]
    assert {value for value in authorizations if value} == {TOKEN_PLACEHOLDER}
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


def _owner_token(handler: Handler) -> str:
    login = handler(load_event("post-auth-login.json"), LambdaContext())
    token: str = json.loads(login["body"])["token"]
    return token


def test_the_sample_owner_post_creates_a_draft_with_a_real_token(handler: Handler) -> None:
    # GIVEN the sample owner POST, its placeholder replaced by a token the pool issued
    event = with_token(load_event("post-blog-posts-owner.json"), token=_owner_token(handler))
    # WHEN it goes through the handler
    response = handler(event, LambdaContext())
    # THEN the post is created as a draft, and the browser may read the answer
    assert response["statusCode"] == 201, response["body"]
    created = json.loads(response["body"])
    assert created["title"] == json.loads(event["body"])["title"]
    assert created["status"] == "draft"
    assert header(response, "access-control-allow-origin") == "https://patrickcmd.dev"


def test_the_gateway_claims_alone_do_not_let_a_request_in(handler: Handler) -> None:
    # WHEN the sample owner POST arrives with the authorizer's claims but no real token
    response = handler(load_event("post-blog-posts-owner.json"), LambdaContext())
    # THEN the app, the second wall, refuses it in the envelope
    assert response["statusCode"] == 401
    assert json.loads(response["body"])["statusCode"] == 401


def _published_post(handler: Handler) -> str:
    owner = with_token(load_event("post-blog-posts-owner.json"), token=_owner_token(handler))
    created = handler(owner, LambdaContext())
    post_id: str = json.loads(created["body"])["id"]
    publish = at(owner, method="POST", path=f"/v1/blog/posts/{post_id}/publish")
    assert handler(publish, LambdaContext())["statusCode"] == 200
    return post_id


def test_the_sample_view_counts_a_published_post_once(
    handler: Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = load_event("post-analytics-track.json")
    # GIVEN the sample names no post that exists
    assert handler(sample, LambdaContext())["statusCode"] == 404
    # WHEN it names a published post, twice
    view = with_body(sample, body={"contentType": "blog", "contentId": _published_post(handler)})
    capsys.readouterr()
    first, again = (handler(view, LambdaContext()) for _ in range(2))
    # THEN the first view counts and the repeat does not
    assert [json.loads(response["body"]) for response in (first, again)] == [
        {"views": 1, "tracked": True},
        {"views": 1, "tracked": False},
    ]
    # AND CloudWatch is told of the one counted view
    emitted = _emf_lines(capsys.readouterr().out)
    assert [line.get("ViewsCounted") for line in emitted] == [[1.0]]


def test_docs_work_behind_the_stage_prefix_and_on_the_custom_domain(handler: Handler) -> None:
    sample = load_event("get-health.json")
    # WHEN /docs is asked for on the execute-api URL (stage in the path) and on the domain
    staged = handler(at(sample, method="GET", path="/docs"), LambdaContext())
    on_domain = with_headers(sample, Host="api.patrickcmd.dev")
    domain = handler(
        at(on_domain, method="GET", path="/docs", requested_path="/docs"), LambdaContext()
    )
    schema = handler(at(sample, method="GET", path="/openapi.json"), LambdaContext())
    # THEN each page points the browser at the schema under the prefix it was reached by
    assert staged["statusCode"] == domain["statusCode"] == schema["statusCode"] == 200
    assert "url: '/prod/openapi.json'" in staged["body"]
    assert "url: '/openapi.json'" in domain["body"]
    assert "/v1/blog/posts" in json.loads(schema["body"])["paths"]
    # AND the prefix changes nothing about which route answers
    health = handler(at(sample, method="GET", path="/health"), LambdaContext())
    assert health["statusCode"] == 200


def test_routes_still_match_when_the_stage_shares_a_name_with_a_path_segment(
    handler: Handler,
) -> None:
    # GIVEN a stage called v1, so the execute-api path reads /v1/v1/visitors/count
    event = at(
        load_event("get-health.json"),
        method="GET",
        path="/v1/visitors/count",
        requested_path="/v1/v1/visitors/count",
    )
    # WHEN it goes through the handler THEN the route is found under the prefix
    response = handler(event, LambdaContext())
    assert response["statusCode"] == 200, response["body"]
    assert json.loads(response["body"]) == {"count": 0}


BROWSER = load_event("post-visitors-track.json")["headers"]["User-Agent"]
CLIENT_IP = load_event("post-visitors-track.json")["requestContext"]["identity"]["sourceIp"]


def test_logs_carry_the_request_id_and_no_personal_data(handler: Handler) -> None:
    login_event, visit = load_event("post-auth-login.json"), load_event("post-visitors-track.json")
    # GIVEN the app logging everything it would at DEBUG
    logger.setLevel("DEBUG")
    try:
        # WHEN a sign-in and a visit go through the handler
        with captured_logs() as logs:
            token = json.loads(handler(login_event, LambdaContext())["body"])["token"]
            handler(visit, LambdaContext())
    finally:
        logger.setLevel("INFO")
    # THEN each line is JSON with API Gateway's request id and the Lambda context
    by_message = {line["message"]: line for line in logs.lines}
    signed_in, tracked = by_message["signed in"], by_message["visit tracked"]
    assert signed_in["correlation_id"] == login_event["requestContext"]["requestId"]
    assert tracked["correlation_id"] == visit["requestContext"]["requestId"]
    assert tracked["counted"] is True
    for line in (signed_in, tracked):
        assert isinstance(line["cold_start"], bool)
        assert line["function_name"] == LambdaContext.function_name
        assert line["service"] == "portfolio-api"
    # AND nothing logged names the password, the token, the address or the browser
    password = json.loads(login_event["body"])["password"]
    for personal in (password, token, CLIENT_IP, BROWSER):
        assert personal not in logs.text


def _emf_lines(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" in line]


def test_business_events_reach_cloudwatch_as_emf_metrics(
    handler: Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = json.loads(load_event("post-auth-login.json")["body"]) | {"password": "Not-it-123!"}
    capsys.readouterr()
    # WHEN a sign-in fails, then a visit counts, then the same visit repeats
    assert (
        handler(with_body(load_event("post-auth-login.json"), body=wrong), LambdaContext())[
            "statusCode"
        ]
        == 401
    )
    handler(load_event("post-visitors-track.json"), LambdaContext())
    handler(load_event("post-visitors-track.json"), LambdaContext())
    # THEN each counting invocation printed one EMF line, the repeat none
    emitted = _emf_lines(capsys.readouterr().out)
    assert [set(line) & {"LoginsFailed", "VisitsCounted"} for line in emitted] == [
        {"LoginsFailed"},
        {"VisitsCounted"},
    ]
    directive = emitted[1]["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "PortfolioApi"
    assert sorted(directive["Dimensions"][0]) == ["environment", "service"]
    assert emitted[1]["service"] == "portfolio-api"
    assert emitted[1]["environment"] == "test"
