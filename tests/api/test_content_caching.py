"""Public reads: `ETag`, `Cache-Control`, 304, and lists dated by their kind's generation.

Reads go to an app of their own (`reader`), on a DynamoDB client whose calls the test records
and on a clock the test moves past the settling time; writes go through `api`, as another
Lambda's would, so a warm reader must notice them through the generation alone.
"""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import PROJECTS as KIND_PROJECTS
from tests.helpers.concurrency import at_once
from tests.helpers.content import CERTIFICATIONS, KINDS, POSTS, PROJECTS, Callers, ContentKind
from tests.helpers.reader import ONE_GET, Reader

PUBLIC = "public, max-age=60, stale-while-revalidate=300"
PRIVATE = "private, no-store"
# The field each kind's update changes, visible in its list.
CHANGED_FIELD = {"posts": "excerpt", "projects": "description", "certifications": "description"}


def _ids(response: httpx.Response, kind: ContentKind) -> list[str]:
    return [item["id"] for item in response.json()[kind.items_field]]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.items_field)
def test_a_repeated_anonymous_list_costs_one_consistent_get_whether_200_or_304(
    api: httpx.Client, callers: Callers, reader: Reader, kind: ContentKind
) -> None:
    # GIVEN a published item, and a list read once the write has settled
    kind.create_published(api, callers.owner)
    reader.settle()
    first, first_calls = reader.get(kind.path)
    assert "Query" in first_calls
    # WHEN the same list is read again, plainly and with If-None-Match
    again, again_calls = reader.get(kind.path)
    unchanged, unchanged_calls = reader.get(kind.path, **{"If-None-Match": first.headers["ETag"]})
    # THEN both cost the one read of the generation item: no Query, no BatchGet
    assert again_calls == ONE_GET
    assert unchanged_calls == ONE_GET
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["ETag"] == first.headers["ETag"]
    assert first.headers["ETag"].startswith('W/"')
    # AND the 304 has no body, and the caching headers of the 200
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    for answer in (first, again, unchanged):
        assert answer.headers["Cache-Control"] == PUBLIC
        vary = sorted(name.strip().lower() for name in answer.headers["Vary"].split(","))
        assert vary == ["authorization", "origin"]  # each once: CORS adds Origin
    assert unchanged.headers["ETag"] == first.headers["ETag"]


def _update(kind: ContentKind) -> Callable[[httpx.Client, dict[str, str], str], object]:
    field = CHANGED_FIELD[kind.items_field]
    return lambda api, owner, item_id: api.put(
        f"{kind.path}/{item_id}", json={field: "Changed since"}, headers=owner
    )


WRITES: dict[
    str, Callable[[ContentKind], Callable[[httpx.Client, dict[str, str], str], object]]
] = {
    "create": lambda kind: lambda api, owner, _: kind.create(api, owner),
    "update": _update,
    "publish": lambda kind: (
        lambda api, owner, item_id: kind.publish(api, owner, kind.create(api, owner)["id"])
    ),
    "unpublish": lambda kind: (
        lambda api, owner, item_id: api.post(f"{kind.path}/{item_id}/unpublish", headers=owner)
    ),
    "delete": lambda kind: (
        lambda api, owner, item_id: api.delete(f"{kind.path}/{item_id}", headers=owner)
    ),
}
# What the anonymous list shows after each write, given one published item.
SHOWN_AFTER = {"create": 1, "update": 1, "publish": 2, "unpublish": 0, "delete": 0}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.items_field)
def test_every_write_bumps_the_generation_so_the_next_read_is_fresh(
    api: httpx.Client, callers: Callers, reader: Reader, kind: ContentKind, write: str
) -> None:
    # GIVEN a published item, and its list as a warm reader holds it
    item = kind.create_published(api, callers.owner)
    reader.settle()
    before, _ = reader.get(kind.path)
    # WHEN the owner writes, through another instance of the app
    WRITES[write](kind)(api, callers.owner, item["id"])
    reader.settle()
    # THEN the reader's next read, naming what it held, is a 200 with a new tag and new content
    after, calls = reader.get(kind.path, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Query" in calls
    assert after.json()["total"] == SHOWN_AFTER[write]
    if write == "update":
        assert after.json()[kind.items_field][0][CHANGED_FIELD[kind.items_field]] == "Changed since"


def test_a_list_read_right_after_a_write_is_tagged_by_its_content_and_not_kept(
    api: httpx.Client, callers: Callers, reader: Reader
) -> None:
    # GIVEN a post published just now: the list index may not show it yet
    POSTS.create_published(api, callers.owner)
    # WHEN the list is read twice before the write has settled
    first, first_calls = reader.get(POSTS.path)
    second, second_calls = reader.get(POSTS.path, **{"If-None-Match": first.headers["ETag"]})
    # THEN each is built afresh; the same content keeps the same tag, so a 304 is still right
    assert "Query" in first_calls
    assert "Query" in second_calls
    assert second.status_code == 304
    # AND once settled the list takes its generation's tag, which no unsettled page had
    reader.settle()
    settled, _ = reader.get(POSTS.path, **{"If-None-Match": first.headers["ETag"]})
    assert settled.status_code == 200
    assert settled.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("caller", ["reader", "owner"])
def test_signed_in_reads_are_private_and_never_from_memory(
    api: httpx.Client, callers: Callers, reader: Reader, caller: str
) -> None:
    # GIVEN a published post, settled
    POSTS.create_published(api, callers.owner)
    reader.settle()
    headers = callers.named(caller)
    # WHEN a signed-in caller lists posts twice, then with If-None-Match
    first, _ = reader.get(POSTS.path, **headers)
    _, second_calls = reader.get(POSTS.path, **headers)
    unchanged, unchanged_calls = reader.get(
        POSTS.path, **headers, **{"If-None-Match": first.headers["ETag"]}
    )
    # THEN no answer may be stored, the second is built afresh, and a 304 still needs no page
    assert first.headers["Cache-Control"] == PRIVATE
    assert "Query" in second_calls
    assert (unchanged.status_code, unchanged.headers["Cache-Control"]) == (304, PRIVATE)
    # (the token's revocation record is one more GetItem)
    assert not {"Query", "BatchGetItem"} & set(unchanged_calls)
    # AND the anonymous list is tagged apart from the signed-in one
    anonymous, _ = reader.get(POSTS.path)
    assert anonymous.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(
    ("header", "status"),
    [('"V"', 304), ('W/"V"', 304), ("*", 304), ('"9", W/"V"', 304), ('"1"', 200), ("V", 200)],
)
@pytest.mark.parametrize("by", ["id", "slug"])
def test_an_item_answers_304_to_its_own_version_compared_weakly(
    api: httpx.Client, callers: Callers, reader: Reader, *, header: str, status: int, by: str
) -> None:
    # GIVEN a published post (version 2)
    post = POSTS.create_published(api, callers.owner)
    path = f"{POSTS.path}/{post['id']}" if by == "id" else f"{POSTS.path}/slug/{post['slug']}"
    current = reader.get(path)[0].headers["ETag"]
    # WHEN it is read with If-None-Match naming its version (weak or strong), another, or any
    response, _ = reader.get(path, **{"If-None-Match": header.replace("V", "2")})
    # THEN a match is a 304 with no body and the caching headers; anything else the post
    assert current == '"2"'
    assert response.status_code == status
    assert response.headers["ETag"] == current
    assert response.headers["Cache-Control"] == PUBLIC
    assert (response.content == b"") is (status == 304)


def test_categories_are_dated_by_the_posts_generation(
    api: httpx.Client, callers: Callers, reader: Reader
) -> None:
    # GIVEN the categories as a warm reader holds them
    POSTS.create_published(api, callers.owner, category="Backend")
    reader.settle()
    first, _ = reader.get("/v1/blog/categories")
    # WHEN they are asked again naming that tag, then after a post of a new category
    unchanged, calls = reader.get("/v1/blog/categories", **{"If-None-Match": first.headers["ETag"]})
    POSTS.create_published(api, callers.owner, category="Cloud")
    reader.settle()
    changed, _ = reader.get("/v1/blog/categories", **{"If-None-Match": first.headers["ETag"]})
    # THEN the first is a 304 for one small read, the second the new list
    assert (unchanged.status_code, calls) == (304, ONE_GET)
    assert first.headers["Cache-Control"] == PUBLIC
    assert changed.status_code == 200
    assert changed.json() == {"categories": ["Backend", "Cloud"]}


@pytest.mark.parametrize(
    "path", ["/v1/analytics/views/certification/{id}", "/v1/analytics/views/certification"]
)
def test_view_counts_carry_a_tag_of_their_own_and_answer_304(
    api: httpx.Client, callers: Callers, reader: Reader, path: str
) -> None:
    # GIVEN a published certification, its views read once
    item = CERTIFICATIONS.create_published(api, callers.owner)
    path = path.format(id=item["id"])
    first, _ = reader.get(path)
    # WHEN they are read again naming that tag
    unchanged, _ = reader.get(path, **{"If-None-Match": first.headers["ETag"]})
    # THEN nothing has changed: 304, publicly cacheable
    assert first.headers["Cache-Control"] == PUBLIC
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["ETag"] == first.headers["ETag"]


def test_a_browser_may_send_if_none_match_and_read_the_etag(reader: Reader) -> None:
    # WHEN a page of an allowed origin asks before sending If-None-Match
    origin = "http://localhost:5173"
    preflight = reader.http.options(
        POSTS.path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    answer = reader.http.get(POSTS.path, headers={"Origin": origin})
    # THEN the header is allowed, and the ETag readable from JavaScript
    assert preflight.status_code == 200
    assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()
    assert "etag" in answer.headers["access-control-expose-headers"].lower()


def _published(api: httpx.Client, owner: dict[str, str], count: int, **overrides: Any) -> None:
    for number in range(count):
        POSTS.create_published(api, owner, title=f"Large post {number}", **overrides)


def test_a_page_of_large_posts_stops_under_5_mb_and_says_where_the_next_starts(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN 16 published posts of 340 KB each: 5.4 MB in all
    _published(api, callers.owner, 16, content="x" * 340_000)
    # WHEN anonymous pages are read from the start, each where the last said the next begins
    pages, offset = [], 0
    while offset is not None:
        response = api.get(POSTS.path, params={"limit": 100, "offset": offset})
        assert len(response.content) <= 5_000_000
        pages.append(response.json())
        offset = response.json()["nextOffset"]
    # THEN the first stops short of the limit, and all pages together hold every post once
    assert len(pages) == 2
    assert 0 < len(pages[0]["posts"]) < 16
    assert pages[0]["nextOffset"] == len(pages[0]["posts"])
    assert all(page["total"] == 16 for page in pages)
    ids = [post["id"] for page in pages for post in page["posts"]]
    assert len(set(ids)) == 16


@pytest.mark.parametrize(("offset", "expected"), [(0, 2), (2, None), (5, None)])
def test_next_offset_follows_limit_when_items_are_small(
    api: httpx.Client, callers: Callers, offset: int, expected: int | None
) -> None:
    # GIVEN three published posts
    _published(api, callers.owner, 3)
    # WHEN a page of two is read at an offset
    page = api.get(POSTS.path, params={"limit": 2, "offset": offset}).json()
    # THEN it says where the next page starts, or null after the last
    assert page["nextOffset"] == expected


def test_racing_writes_of_one_kind_all_land_and_all_move_the_generation(
    api: httpx.Client, callers: Callers, reader: Reader, settings: Settings
) -> None:
    # GIVEN the owner's projects list as a reader holds it: empty
    listed = f"{PROJECTS.path}?status=all"
    before, _ = reader.get(listed, **callers.owner)
    # WHEN eight creates of the kind race, each a transaction holding the generation item
    responses = at_once(
        8,
        lambda n: api.post(
            PROJECTS.path, json=PROJECTS.body(name=f"Race {n}"), headers=callers.owner
        ),
    )
    # THEN every create landed, none lost to the shared item, and each moved the generation
    assert [response.status_code for response in responses] == [201] * 8
    after, _ = reader.get(listed, **callers.owner)
    assert (before.json()["total"], after.json()["total"]) == (0, 8)
    repository = ContentRepository(
        client=reader.client,
        table_name=settings.dynamodb_table_name,
        clock=reader.clock,
        kind=KIND_PROJECTS,
    )
    assert repository.generation().number == 8
