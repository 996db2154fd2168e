"""Races settled by DynamoDB (conditions and transactions), on DynamoDB Local, over real HTTP."""

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from tests.helpers.concurrency import at_once
from tests.helpers.content import POSTS, Callers

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def test_fifty_concurrent_creates_with_one_title_all_succeed_with_distinct_slugs(
    api: httpx.Client, callers: Callers
) -> None:
    # WHEN fifty creates with the same title race
    responses = at_once(
        50,
        lambda _: api.post("/v1/blog/posts", json=POSTS.body(title="Race"), headers=callers.owner),
    )
    # THEN all succeed, with fifty different slugs: the title's own, then numbered ones
    assert [response.status_code for response in responses] == [201] * 50
    slugs = [response.json()["slug"] for response in responses]
    assert len(set(slugs)) == 50
    assert "race" in slugs
    assert all(re.fullmatch(r"race-([2-9]|[1-9][0-9]+)", slug) for slug in set(slugs) - {"race"})
    # AND each slug leads to its own post
    for response in responses:
        post = response.json()
        by_slug = api.get(f"/v1/blog/posts/slug/{post['slug']}", headers=callers.owner)
        assert by_slug.status_code == 200
        assert by_slug.json()["id"] == post["id"]


def test_concurrent_updates_with_one_if_match_give_one_200_and_one_412(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a post at version 1
    post = POSTS.create(api, callers.owner)
    url = f"/v1/blog/posts/{post['id']}"
    headers = callers.owner | {"If-Match": '"1"'}
    # WHEN two updates based on version 1 race
    responses = at_once(
        2, lambda index: api.put(url, json={"excerpt": f"Writer {index}"}, headers=headers)
    )
    # THEN exactly one wins, and the stored post is the winner's
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 412]
    winner = next(response.json() for response in responses if response.status_code == 200)
    stored = api.get(url, headers=callers.owner)
    assert stored.json()["excerpt"] == winner["excerpt"]
    assert stored.headers["etag"] == '"2"'


def test_racing_writes_never_split_an_item_from_its_index(
    api: httpx.Client, callers: Callers, dynamodb: "DynamoDBClient", table: str
) -> None:
    # GIVEN a post that many writers change at once, without If-Match
    post = POSTS.create(api, callers.owner)
    url = f"/v1/blog/posts/{post['id']}"
    actions: list[Callable[[], httpx.Response]] = [
        lambda: api.post(f"{url}/publish", headers=callers.owner),
        lambda: api.post(f"{url}/unpublish", headers=callers.owner),
        lambda: api.put(url, json={"category": "Raced"}, headers=callers.owner),
        lambda: api.put(url, json={"slug": "raced-slug"}, headers=callers.owner),
    ]
    responses = at_once(8, lambda index: actions[index % 4]())
    # THEN every answer is a success or a clean conflict, never a 5xx
    assert {response.status_code for response in responses} <= {200, 409}
    # AND the item, its index entry and its slug guard agree
    stored = api.get(url, headers=callers.owner)
    item = stored.json()
    assert stored.headers["etag"] == f'"{1 + sum(r.status_code == 200 for r in responses)}"'
    entry = _index_entry(dynamodb, table, post["id"])
    assert (entry["status"]["S"], entry["category"]["S"]) == (item["status"], item["category"])
    assert api.get(f"/v1/blog/posts/slug/{item['slug']}", headers=callers.owner).json() == item
    other_slug = "raced-slug" if item["slug"] != "raced-slug" else post["slug"]
    assert api.get(f"/v1/blog/posts/slug/{other_slug}", headers=callers.owner).status_code == 404


def _index_entry(client: "DynamoDBClient", table: str, post_id: str) -> dict[str, Any]:
    response = client.query(
        TableName=table,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk AND GSI1SK = :sk",
        ExpressionAttributeValues={":pk": {"S": "POST"}, ":sk": {"S": post_id}},
    )
    (entry,) = response["Items"]
    return dict(entry)
