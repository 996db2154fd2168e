"""A real browser against the real app: what a frontend's JavaScript can do and read over CORS.

Chromium (the system's, `make browser`) loads a page from an origin the app allows, and from one
it does not; the page calls the API with `fetch`, as the frontend does. httpx cannot show this:
CORS is enforced by the browser, which hides a refused answer and every header not exposed.
"""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser

from portfolio_api.api.body_limit import MAX_BODY_BYTES
from portfolio_api.config import Settings
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.browser import Frontend, Seen, Site, chromium, frontend, static_site
from tests.helpers.cognito import UserPoolFixture
from tests.helpers.content import post_body

ENVELOPE_KEYS = {"error", "message", "statusCode", "details"}
UNKNOWN_POST = "0b7c4a8e-6c53-4f0e-9d55-3a51d4c0f1e2"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module: a launch costs more than all of a test's requests."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def allowed_site() -> Iterator[Site]:
    with static_site() as site:
        yield site


@pytest.fixture(scope="module")
def other_site() -> Iterator[Site]:
    with static_site() as site:
        yield site


@pytest.fixture
def browser_api(settings: Settings, allowed_site: Site) -> Iterator[httpx.Client]:
    """The app with the allowed site as its one CORS origin."""
    allowing = settings.model_copy(update={"cors_origins": (allowed_site.origin,)})
    with serve(create_app(settings=allowing)) as client:
        yield client


@pytest.fixture
def page(browser: Browser, allowed_site: Site, browser_api: httpx.Client) -> Iterator[Frontend]:
    with frontend(browser, site=allowed_site, api_url=str(browser_api.base_url)) as loaded:
        yield loaded


@pytest.fixture
def token(page: Frontend, user_pool: UserPoolFixture) -> str:
    """The owner's ID token, signed in from the page."""
    owner = user_pool.owner
    seen = page.fetch(
        "POST", "/v1/auth/login", body={"email": owner.email, "password": owner.password}
    )
    assert seen.status == 200, seen
    signed_in: str = seen.body["token"]
    return signed_in


def assert_envelope(seen: Seen, status: int) -> None:
    """The page read the error's status, its whole envelope and its request id."""
    assert seen.status == status, seen
    assert set(seen.body) == ENVELOPE_KEYS
    assert seen.body["statusCode"] == status
    assert seen.request_id


def test_the_owner_signs_in_from_the_page(page: Frontend, user_pool: UserPoolFixture) -> None:
    # WHEN the page signs the owner in
    owner = user_pool.owner
    seen = page.fetch(
        "POST", "/v1/auth/login", body={"email": owner.email, "password": owner.password}
    )
    # THEN it reads the tokens and who signed in
    assert seen.status == 200, seen
    assert seen.body["token"]
    assert seen.body["user"]["email"] == owner.email
    assert seen.body["user"]["role"] == "owner"


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/v1/blog/posts", "posts"),
        ("/v1/projects", "projects"),
        ("/v1/certifications", "certifications"),
    ],
)
def test_the_page_reads_public_lists(page: Frontend, path: str, key: str) -> None:
    # WHEN an anonymous page reads a list
    seen = page.fetch("GET", path)
    # THEN it gets the body
    assert seen.status == 200, seen
    assert seen.body[key] == []
    assert seen.body["total"] == 0


def test_the_page_creates_and_publishes_a_post_with_if_match(page: Frontend, token: str) -> None:
    # GIVEN a draft created from the page, whose ETag the page can read
    created = page.fetch("POST", "/v1/blog/posts", token=token, body=post_body(title="From JS"))
    assert created.status == 201, created
    assert created.etag == '"1"'
    post_id = created.body["id"]
    # WHEN the page publishes it with that ETag in If-Match (a header the preflight must allow)
    published = page.fetch(
        "POST", f"/v1/blog/posts/{post_id}/publish", token=token, if_match=created.etag
    )
    # THEN it is published, at its next version
    assert published.status == 200, published
    assert published.body["status"] == "published"
    assert published.etag == '"2"'
    # AND an anonymous read of the list shows it
    listed = page.fetch("GET", "/v1/blog/posts")
    assert [post["id"] for post in listed.body["posts"]] == [post_id]


def test_the_page_reads_a_401s_body(page: Frontend) -> None:
    # WHEN the page creates a post without a token
    seen = page.fetch("POST", "/v1/blog/posts", body=post_body())
    # THEN it reads the 401's envelope
    assert_envelope(seen, 401)


def test_the_page_reads_a_404s_body(page: Frontend) -> None:
    seen = page.fetch("GET", f"/v1/blog/posts/{UNKNOWN_POST}")
    assert_envelope(seen, 404)


def test_the_page_reads_a_412s_body(page: Frontend, token: str) -> None:
    # GIVEN a post published since the page read its ETag
    created = page.fetch("POST", "/v1/blog/posts", token=token, body=post_body())
    stale = created.etag
    post_id = created.body["id"]
    publish = f"/v1/blog/posts/{post_id}/publish"
    assert page.fetch("POST", publish, token=token, if_match=stale).status == 200
    # WHEN the page unpublishes it with the stale ETag
    seen = page.fetch("POST", f"/v1/blog/posts/{post_id}/unpublish", token=token, if_match=stale)
    # THEN it reads the 412's envelope
    assert_envelope(seen, 412)


def test_the_page_reads_a_413s_body(page: Frontend, token: str) -> None:
    # WHEN the page sends a body over the API's limit
    too_large = post_body(content="x" * (MAX_BODY_BYTES + 1))
    seen = page.fetch("POST", "/v1/blog/posts", token=token, body=too_large)
    # THEN it reads the 413's envelope, refused before any route ran
    assert_envelope(seen, 413)
    assert seen.body["details"] == {"limitBytes": MAX_BODY_BYTES}


@pytest.fixture
def elsewhere(browser: Browser, other_site: Site, browser_api: httpx.Client) -> Iterator[Frontend]:
    """The same page, served from an origin the app does not list."""
    with frontend(browser, site=other_site, api_url=str(browser_api.base_url)) as loaded:
        yield loaded


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/blog/posts", None),  # a simple request: the answer comes, the browser hides it
        ("POST", "/v1/auth/login", {"email": "a@b.co", "password": "p"}),  # refused at preflight
    ],
)
def test_a_page_on_another_origin_is_refused(
    elsewhere: Frontend, method: str, path: str, body: object
) -> None:
    # WHEN a page on an origin the app does not list calls the API
    seen = elsewhere.fetch(method, path, body=body)
    # THEN the browser refuses: fetch throws, and the page reads nothing
    assert seen.error == "TypeError"
    assert seen.message == "Failed to fetch"
    assert seen.status is None
    assert seen.body is None
