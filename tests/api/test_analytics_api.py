"""Content views over HTTP on DynamoDB Local: published content only, once a day, ranked."""

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.helpers.content import CERTIFICATIONS, KINDS, POSTS, PROJECTS, Callers, ContentKind
from tests.helpers.visitors import BOT_AGENTS, browser, track_view, views_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

KIND_IDS = [kind.content_type for kind in KINDS]


@pytest.fixture
def api(stopped_api: httpx.Client) -> httpx.Client:
    """Views count once per visitor and UTC day, so no test here may see midnight pass."""
    return stopped_api


def _total_views(api: httpx.Client, callers: Callers) -> int:
    response = api.get("/v1/analytics/total-views", headers=callers.owner)
    assert response.status_code == 200, response.text
    total: int = response.json()["totalViews"]
    return total


def _stats(api: httpx.Client, kind: ContentKind, headers: dict[str, str]) -> dict[str, Any]:
    response = api.get(f"/v1/analytics/views/{kind.content_type}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["contentType"] == kind.content_type
    return body


def _items_of_table(dynamodb: "DynamoDBClient", table: str, pk: str) -> list[Any]:
    response = dynamodb.query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
    )
    return list(response["Items"])


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_a_view_counts_once_per_visitor_a_day(
    api: httpx.Client, callers: Callers, kind: ContentKind
) -> None:
    # GIVEN a published item
    item = kind.create_published(api, callers.owner)
    # WHEN one visitor opens it twice, and another once
    first = track_view(api, kind, item["id"], browser(1))
    again = track_view(api, kind, item["id"], browser(1))
    other = track_view(api, kind, item["id"], browser(2))
    # THEN the first and the other counted, each answer giving the count so far
    assert first.json() == {"views": 1, "tracked": True}
    assert again.json() == {"views": 1, "tracked": False}
    assert other.json() == {"views": 2, "tracked": True}
    # AND anyone reads the same count, and the total has both views
    assert views_of(api, kind, item["id"], callers.anonymous) == 2
    assert _total_views(api, callers) == 2


def test_views_of_drafts_and_invented_ids_are_404_and_write_nothing(
    api: httpx.Client, callers: Callers, dynamodb: "DynamoDBClient", table: str
) -> None:
    # GIVEN a draft post
    draft = POSTS.create(api, callers.owner)
    missing = "01JD0000000000000000000000"
    for item_id in (draft["id"], missing, "not-an-id", "x#y"):
        # WHEN a visitor tracks a view of it
        response = track_view(api, POSTS, item_id, browser(1))
        # THEN 404 in the envelope
        assert response.status_code == 404, item_id
        assert response.json()["statusCode"] == 404
        # AND no counter exists for it
        assert _items_of_table(dynamodb, table, f"VIEWS#POST#{item_id}") == []
    assert _total_views(api, callers) == 0
    assert views_of(api, POSTS, draft["id"], callers.owner) == 0


@pytest.mark.parametrize("agent", BOT_AGENTS[:6])
def test_bot_views_are_not_counted(api: httpx.Client, callers: Callers, agent: str) -> None:
    # GIVEN a published post with one view
    post = POSTS.create_published(api, callers.owner)
    track_view(api, POSTS, post["id"], browser(1))
    # WHEN a bot opens it
    response = track_view(api, POSTS, post["id"], {"User-Agent": agent})
    # THEN it is told the count, which did not move
    assert response.status_code == 200
    assert response.json() == {"views": 1, "tracked": False}


def test_a_bot_asking_about_a_draft_gets_404(api: httpx.Client, callers: Callers) -> None:
    draft = POSTS.create(api, callers.owner)
    response = track_view(api, POSTS, draft["id"], {"User-Agent": BOT_AGENTS[2]})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"contentId": "x", "contentType": "video"},
        {"contentType": "blog"},
        {"contentId": "x"},
        {"contentId": "", "contentType": "blog"},
        {"contentId": 7, "contentType": "blog"},
        {"contentId": "x", "contentType": "blog", "views": 100},
        [],
    ],
)
def test_malformed_track_bodies_are_400(api: httpx.Client, body: Any) -> None:
    # WHEN the body is not a view of known content type
    response = api.post("/v1/analytics/track", json=body, headers=browser(1))
    # THEN 400 in the envelope
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"


@pytest.mark.parametrize(
    "path",
    ["/v1/analytics/views/video", "/v1/analytics/views/videos/01jd0000000000000000000000"],
)
def test_unknown_content_types_in_paths_are_400(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 400
    assert response.json()["details"]["field"] == "contentType"


def test_a_drafts_views_are_hidden_from_all_but_the_owner(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a post that was viewed, then unpublished
    post = POSTS.create_published(api, callers.owner)
    track_view(api, POSTS, post["id"], browser(1))
    assert api.post(f"/v1/blog/posts/{post['id']}/unpublish", headers=callers.owner).is_success
    url = f"/v1/analytics/views/blog/{post['id']}"
    # WHEN each caller asks for its views
    anonymous = api.get(url, headers=callers.anonymous)
    reader = api.get(url, headers=callers.reader)
    owner = api.get(url, headers=callers.owner)
    # THEN only the owner learns they exist
    assert (anonymous.status_code, reader.status_code) == (404, 404)
    assert owner.json() == {"contentId": post["id"], "contentType": "blog", "views": 1}


def test_view_stats_are_public_and_list_only_what_the_caller_may_see(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a published project viewed twice, one never viewed, and a draft
    viewed = PROJECTS.create_published(api, callers.owner)
    unviewed = PROJECTS.create_published(api, callers.owner)
    draft = PROJECTS.create(api, callers.owner)
    for visitor in (1, 2):
        track_view(api, PROJECTS, viewed["id"], browser(visitor))
    # WHEN nobody, then the owner, asks for the project stats
    public = _stats(api, PROJECTS, callers.anonymous)["stats"]
    owners = _stats(api, PROJECTS, callers.owner)["stats"]
    # THEN the public sees the published ones, most viewed first, unviewed as 0
    assert list(public.items()) == [(viewed["id"], 2), (unviewed["id"], 0)]
    # AND the owner also sees the draft
    assert owners == {viewed["id"]: 2, unviewed["id"]: 0, draft["id"]: 0}


def test_top_content_ranks_each_type_with_titles(api: httpx.Client, callers: Callers) -> None:
    # GIVEN three posts viewed 3, 1 and 2 times, and a certification viewed once
    posts = [POSTS.create_published(api, callers.owner, title=f"Post {n}") for n in range(3)]
    for post, views in zip(posts, (3, 1, 2), strict=True):
        for visitor in range(views):
            track_view(api, POSTS, post["id"], browser(visitor))
    certification = CERTIFICATIONS.create_published(api, callers.owner, name="AWS SAA")
    track_view(api, CERTIFICATIONS, certification["id"], browser(1))
    # WHEN the owner asks for the top two of each type
    response = api.get("/v1/analytics/top-content?limit=2", headers=callers.owner)
    # THEN each type is ranked, highest first, cut at the limit
    assert response.status_code == 200, response.text
    top = response.json()
    assert top["blogs"] == [
        {"contentId": posts[0]["id"], "views": 3, "title": "Post 0"},
        {"contentId": posts[2]["id"], "views": 2, "title": "Post 2"},
    ]
    assert top["certifications"] == [
        {"contentId": certification["id"], "views": 1, "title": "AWS SAA"}
    ]
    assert top["projects"] == []
    assert _total_views(api, callers) == 7


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_deleting_content_removes_its_counter_from_every_list(
    api: httpx.Client,
    callers: Callers,
    kind: ContentKind,
    dynamodb: "DynamoDBClient",
    table: str,
) -> None:
    # GIVEN a viewed item
    item = kind.create_published(api, callers.owner)
    track_view(api, kind, item["id"], browser(1))
    # WHEN the owner deletes it
    assert api.delete(f"{kind.path}/{item['id']}", headers=callers.owner).status_code == 204
    # THEN its counter is gone, and no ranking or stats list it
    entity = {"blog": "POST", "project": "PROJECT", "certification": "CERTIFICATION"}
    assert _items_of_table(dynamodb, table, f"VIEWS#{entity[kind.content_type]}#{item['id']}") == []
    top = api.get("/v1/analytics/top-content", headers=callers.owner).json()
    assert all(stat["contentId"] != item["id"] for stats in top.values() for stat in stats)
    assert item["id"] not in _stats(api, kind, callers.owner)["stats"]
    # AND its views can no longer be asked for
    url = f"/v1/analytics/views/{kind.content_type}/{item['id']}"
    assert api.get(url, headers=callers.owner).status_code == 404


@pytest.mark.parametrize("path", ["/v1/analytics/top-content", "/v1/analytics/total-views"])
def test_dashboard_figures_are_for_the_owner_only(
    api: httpx.Client, callers: Callers, path: str
) -> None:
    assert api.get(path, headers=callers.anonymous).status_code == 401
    assert api.get(path, headers=callers.reader).status_code == 403
    assert api.get(path, headers=callers.owner).status_code == 200


@pytest.mark.parametrize("limit", ["0", "21", "-1", "many"])
def test_top_content_limits_out_of_range_are_400(
    api: httpx.Client, callers: Callers, limit: str
) -> None:
    response = api.get(f"/v1/analytics/top-content?limit={limit}", headers=callers.owner)
    assert response.status_code == 400
    assert response.json()["details"]["field"] == "limit"
