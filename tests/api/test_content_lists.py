"""Lists: filters before paging, totals, and each kind's order."""

from typing import Any

import httpx
import pytest

from tests.helpers.clock import FastForwardClock
from tests.helpers.content import CERTIFICATIONS, POSTS, PROJECTS, Callers, ContentKind


@pytest.fixture
def api(timed_api: httpx.Client) -> httpx.Client:
    """Lists order by timestamps to the second: these tests move the app's clock between writes."""
    return timed_api


def _published(
    api: httpx.Client, callers: Callers, kind: ContentKind, **overrides: Any
) -> dict[str, Any]:
    return kind.publish(api, callers.owner, kind.create(api, callers.owner, **overrides)["id"])


def _ids(response: httpx.Response, field: str) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()[field]]


def test_filters_apply_before_paging(api: httpx.Client, callers: Callers) -> None:
    # GIVEN 5 python posts among 10
    python = [_published(api, callers, POSTS, title=f"P{n}", tags=["Python"]) for n in range(5)]
    for n in range(5):
        _published(api, callers, POSTS, title=f"G{n}", tags=["go"])
    # WHEN the second page of 2 python posts is asked for
    response = api.get("/v1/blog/posts", params={"tag": "python", "limit": 2, "offset": 2})
    # THEN the page is full, and the total counts every python post
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 2)
    newest_first = [post["id"] for post in reversed(python)]
    assert _ids(response, "posts") == newest_first[2:4]
    # AND a page past the end is empty, with the same total
    past = api.get("/v1/blog/posts", params={"tag": "python", "offset": 10}).json()
    assert (past["posts"], past["total"]) == ([], 5)


def test_posts_filter_by_category_and_tag(api: httpx.Client, callers: Callers) -> None:
    cloud = _published(api, callers, POSTS, title="A", category="Cloud", tags=["aws"])
    _published(api, callers, POSTS, title="B", category="Backend", tags=["aws"])
    _published(api, callers, POSTS, title="C", category="Cloud", tags=["gcp"])
    response = api.get("/v1/blog/posts", params={"category": "cloud", "tag": "AWS"})
    assert _ids(response, "posts") == [cloud["id"]]


def test_posts_order_by_publication_not_creation(
    api: httpx.Client, callers: Callers, clock: FastForwardClock
) -> None:
    # GIVEN an older draft published after a newer one
    older = POSTS.create(api, callers.owner, title="Older")
    newer = _published(api, callers, POSTS, title="Newer")
    clock.sleep(5)
    older = POSTS.publish(api, callers.owner, older["id"])
    # THEN the one published last comes first
    assert _ids(api.get("/v1/blog/posts"), "posts") == [older["id"], newer["id"]]


def test_projects_list_featured_first_then_newest(api: httpx.Client, callers: Callers) -> None:
    plain_old = _published(api, callers, PROJECTS, name="Old", featured=False)
    featured = _published(api, callers, PROJECTS, name="Star", featured=True)
    plain_new = _published(api, callers, PROJECTS, name="New", featured=False)
    response = api.get("/v1/projects")
    assert _ids(response, "projects") == [featured["id"], plain_new["id"], plain_old["id"]]
    assert _ids(api.get("/v1/projects?featured=true"), "projects") == [featured["id"]]
    assert _ids(api.get("/v1/projects?featured=false"), "projects") == [
        plain_new["id"],
        plain_old["id"],
    ]


def test_certifications_by_date_earned_with_filters(api: httpx.Client, callers: Callers) -> None:
    old = _published(api, callers, CERTIFICATIONS, name="Old", dateEarned="2020-01-01")
    recent = _published(api, callers, CERTIFICATIONS, name="Recent", dateEarned="2025-06-01")
    course = _published(
        api, callers, CERTIFICATIONS, name="Course", type="course", featured=False,
        dateEarned="2023-03-03",
    )  # fmt: skip
    everything = api.get("/v1/certifications")
    assert _ids(everything, "certifications") == [recent["id"], course["id"], old["id"]]
    courses = api.get("/v1/certifications", params={"type": "course"})
    assert _ids(courses, "certifications") == [course["id"]]
    featured_certs = api.get(
        "/v1/certifications", params={"type": "certification", "featured": True}
    )
    assert _ids(featured_certs, "certifications") == [recent["id"], old["id"]]


def test_drafts_list_by_last_change(
    api: httpx.Client, callers: Callers, clock: FastForwardClock
) -> None:
    # GIVEN two drafts, the older one edited last
    first = POSTS.create(api, callers.owner, title="First")
    second = POSTS.create(api, callers.owner, title="Second")
    clock.sleep(5)
    api.put(f"/v1/blog/posts/{first['id']}", json={"excerpt": "Edited"}, headers=callers.owner)
    # WHEN the owner lists drafts, THEN the last edited comes first
    drafts = api.get("/v1/blog/posts", params={"status": "draft"}, headers=callers.owner)
    assert _ids(drafts, "posts") == [first["id"], second["id"]]


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "offset=-1", "status=deleted", "limit=abc", "featured=maybe"],
)
def test_bad_list_parameters_are_400(api: httpx.Client, query: str) -> None:
    response = api.get(f"/v1/projects?{query}")
    assert response.status_code == 400
    assert response.json()["details"]["field"] == query.split("=", maxsplit=1)[0]


def test_unknown_certification_type_is_400(api: httpx.Client) -> None:
    response = api.get("/v1/certifications?type=degree")
    assert response.status_code == 400
    assert response.json()["details"]["field"] == "type"
