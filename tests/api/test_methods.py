"""HEAD on every GET route, OPTIONS, and a 405 whose `Allow` names every method of the path."""

import httpx
import pytest

from portfolio_api.api.routes import served
from tests.helpers.app import default_app
from tests.helpers.content import CERTIFICATIONS, POSTS, PROJECTS, Callers

ENVELOPE = {"error", "message", "statusCode", "details"}
# Set per response, or by the server: they differ between two answers to the same question.
PER_RESPONSE = {"date", "x-request-id"}


# The query a route cannot answer without.
REQUIRED_QUERY = {"/v1/analytics/export.csv": "?from=2026-11-01&to=2026-11-30"}


def _get_paths(values: dict[str, str]) -> list[str]:
    """Every GET path the app serves, its own pages (docs, assets, the spec) included."""
    paths = {route.path for route in served(default_app().routes) if "GET" in route.methods}
    return [path.format(**values) + REQUIRED_QUERY.get(path, "") for path in sorted(paths)]


def _comparable(response: httpx.Response) -> dict[str, str]:
    return {name: value for name, value in response.headers.items() if name not in PER_RESPONSE}


def test_every_get_route_answers_head_with_its_status_and_headers_and_no_body(
    stopped_api: httpx.Client, callers: Callers
) -> None:
    # GIVEN an app whose clock stands still (a page's ETag changes once its kind's last write is
    # five seconds old: a GET and its HEAD must not fall on either side of that moment)
    api = stopped_api
    # AND a published item of each kind, a preview link, and every GET path filled with them
    post = POSTS.create_published(api, callers.owner)
    preview = api.post(f"{POSTS.path}/{post['id']}/preview-link", headers=callers.owner).json()
    values = {
        "postId": post["id"],
        "slug": post["slug"],
        "projectId": PROJECTS.create_published(api, callers.owner)["id"],
        "certificationId": CERTIFICATIONS.create_published(api, callers.owner)["id"],
        "contentType": "blog",
        "contentId": post["id"],
        "token": preview["token"],
        "tag": post["tags"][0],
    }
    paths = _get_paths(values)
    assert "/docs" in paths
    assert "/v1/blog/posts/slug/{slug}".format(**values) in paths
    for path in paths:
        # WHEN the owner asks for each with GET, then with HEAD
        got = api.get(path, headers=callers.owner)
        head = api.head(path, headers=callers.owner)
        # THEN HEAD has the GET's status and headers (length and ETag included), and no body
        assert got.status_code == 200, path
        assert head.status_code == 200, path
        assert _comparable(head) == _comparable(got), path
        assert head.content == b"", path


def test_head_keeps_the_errors_status_and_headers(api: httpx.Client) -> None:
    # WHEN HEAD asks for a missing post, and for an owner route without a token
    missing = api.head(f"{POSTS.path}/{'0' * 26}")
    unauthenticated = api.head("/v1/analytics/total-views")
    # THEN they are the GET's 404 and 401, headers and all, bodiless
    assert missing.status_code == 404
    assert int(missing.headers["content-length"]) > 0
    assert missing.content == b""
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/v1/blog/posts", "GET, HEAD, OPTIONS, POST"),
        ("PATCH", f"/v1/blog/posts/{'0' * 26}", "DELETE, GET, HEAD, OPTIONS, PUT"),
        ("GET", f"/v1/projects/{'0' * 26}/publish", "OPTIONS, POST"),
        ("PUT", "/v1/auth/login", "OPTIONS, POST"),
        ("HEAD", "/v1/auth/logout", "OPTIONS, POST"),
        ("POST", "/health", "GET, HEAD, OPTIONS"),
    ],
)
def test_a_405_names_every_method_of_the_path(
    api: httpx.Client, method: str, path: str, allow: str
) -> None:
    # WHEN a path is asked with a method it does not serve
    response = api.request(method, path)
    # THEN 405, in the envelope, and Allow lists all it does serve
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        assert set(response.json()) == ENVELOPE


def test_options_without_a_preflight_lists_the_methods(api: httpx.Client) -> None:
    # WHEN OPTIONS asks a path, as a client that is not a browser's preflight
    served = api.options("/v1/blog/posts")
    unknown = api.options("/v1/nowhere")
    # THEN the path's methods, no body; an unknown path is still a 404
    assert served.status_code == 204
    assert served.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert served.content == b""
    assert unknown.status_code == 404


def test_a_preflight_is_still_answered_by_cors(api: httpx.Client) -> None:
    # WHEN a browser on an allowed origin preflights a POST
    response = api.options(
        "/v1/blog/posts",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
    )
    # THEN CORS answers it, as before
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
