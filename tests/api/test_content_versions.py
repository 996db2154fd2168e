"""Optimistic concurrency: the ETag is the version, and If-Match guards every write."""

import httpx
import pytest

from tests.helpers.content import KINDS, POSTS, Callers, ContentKind

KIND_IDS = [kind.items_field for kind in KINDS]


def _change(kind: ContentKind, value: str) -> dict[str, str]:
    return {"excerpt": value} if kind is POSTS else {"description": value}


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_every_write_moves_the_etag(api: httpx.Client, callers: Callers, kind: ContentKind) -> None:
    created = api.post(kind.path, json=kind.body(), headers=callers.owner)
    url = f"{kind.path}/{created.json()['id']}"
    etags = [created.headers["etag"]]
    for response in (
        api.put(url, json=_change(kind, "One"), headers=callers.owner),
        api.post(f"{url}/publish", headers=callers.owner),
        api.post(f"{url}/unpublish", headers=callers.owner),
    ):
        assert response.status_code == 200
        etags.append(response.headers["etag"])
    assert etags == ['"1"', '"2"', '"3"', '"4"']
    assert api.get(url, headers=callers.owner).headers["etag"] == '"4"'


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_a_stale_if_match_is_412_and_changes_nothing(
    api: httpx.Client, callers: Callers, kind: ContentKind
) -> None:
    # GIVEN an item someone changed after we read it at "1"
    item = kind.create(api, callers.owner)
    url = f"{kind.path}/{item['id']}"
    api.put(url, json=_change(kind, "Theirs"), headers=callers.owner)
    stale = callers.owner | {"If-Match": '"1"'}
    # WHEN we write with the version we read
    attempts = [
        api.put(url, json=_change(kind, "Ours"), headers=stale),
        api.post(f"{url}/publish", headers=stale),
        api.delete(url, headers=stale),
    ]
    # THEN every write is refused, and names the current version
    assert [response.status_code for response in attempts] == [412, 412, 412]
    assert attempts[0].json()["details"] == {"currentETag": '"2"'}
    current = api.get(url, headers=callers.owner)
    assert current.status_code == 200
    assert current.json()["status"] == "draft"
    assert current.headers["etag"] == '"2"'


@pytest.mark.parametrize(
    ("if_match", "expected"),
    [('"2"', 200), ('"1", "2"', 200), ("*", 200), ('W/"2"', 412), ("2", 412), ("garbage", 412)],
)
def test_if_match_forms(api: httpx.Client, callers: Callers, if_match: str, expected: int) -> None:
    post = POSTS.create(api, callers.owner)
    url = f"/v1/blog/posts/{post['id']}"
    api.put(url, json={"excerpt": "Second"}, headers=callers.owner)
    response = api.put(
        url, json={"excerpt": "Third"}, headers=callers.owner | {"If-Match": if_match}
    )
    assert response.status_code == expected


def test_a_matching_delete_deletes(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.create(api, callers.owner)
    url = f"/v1/blog/posts/{post['id']}"
    assert api.delete(url, headers=callers.owner | {"If-Match": '"1"'}).status_code == 204
    assert api.get(url, headers=callers.owner).status_code == 404


def test_without_if_match_the_last_write_wins(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.create(api, callers.owner)
    url = f"/v1/blog/posts/{post['id']}"
    api.put(url, json={"excerpt": "First"}, headers=callers.owner)
    last = api.put(url, json={"excerpt": "Last"}, headers=callers.owner)
    assert last.status_code == 200
    assert api.get(url, headers=callers.owner).json()["excerpt"] == "Last"
