"""Path parameters no id or slug could be: 404 in the envelope, and DynamoDB never asked."""

from collections.abc import Iterator

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.devstack.processes import free_port
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.aws import dynamodb_client
from tests.helpers.cognito import UserPoolFixture, sign_in
from tests.helpers.in_process import ApiCalls, recorded_calls

ENVELOPE = {"error", "message", "statusCode", "details"}
LONG = "a" * 2040
VALID_ID = "01jd0000000000000000000000"
# Anything a reader may ask: over-long, one character over, the wrong alphabet, a wrong shape.
PUBLIC_PATHS = [
    f"/v1/blog/posts/slug/{LONG}",
    f"/v1/blog/posts/slug/{'a' * 101}",
    "/v1/blog/posts/slug/Not_A_Slug",
    f"/v1/blog/posts/{LONG}",
    f"/v1/blog/posts/{VALID_ID}a",
    f"/v1/blog/posts/{VALID_ID.upper()}",
    f"/v1/projects/{LONG}",
    f"/v1/certifications/{LONG}",
    f"/v1/analytics/views/blog/{LONG}",
    f"/v1/analytics/views/project/{VALID_ID[:-1]}",
    f"/v1/blog/tags/{'a' * 51}/rss.xml",
    "/v1/blog/tags/tab%09inside/rss.xml",
]
OWNER_REQUESTS = [
    ("PUT", f"/v1/blog/posts/{LONG}"),
    ("DELETE", f"/v1/projects/{LONG}"),
    ("POST", f"/v1/certifications/{LONG}/publish"),
    ("POST", f"/v1/blog/posts/{LONG}/unpublish"),
]


@pytest.fixture
def recorded(settings: Settings) -> Iterator[tuple[httpx.Client, ApiCalls]]:
    """The app on its own DynamoDB client, every call it sends recorded."""
    assert settings.dynamodb_endpoint_url is not None
    client = dynamodb_client(settings.dynamodb_endpoint_url)
    app = create_app(settings=settings, container=build_container(settings, dynamodb=client))
    with recorded_calls(client) as calls, serve(app) as api:
        yield api, calls


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_path_no_item_could_have_is_404_with_no_dynamodb_call(
    recorded: tuple[httpx.Client, ApiCalls], path: str
) -> None:
    api, calls = recorded
    # WHEN a reader asks for it, with GET and with HEAD
    response = api.get(path)
    head = api.head(path)
    # THEN 404 in the envelope, and DynamoDB never heard of it
    assert response.status_code == 404
    assert set(response.json()) == ENVELOPE
    assert head.status_code == 404
    assert calls.operations == []


def test_with_a_token_such_paths_are_404_before_the_token_is_checked(
    recorded: tuple[httpx.Client, ApiCalls], user_pool: UserPoolFixture
) -> None:
    api, calls = recorded
    owner = sign_in(api, user_pool.owner)
    calls.operations.clear()
    # WHEN the owner reads, and changes, items at paths no id or slug could be
    reads = [api.get(path, headers=owner).status_code for path in PUBLIC_PATHS]
    changes = [
        api.request(method, path, headers=owner, json={"title": "x"}).status_code
        for method, path in OWNER_REQUESTS
    ]
    # THEN each is 404, and DynamoDB was not asked even for the token's revocation record
    assert reads == [404] * len(PUBLIC_PATHS)
    assert changes == [404] * len(OWNER_REQUESTS)
    assert calls.operations == []


def test_such_paths_are_404_even_with_dynamodb_unreachable(settings: Settings) -> None:
    # GIVEN the app on a DynamoDB endpoint nobody listens on
    dead = settings.model_copy(update={"dynamodb_endpoint_url": f"http://127.0.0.1:{free_port()}"})
    with serve(create_app(settings=dead)) as api:
        # WHEN an over-long slug is asked for, and then a well-shaped one
        over_long = api.get(f"/v1/blog/posts/slug/{LONG}")
        well_shaped = api.get("/v1/blog/posts/slug/hello")
    # THEN the first never needed DynamoDB; the second did, and could not have it
    assert over_long.status_code == 404
    assert well_shaped.status_code == 503


def test_an_unknown_content_type_is_still_a_bad_request(api: httpx.Client) -> None:
    # WHEN a content type outside the closed set is asked for
    response = api.get("/v1/analytics/views/video")
    # THEN 400, naming it
    assert response.status_code == 400
    assert response.json()["details"]["field"] == "contentType"
