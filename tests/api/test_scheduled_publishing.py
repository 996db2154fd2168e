"""Scheduled publishing: `POST …/publish` with `publishAt`, and every read path on the clock.

The owner writes through `api` (the real clock); anonymous reads go to an app of their own
(`reader`) on a clock the test moves past the scheduled time, with no write in between: what
turns a scheduled item visible is the clock alone, never a cron.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from portfolio_api.core.clock import iso_utc
from tests.helpers.clock import FakeClock
from tests.helpers.content import KINDS, POSTS, Callers, ContentKind
from tests.helpers.reader import ONE_GET, SETTLED, Reader
from tests.helpers.visitors import browser, track_view

AHEAD = 60  # seconds between the publication and the time it is scheduled for


def _later(seconds: int = AHEAD) -> str:
    return iso_utc(datetime.now(UTC) + timedelta(seconds=seconds))


def _schedule(
    api: httpx.Client, owner: dict[str, str], kind: ContentKind, item_id: str, at: str
) -> httpx.Response:
    return api.post(f"{kind.path}/{item_id}/publish", json={"publishAt": at}, headers=owner)


def _scheduled(
    api: httpx.Client, callers: Callers, kind: ContentKind, **overrides: Any
) -> dict[str, Any]:
    item = kind.create(api, callers.owner, **overrides)
    response = _schedule(api, callers.owner, kind, item["id"], _later())
    assert response.status_code == 200, response.text
    scheduled: dict[str, Any] = response.json()
    return scheduled


def _seen(http: httpx.Client, kind: ContentKind, item: dict[str, Any]) -> dict[str, object]:
    """What an anonymous visitor finds of `item` on each read path."""
    listed = http.get(kind.path).json()
    stats = http.get(f"/v1/analytics/views/{kind.content_type}").json()["stats"]
    seen: dict[str, object] = {
        "listed": item["id"] in {shown["id"] for shown in listed[kind.items_field]},
        "total": listed["total"],
        "by id": http.get(f"{kind.path}/{item['id']}").status_code,
        "stats": item["id"] in stats,
        "track": track_view(http, kind, item["id"], browser(1)).status_code,
        "sitemap": _page_of(kind, item) in http.get("/v1/sitemap.xml").text,
    }
    if kind is POSTS:
        seen["by slug"] = http.get(f"{kind.path}/slug/{item['slug']}").status_code
        seen["categories"] = http.get("/v1/blog/categories").json()["categories"]
        seen["feed"] = _page_of(kind, item) in http.get("/v1/blog/rss.xml").text
        seen["tag feed"] = (
            _page_of(kind, item) in http.get(f"/v1/blog/tags/{item['tags'][0]}/rss.xml").text
        )
    return seen


def _page_of(kind: ContentKind, item: dict[str, Any]) -> str:
    """The item's page on the site, as feeds and the sitemap link to it (the default patterns)."""
    return f"/blog/{item['slug']}" if kind is POSTS else f"/{kind.path.split('/')[-1]}/{item['id']}"


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.items_field)
def test_a_scheduled_item_appears_on_every_read_path_when_its_time_comes(
    stopped_api: httpx.Client, stopped_clock: FakeClock, callers: Callers, kind: ContentKind
) -> None:
    # GIVEN an item scheduled a minute ahead of the app's clock
    at = (stopped_clock.now() + timedelta(seconds=AHEAD)).replace(microsecond=0)
    overrides = {"category": "Launches"} if kind is POSTS else {}
    item = kind.create(stopped_api, callers.owner, **overrides)
    scheduled = _schedule(stopped_api, callers.owner, kind, item["id"], iso_utc(at))
    assert scheduled.status_code == 200, scheduled.text
    # WHEN anonymous visitors look a second before its time, and at its time, with no write
    stopped_clock.move_to(at - timedelta(seconds=1))
    before = _seen(stopped_api, kind, item)
    stopped_clock.move_to(at)
    after = _seen(stopped_api, kind, item)
    # THEN it was nowhere before, its view not counted, and everywhere after
    hidden: dict[str, object] = {
        "listed": False, "total": 0, "by id": 404, "stats": False, "track": 404, "sitemap": False
    }  # fmt: skip
    shown: dict[str, object] = {
        "listed": True, "total": 1, "by id": 200, "stats": True, "track": 200, "sitemap": True
    }  # fmt: skip
    if kind is POSTS:
        hidden |= {"by slug": 404, "categories": [], "feed": False, "tag feed": False}
        shown |= {"by slug": 200, "categories": ["Launches"], "feed": True, "tag feed": True}
    assert before == hidden
    assert after == shown


def test_a_kept_list_page_and_its_etag_change_when_a_scheduled_time_passes(
    api: httpx.Client, callers: Callers, reader: Reader
) -> None:
    # GIVEN a live post and a scheduled one, and the list as a warm reader holds it
    live = POSTS.create_published(api, callers.owner)
    _scheduled(api, callers, POSTS, title="Soon")
    reader.clock.sleep(SETTLED)
    first, _ = reader.get(POSTS.path)
    kept, kept_calls = reader.get(POSTS.path, **{"If-None-Match": first.headers["ETag"]})
    # WHEN the scheduled time passes, with no write, and the list is asked for again
    reader.clock.sleep(AHEAD)
    changed, changed_calls = reader.get(POSTS.path, **{"If-None-Match": first.headers["ETag"]})
    again, again_calls = reader.get(POSTS.path, **{"If-None-Match": changed.headers["ETag"]})
    # THEN until then the page came from memory; then it was rebuilt under a new tag
    assert (kept.status_code, kept_calls) == (304, ONE_GET)
    assert [post["id"] for post in first.json()["posts"]] == [live["id"]]
    assert changed.status_code == 200
    assert "Query" in changed_calls
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert [post["title"] for post in changed.json()["posts"]] == ["Soon", live["title"]]
    assert changed.json()["total"] == 2
    # AND the new page is kept in its turn: a 304 for the one read of the generation item
    assert (again.status_code, again_calls) == (304, ONE_GET)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.items_field)
def test_the_owner_sees_that_an_item_is_scheduled_and_when(
    stopped_api: httpx.Client, stopped_clock: FakeClock, callers: Callers, kind: ContentKind
) -> None:
    # GIVEN an item scheduled a minute ahead of the app's clock
    at = iso_utc(stopped_clock.now() + timedelta(seconds=AHEAD))
    item = kind.create(stopped_api, callers.owner)
    published = _schedule(stopped_api, callers.owner, kind, item["id"], at).json()
    # WHEN the owner reads it, by id and in the lists, before and after its time
    by_id = stopped_api.get(f"{kind.path}/{item['id']}", headers=callers.owner).json()
    listed = stopped_api.get(f"{kind.path}?status=all", headers=callers.owner).json()
    stopped_clock.advance(AHEAD)
    live = stopped_api.get(f"{kind.path}/{item['id']}", headers=callers.owner).json()
    anonymous = stopped_api.get(f"{kind.path}/{item['id']}").json()
    # THEN until then each answer says it is published for `publishAt`
    for answer in (published, by_id, listed[kind.items_field][0]):
        assert (answer["status"], answer["publishAt"]) == ("published", at)
    # AND afterwards the owner's item and the anonymous one have the shape of any live item
    assert "publishAt" not in live
    assert live == anonymous
    assert set(anonymous) == set(published) - {"publishAt"}


def test_a_scheduled_post_is_dated_by_its_time(
    stopped_api: httpx.Client, stopped_clock: FakeClock, callers: Callers
) -> None:
    # GIVEN a post scheduled for the next day
    at = stopped_clock.now() + timedelta(days=1)
    post = POSTS.create(stopped_api, callers.owner)
    # WHEN it is scheduled
    published = _schedule(stopped_api, callers.owner, POSTS, post["id"], iso_utc(at)).json()
    # THEN its publication date is that day's
    assert published["publishedAt"] == at.date().isoformat()


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.items_field)
def test_a_scheduled_item_can_be_rescheduled_published_now_or_unpublished(
    api: httpx.Client, callers: Callers, kind: ContentKind
) -> None:
    # GIVEN a scheduled item
    item = _scheduled(api, callers, kind)
    path = f"{kind.path}/{item['id']}"
    # WHEN it is scheduled again, unpublished, scheduled, then published now
    an_hour_ahead = _later(3600)
    moved = _schedule(api, callers.owner, kind, item["id"], an_hour_ahead)
    drafted = api.post(f"{path}/unpublish", headers=callers.owner)
    _schedule(api, callers.owner, kind, item["id"], _later())
    now = api.post(f"{path}/publish", headers=callers.owner)
    # THEN each is a 200 with the item's state; the last made it live for everyone
    assert (moved.status_code, moved.json()["publishAt"]) == (200, an_hour_ahead)
    assert drafted.status_code == 200
    assert drafted.json()["status"] == "draft"
    assert "publishAt" not in drafted.json()
    assert now.status_code == 200
    assert "publishAt" not in now.json()
    assert api.get(path).status_code == 200


@pytest.mark.parametrize("body", [None, {"publishAt": None}, {}], ids=str)
def test_publishing_a_live_item_stays_a_conflict(
    api: httpx.Client, callers: Callers, body: dict[str, Any] | None
) -> None:
    # GIVEN a live post
    post = POSTS.create_published(api, callers.owner)
    # WHEN it is published again, now or for later
    path = f"{POSTS.path}/{post['id']}/publish"
    again = api.post(path, json=body, headers=callers.owner)
    later = _schedule(api, callers.owner, POSTS, post["id"], _later())
    # THEN both are 409s: unpublish it first
    assert again.status_code == 409
    assert later.status_code == 409
    assert later.json()["statusCode"] == 409


def test_a_publish_at_that_has_passed_publishes_now(api: httpx.Client, callers: Callers) -> None:
    # GIVEN a draft post
    post = POSTS.create(api, callers.owner)
    # WHEN it is published for a time an hour ago
    response = _schedule(api, callers.owner, POSTS, post["id"], _later(-3600))
    # THEN it is live at once, dated by the publication itself, not backdated
    assert response.status_code == 200, response.text
    published = response.json()
    assert "publishAt" not in published
    assert api.get(f"{POSTS.path}/{post['id']}").status_code == 200
    assert published["publishedAt"] == published["updatedAt"][:10]


@pytest.mark.parametrize(
    "body",
    [
        {"publishAt": "2030-01-01T09:00:00"},
        {"publishAt": "2030-01-01T09:00:00+02:00"},
        {"publishAt": "2030-01-01"},
        {"publishAt": "tomorrow"},
        {"publishAt": 1893488400},
        {"publishAt": "2030-13-01T09:00:00Z"},
        {"publishAt": ["2030-01-01T09:00:00Z"]},
        {"publishAt": "2030-01-01T09:00:00Z", "status": "published"},
    ],
    ids=str,
)
def test_a_publish_at_that_is_not_a_utc_time_is_refused(
    api: httpx.Client, callers: Callers, body: dict[str, Any]
) -> None:
    # GIVEN a draft post
    post = POSTS.create(api, callers.owner)
    # WHEN it is published with a time that is not ISO-8601 in UTC, or with more than a time
    response = api.post(f"{POSTS.path}/{post['id']}/publish", json=body, headers=callers.owner)
    # THEN it is a 400 in the envelope, and the post stays a draft
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error", "message", "statusCode", "details"}
    owner_view = api.get(f"{POSTS.path}/{post['id']}", headers=callers.owner).json()
    assert owner_view["status"] == "draft"


def test_a_publish_at_in_another_spelling_of_utc_is_kept_to_the_second(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a draft post
    post = POSTS.create(api, callers.owner)
    # WHEN it is scheduled with `+00:00` and fractions of a second
    response = _schedule(api, callers.owner, POSTS, post["id"], "2099-05-01T09:30:15.250+00:00")
    # THEN the time is stored as every stored time is
    assert response.status_code == 200, response.text
    assert response.json()["publishAt"] == "2099-05-01T09:30:15Z"
