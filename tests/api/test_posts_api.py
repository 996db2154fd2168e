"""Blog posts: what the server sets, slugs, publication, categories."""

import re

import httpx
import pytest

from tests.helpers.content import POSTS, Callers, post_body

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def test_create_returns_a_draft_with_what_the_server_sets(
    api: httpx.Client, callers: Callers
) -> None:
    # WHEN the owner creates a post of 401 words
    response = api.post(
        "/v1/blog/posts",
        json=post_body(title="Héllo, World: FastAPI!", content="word " * 401),
        headers=callers.owner,
    )
    # THEN it is a draft, with the server's fields filled in
    assert response.status_code == 201
    post = response.json()
    assert post["status"] == "draft"
    assert post["slug"] == "hello-world-fastapi"
    assert post["readTime"] == "3 min read"
    assert post["publishedAt"] == ""
    assert ISO_UTC.match(post["createdAt"])
    assert post["updatedAt"] == post["createdAt"]
    assert re.fullmatch(r"[0-9a-z]{26}", post["id"])
    assert response.headers["etag"] == '"1"'
    assert set(post) == {
        "id", "slug", "title", "excerpt", "content", "category", "readTime",
        "publishedAt", "tags", "status", "createdAt", "updatedAt",
    }  # fmt: skip


def test_ids_sort_in_creation_order(api: httpx.Client, callers: Callers) -> None:
    ids = [POSTS.create(api, callers.owner, title=f"Post {n}")["id"] for n in range(5)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 5


def test_a_short_post_reads_in_one_minute(api: httpx.Client, callers: Callers) -> None:
    assert POSTS.create(api, callers.owner, content="Hi")["readTime"] == "1 min read"


def test_clashing_titles_get_numbered_slugs(api: httpx.Client, callers: Callers) -> None:
    slugs = [POSTS.create(api, callers.owner, title="Same Title")["slug"] for _ in range(3)]
    assert slugs == ["same-title", "same-title-2", "same-title-3"]


def test_a_popular_title_looks_past_the_first_ten_numbers(
    api: httpx.Client, callers: Callers
) -> None:
    slugs = [POSTS.create(api, callers.owner, title="Notes")["slug"] for _ in range(13)]
    assert slugs[-3:] == ["notes-11", "notes-12", "notes-13"]
    assert len(set(slugs)) == 13


def test_a_title_without_latin_letters_still_gets_a_slug(
    api: httpx.Client, callers: Callers
) -> None:
    assert POSTS.create(api, callers.owner, title="日本語")["slug"] == "post"


def test_the_slug_stays_when_the_title_changes(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.create(api, callers.owner, title="First Title")
    response = api.put(
        f"/v1/blog/posts/{post['id']}", json={"title": "Second Title"}, headers=callers.owner
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Second Title"
    assert response.json()["slug"] == "first-title"


def test_a_new_slug_can_be_sent_and_must_be_free(api: httpx.Client, callers: Callers) -> None:
    # GIVEN two posts
    first = POSTS.create(api, callers.owner, title="First")
    second = POSTS.create(api, callers.owner, title="Second")
    url = f"/v1/blog/posts/{second['id']}"
    # WHEN the second takes the first's slug, THEN 409 and nothing changes
    clash = api.put(url, json={"slug": first["slug"]}, headers=callers.owner)
    assert clash.status_code == 409
    assert clash.json()["details"] == {"field": "slug"}
    assert api.get(url, headers=callers.owner).json()["slug"] == "second"
    # WHEN it takes a free slug, THEN the post answers to it and the old slug is free
    renamed = api.put(url, json={"slug": "a-better-slug"}, headers=callers.owner)
    assert renamed.json()["slug"] == "a-better-slug"
    assert (
        api.get("/v1/blog/posts/slug/a-better-slug", headers=callers.owner).json()["id"]
        == (second["id"])
    )
    assert POSTS.create(api, callers.owner, title="Second")["slug"] == "second"


@pytest.mark.parametrize("slug", ["Upper", "with space", "trailing-", "-leading", "a--b", ""])
def test_a_malformed_slug_is_refused(api: httpx.Client, callers: Callers, slug: str) -> None:
    post = POSTS.create(api, callers.owner)
    response = api.put(f"/v1/blog/posts/{post['id']}", json={"slug": slug}, headers=callers.owner)
    assert response.status_code == 400
    assert response.json()["details"]["field"] == "slug"


def test_delete_frees_the_slug_and_the_post_is_gone(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.create(api, callers.owner, title="Reusable")
    assert api.delete(f"/v1/blog/posts/{post['id']}", headers=callers.owner).status_code == 204
    assert api.get(f"/v1/blog/posts/{post['id']}", headers=callers.owner).status_code == 404
    assert api.delete(f"/v1/blog/posts/{post['id']}", headers=callers.owner).status_code == 404
    assert POSTS.create(api, callers.owner, title="Reusable")["slug"] == "reusable"


def test_publication_sets_the_date_once(api: httpx.Client, callers: Callers) -> None:
    # GIVEN a published post
    post = POSTS.publish(api, callers.owner, POSTS.create(api, callers.owner)["id"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", post["publishedAt"])
    assert post["status"] == "published"
    # WHEN it is unpublished and published again
    url = f"/v1/blog/posts/{post['id']}"
    unpublished = api.post(f"{url}/unpublish", headers=callers.owner).json()
    republished = api.post(f"{url}/publish", headers=callers.owner).json()
    # THEN it keeps its first publication date
    assert unpublished["status"] == "draft"
    assert unpublished["publishedAt"] == republished["publishedAt"] == post["publishedAt"]


def test_a_status_change_to_the_same_status_is_a_conflict(
    api: httpx.Client, callers: Callers
) -> None:
    post = POSTS.create(api, callers.owner)
    url = f"/v1/blog/posts/{post['id']}"
    assert api.post(f"{url}/unpublish", headers=callers.owner).status_code == 409
    assert api.post(f"{url}/publish", headers=callers.owner).status_code == 200
    again = api.post(f"{url}/publish", headers=callers.owner)
    assert again.status_code == 409
    assert again.json()["message"] == "Post is already published"


def test_missing_and_malformed_ids_are_404(api: httpx.Client, callers: Callers) -> None:
    for post_id in ("01jd0000000000000000000099", "nope", "x" * 3000):
        for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/publish")):
            response = api.request(
                method,
                f"/v1/blog/posts/{post_id}{suffix}",
                headers=callers.owner,
                json={"title": "T"} if method == "PUT" else None,
            )
            assert response.status_code == 404, (method, post_id, response.text)
    assert api.get("/v1/blog/posts/slug/no-such-post").status_code == 404
    assert api.get("/v1/blog/posts/slug/NOT%20A%20SLUG").status_code == 404


def test_categories_are_those_of_published_posts(api: httpx.Client, callers: Callers) -> None:
    # GIVEN published posts in Cloud and Backend (twice), and a draft in Drafts-Only
    for category in ("Cloud", "Backend", "Backend"):
        POSTS.publish(api, callers.owner, POSTS.create(api, callers.owner, category=category)["id"])
    POSTS.create(api, callers.owner, category="Drafts-Only")
    # WHEN anyone asks
    response = api.get("/v1/blog/categories")
    # THEN each published category appears once, sorted
    assert response.json() == {"categories": ["Backend", "Cloud"]}


def test_the_slug_lookup_returns_the_etag(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.publish(api, callers.owner, POSTS.create(api, callers.owner)["id"])
    response = api.get(f"/v1/blog/posts/slug/{post['slug']}")
    assert response.json() == post
    assert response.headers["etag"] == '"2"'
