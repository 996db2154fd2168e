"""Every content route, tried by the three callers: nobody, a signed-in reader, the owner."""

from dataclasses import dataclass

import httpx
import pytest

from tests.helpers.content import KINDS, POSTS, Callers, ContentKind

CALLERS = ("anonymous", "reader", "owner")


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # {kind} the collection, {published} / {draft} an item's id, {slug...} a slug
    expected: tuple[int, int, int]  # anonymous, reader, owner
    body: bool = False


ROUTES = (
    Route("list published", "GET", "{kind}", (200, 200, 200)),
    Route("list drafts", "GET", "{kind}?status=draft", (401, 403, 200)),
    Route("list all", "GET", "{kind}?status=all", (401, 403, 200)),
    Route("get published", "GET", "{kind}/{published}", (200, 200, 200)),
    Route("get draft", "GET", "{kind}/{draft}", (404, 404, 200)),
    Route("create", "POST", "{kind}", (401, 403, 201), body=True),
    Route("update", "PUT", "{kind}/{draft}", (401, 403, 200), body=True),
    Route("publish", "POST", "{kind}/{draft}/publish", (401, 403, 200)),
    Route("unpublish", "POST", "{kind}/{published}/unpublish", (401, 403, 200)),
    Route("delete", "DELETE", "{kind}/{draft}", (401, 403, 204)),
)
POST_ROUTES = (
    Route("by slug, published", "GET", "{kind}/slug/{published_slug}", (200, 200, 200)),
    Route("by slug, draft", "GET", "{kind}/slug/{draft_slug}", (404, 404, 200)),
    Route("categories", "GET", "/v1/blog/categories", (200, 200, 200)),
)
CASES = [
    pytest.param(kind, route, id=f"{kind.items_field}: {route.name}")
    for kind in KINDS
    for route in ROUTES
] + [pytest.param(POSTS, route, id=f"posts: {route.name}") for route in POST_ROUTES]


@pytest.mark.parametrize(("kind", "route"), CASES)
def test_who_may_do_what(
    api: httpx.Client, callers: Callers, kind: ContentKind, route: Route
) -> None:
    # GIVEN one published item and one draft
    published = kind.publish(api, callers.owner, kind.create(api, callers.owner)["id"])
    draft = kind.create(api, callers.owner, **_distinct(kind))
    path = route.path.format(
        kind=kind.path,
        published=published["id"],
        draft=draft["id"],
        published_slug=published.get("slug"),
        draft_slug=draft.get("slug"),
    )
    body = kind.body(**_distinct(kind)) if route.method == "POST" else _change(kind)
    # WHEN each caller tries the route (the owner last: the owner's call may change things)
    statuses = tuple(
        api.request(
            route.method,
            path,
            headers=callers.named(caller),
            json=body if route.body else None,
        ).status_code
        for caller in CALLERS
    )
    # THEN each gets what the rules say
    assert statuses == route.expected


def _distinct(kind: ContentKind) -> dict[str, str]:
    return {"title": "Another title"} if kind is POSTS else {"name": "Another name"}


def _change(kind: ContentKind) -> dict[str, str]:
    return {"excerpt": "Changed"} if kind is POSTS else {"description": "Changed"}


@pytest.mark.parametrize("kind", KINDS, ids=[kind.items_field for kind in KINDS])
def test_lists_show_drafts_only_to_the_owner(
    api: httpx.Client, callers: Callers, kind: ContentKind
) -> None:
    # GIVEN a published item and a draft
    published = kind.publish(api, callers.owner, kind.create(api, callers.owner)["id"])
    draft = kind.create(api, callers.owner, **_distinct(kind))

    def ids(caller: str, status: str) -> list[str]:
        response = api.get(kind.path, params={"status": status}, headers=callers.named(caller))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()[kind.items_field]]

    # WHEN / THEN anonymous callers and readers see the published item only
    assert ids("anonymous", "published") == [published["id"]]
    assert ids("reader", "published") == [published["id"]]
    # AND the owner sees drafts when asking for them
    assert ids("owner", "draft") == [draft["id"]]
    assert sorted(ids("owner", "all")) == sorted([published["id"], draft["id"]])
    assert ids("owner", "published") == [published["id"]]


def test_an_invalid_token_reads_public_routes_as_anonymous(api: httpx.Client) -> None:
    response = api.get("/v1/blog/posts", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
