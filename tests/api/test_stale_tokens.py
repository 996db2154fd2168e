"""A stored token gone stale (expired, revoked, garbage) never costs a reader the public pages.

Where a token is optional, a refused one reads as anonymous and the answer says
`invalid_token`; what needs the owner, or a token at all, still refuses it.
"""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.factory import create_app
from portfolio_api.repositories.sessions import SessionRepository
from tests.helpers.app import serve
from tests.helpers.clock import FakeClock
from tests.helpers.cognito import UserPoolFixture, bearer, login
from tests.helpers.content import KINDS, POSTS, Callers, ContentKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

INVALID_TOKEN = 'Bearer error="invalid_token"'
GARBAGE = {
    "not a JWT": "Bearer not-a-token",
    "no token": "Bearer",
    "another scheme": "Basic b3duZXI6cGFzcw==",
    "a forged signature": None,  # the owner's token with its signature changed
}


@pytest.fixture
def later_api(settings: Settings) -> Iterator[httpx.Client]:
    """The app on a clock two hours ahead: every token Cognito hands out now has expired."""
    clock = FakeClock(datetime.now(UTC) + timedelta(hours=2))
    app = create_app(settings=settings, container=build_container(settings, clock=clock))
    with serve(app) as client:
        yield client


def _garbage(name: str, owner_token: str) -> dict[str, str]:
    value = GARBAGE[name]
    return {"Authorization": value or f"Bearer {owner_token[:-4]}AAAA"}


def _published_and_draft(
    api: httpx.Client, owner: dict[str, str], kind: ContentKind
) -> tuple[dict[str, str], dict[str, str]]:
    published = kind.create_published(api, owner)
    draft = kind.create(api, owner, **({"title": "Draft"} if kind is POSTS else {"name": "Draft"}))
    return published, draft


@pytest.mark.parametrize("garbage", list(GARBAGE))
def test_a_garbage_token_reads_public_lists_as_anonymous(
    api: httpx.Client, callers: Callers, garbage: str
) -> None:
    # GIVEN a published item and a draft of every kind
    drafts = {kind.path: _published_and_draft(api, callers.owner, kind)[1] for kind in KINDS}
    headers = _garbage(garbage, callers.owner["Authorization"].removeprefix("Bearer "))
    for kind in KINDS:
        # WHEN the list is read with a garbage token
        response = api.get(kind.path, params={"limit": 100}, headers=headers)
        # THEN it is the anonymous list: the published item, no draft, and the hint to refresh
        assert response.status_code == 200, response.text
        ids = [item["id"] for item in response.json()[kind.items_field]]
        assert len(ids) == 1
        assert drafts[kind.path]["id"] not in ids
        assert response.headers["www-authenticate"] == INVALID_TOKEN


def test_an_expired_token_reads_public_pages_as_anonymous(
    api: httpx.Client, later_api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a published post, a draft, and the owner's token, expired by the time it is used
    published, draft = _published_and_draft(api, callers.owner, POSTS)
    expired = callers.owner
    # WHEN public pages are read with it
    by_id = later_api.get(f"{POSTS.path}/{published['id']}", headers=expired)
    by_slug = later_api.get(f"{POSTS.path}/slug/{published['slug']}", headers=expired)
    views = later_api.get(f"/v1/analytics/views/blog/{published['id']}", headers=expired)
    stats = later_api.get("/v1/analytics/views/blog", headers=expired)
    hidden = later_api.get(f"{POSTS.path}/{draft['id']}", headers=expired)
    # THEN each answers as to anonymous, and says the token is no good
    assert [r.status_code for r in (by_id, by_slug, views, stats)] == [200, 200, 200, 200]
    assert set(stats.json()["stats"]) == {published["id"]}
    assert hidden.status_code == 404
    for response in (by_id, by_slug, views, stats, hidden):
        assert response.headers["www-authenticate"] == INVALID_TOKEN


def test_a_stale_token_asking_for_drafts_is_401(
    api: httpx.Client, later_api: httpx.Client, callers: Callers
) -> None:
    # GIVEN the owner's token, expired
    expired = callers.owner
    for status in ("draft", "all"):
        # WHEN it asks for the drafts
        response = later_api.get(POSTS.path, params={"status": status}, headers=expired)
        # THEN it is not the owner: 401, saying to refresh, in the envelope
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == INVALID_TOKEN
        assert set(response.json()) == {"error", "message", "statusCode", "details"}


def test_a_stale_token_on_an_owner_route_is_still_401(
    later_api: httpx.Client, callers: Callers
) -> None:
    # WHEN an expired token asks for an owner-only route and a signed-in one
    create = later_api.post(POSTS.path, json=POSTS.body(), headers=callers.owner)
    me = later_api.get("/v1/auth/me", headers=callers.owner)
    # THEN both refuse it, as before
    for response in (create, me):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == INVALID_TOKEN
        assert response.json()["message"] == "The token has expired"


def test_a_revoked_token_reads_as_anonymous(
    api: httpx.Client,
    settings: Settings,
    user_pool: UserPoolFixture,
    dynamodb: "DynamoDBClient",
) -> None:
    # GIVEN the owner's published post and draft, then every token so far revoked
    owner = login(api, user_pool.owner)
    headers = bearer(owner["token"])
    published, draft = _published_and_draft(api, headers, POSTS)
    cut_off = int(time.time())
    SessionRepository(
        client=dynamodb, table_name=settings.dynamodb_table_name
    ).revoke_tokens_issued_until(
        user_id=owner["user"]["id"], revoked_at=cut_off, expires_at=cut_off + 3600
    )
    # WHEN the revoked token reads the list, the draft, and asks for an owner route
    listed = api.get(POSTS.path, headers=headers)
    hidden = api.get(f"{POSTS.path}/{draft['id']}", headers=headers)
    change = api.put(f"{POSTS.path}/{draft['id']}", json={"title": "New"}, headers=headers)
    # THEN the list is the anonymous one, the draft is not there, the change is refused
    assert [post["id"] for post in listed.json()["posts"]] == [published["id"]]
    assert hidden.status_code == 404
    assert change.status_code == 401
    assert "revoked" in change.json()["message"]
    for response in (listed, hidden, change):
        assert response.headers["www-authenticate"] == INVALID_TOKEN


def test_a_valid_token_or_none_gets_no_such_header(api: httpx.Client, callers: Callers) -> None:
    # GIVEN a published post
    POSTS.create_published(api, callers.owner)
    for headers in (callers.anonymous, callers.reader, callers.owner):
        # WHEN it is listed with a valid token, or without one
        response = api.get(POSTS.path, headers=headers)
        # THEN nothing asks for a refresh
        assert response.status_code == 200
        assert "www-authenticate" not in response.headers


def test_the_frontend_may_read_the_header_across_origins(api: httpx.Client) -> None:
    # WHEN a browser on an allowed origin gets an answer to a garbage token
    response = api.get(
        POSTS.path,
        headers={"Origin": "http://localhost:5173", "Authorization": "Bearer garbage"},
    )
    # THEN CORS lets its JavaScript read WWW-Authenticate
    assert response.headers["www-authenticate"] == INVALID_TOKEN
    exposed = response.headers["access-control-expose-headers"].lower().split(", ")
    assert "www-authenticate" in exposed
