"""Bad input: a clear 4xx naming the field, never a 500, and stored data left as it was."""

from typing import Any

import httpx
import pytest

from tests.helpers.content import CERTIFICATIONS, KINDS, POSTS, PROJECTS, Callers, ContentKind

KIND_IDS = [kind.items_field for kind in KINDS]


def _refused(response: httpx.Response, field: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["statusCode"] == status
    assert body["details"]["field"] == field


@pytest.mark.parametrize(
    ("kind", "overrides", "field"),
    [
        (POSTS, {"title": ""}, "title"),
        (POSTS, {"title": "   "}, "title"),
        (POSTS, {"title": "t" * 201}, "title"),
        (POSTS, {"title": "nul\u0000byte"}, "title"),
        (POSTS, {"title": "two\nlines"}, "title"),
        (POSTS, {"excerpt": "bell\u0007"}, "excerpt"),
        (POSTS, {"content": "escape \u001b[31m red"}, "content"),
        (POSTS, {"excerpt": "e" * 501}, "excerpt"),
        (POSTS, {"content": "  \n "}, "content"),
        (POSTS, {"tags": []}, "tags"),
        (POSTS, {"tags": ["ok", "  "]}, "tags.1"),
        (POSTS, {"tags": "python"}, "tags"),
        (POSTS, {"category": None}, "category"),
        (PROJECTS, {"githubUrl": "javascript:alert(1)"}, "githubUrl"),
        (PROJECTS, {"liveUrl": "data:text/html,<script>x</script>"}, "liveUrl"),
        (PROJECTS, {"imageUrl": "ftp://example.com/a.png"}, "imageUrl"),
        (PROJECTS, {"imageUrl": "https://"}, "imageUrl"),
        (PROJECTS, {"tech": []}, "tech"),
        (PROJECTS, {"featured": "yes please"}, "featured"),
        (PROJECTS, {"featured": 0}, "featured"),
        (PROJECTS, {"featured": 1}, "featured"),
        (PROJECTS, {"featured": "true"}, "featured"),
        (CERTIFICATIONS, {"featured": "yes"}, "featured"),
        (POSTS, {"title": "line\u2028separator"}, "title"),
        (POSTS, {"title": "next\u0085line"}, "title"),
        (POSTS, {"title": "\u202eevil"}, "title"),
        (POSTS, {"title": "\u200b\u200c\u200d\u2060\ufeff\u00ad"}, "title"),
        (POSTS, {"content": "code \u2066hidden\u2069 here"}, "content"),
        (POSTS, {"tags": ["ok", "\u200b"]}, "tags.1"),
        (CERTIFICATIONS, {"dateEarned": "2023-02-30"}, "dateEarned"),
        (CERTIFICATIONS, {"dateEarned": "15/06/2023"}, "dateEarned"),
        (CERTIFICATIONS, {"dateEarned": 1686787200}, "dateEarned"),
        (CERTIFICATIONS, {"icon": ""}, "icon"),
        (CERTIFICATIONS, {"icon": "x" * 11}, "icon"),
        (CERTIFICATIONS, {"type": "degree"}, "type"),
        (CERTIFICATIONS, {"credentialUrl": "javascript:void(0)"}, "credentialUrl"),
    ],
)
def test_an_invalid_field_on_create_is_400(
    api: httpx.Client, callers: Callers, kind: ContentKind, overrides: dict[str, Any], field: str
) -> None:
    response = api.post(kind.path, json=kind.body(**overrides), headers=callers.owner)
    _refused(response, field)
    assert api.get(kind.path, params={"status": "all"}, headers=callers.owner).json()["total"] == 0


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize(
    "field", ["id", "status", "createdAt", "updatedAt", "publishedAt", "views"]
)
def test_server_owned_fields_are_refused_by_name(
    api: httpx.Client, callers: Callers, kind: ContentKind, field: str
) -> None:
    # GIVEN an item
    item = kind.create(api, callers.owner)
    url = f"{kind.path}/{item['id']}"
    # WHEN a create or an update tries to set what the server owns
    created = api.post(kind.path, json=kind.body() | {field: "x"}, headers=callers.owner)
    updated = api.put(url, json={field: "published"}, headers=callers.owner)
    # THEN both are 400s that name the field, and the item is unchanged
    for response in (created, updated):
        _refused(response, field)
        assert "set by the server" in response.json()["message"]
    assert api.get(url, headers=callers.owner).json() == item


def test_an_unknown_field_is_400(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.create(api, callers.owner)
    _refused(
        api.put(f"/v1/blog/posts/{post['id']}", json={"colour": "red"}, headers=callers.owner),
        "colour",
    )
    _refused(
        api.post("/v1/blog/posts", json=POSTS.body(colour="red"), headers=callers.owner), "colour"
    )


def test_an_empty_update_and_nulls_are_400(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.create(api, callers.owner)
    url = f"/v1/blog/posts/{post['id']}"
    _refused(api.put(url, json={}, headers=callers.owner), "body")
    _refused(api.put(url, json={"title": None}, headers=callers.owner), "title")
    assert api.put(url, content=b"[1, 2]", headers=callers.owner).status_code == 400
    assert api.put(url, content=b"{not json", headers=callers.owner).status_code == 400


def test_a_nullable_url_is_cleared_with_null(api: httpx.Client, callers: Callers) -> None:
    project = PROJECTS.create(api, callers.owner)
    assert project["githubUrl"] == "https://github.com/example/project"
    response = api.put(
        f"/v1/projects/{project['id']}", json={"githubUrl": None}, headers=callers.owner
    )
    assert response.status_code == 200
    assert response.json()["githubUrl"] is None


def test_urls_are_stored_as_sent(api: httpx.Client, callers: Callers) -> None:
    url = "https://Example.com/a%20b?q=1#top"
    project = PROJECTS.create(api, callers.owner, liveUrl=url)
    stored = api.get(f"/v1/projects/{project['id']}", headers=callers.owner).json()
    assert stored["liveUrl"] == url


def test_tags_are_trimmed_and_deduplicated(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.create(api, callers.owner, tags=[" python ", "Python", "aws", "python"])
    assert post["tags"] == ["python", "aws"]


def test_content_over_the_item_limit_is_413(api: httpx.Client, callers: Callers) -> None:
    # GIVEN a body under 1 MB whose content alone would push the item past 400 KB
    content = "é" * 180_000  # 360,000 bytes in UTF-8
    response = api.post("/v1/blog/posts", json=POSTS.body(content=content), headers=callers.owner)
    # THEN 413 names the field and the limit
    _refused(response, "content", status=413)
    assert "350000 bytes" in response.json()["message"]
    project = api.post(
        "/v1/projects", json=PROJECTS.body(longDescription="x" * 350_001), headers=callers.owner
    )
    _refused(project, "longDescription", status=413)


def test_content_just_under_the_limit_is_stored(api: httpx.Client, callers: Callers) -> None:
    post = POSTS.create(api, callers.owner, content="x" * 350_000, excerpt="e" * 500)
    assert len(
        api.get(f"/v1/blog/posts/{post['id']}", headers=callers.owner).json()["content"]
    ) == (350_000)


def test_a_body_over_1_mib_is_413(api: httpx.Client, callers: Callers) -> None:
    huge = POSTS.body(content="x" * (1024 * 1024 + 1))
    declared = api.post("/v1/blog/posts", json=huge, headers=callers.owner)
    assert declared.status_code == 413
    assert declared.json()["details"] == {"limitBytes": 1024 * 1024}

    def chunks() -> Any:
        yield b'{"content": "'
        for _ in range(1100):
            yield b"x" * 1024
        yield b'"}'

    chunked = api.post(
        "/v1/blog/posts",
        content=chunks(),
        headers=callers.owner | {"Content-Type": "application/json"},
    )
    assert chunked.status_code == 413


def test_a_413_comes_before_authentication(api: httpx.Client) -> None:
    response = api.post("/v1/blog/posts", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413


GARBAGE: tuple[bytes, ...] = (
    b"null",
    b'"a string"',
    b"123",
    b"[]",
    b"{}",
    b'{"title": 123, "tags": [1, 2]}',
    b'{"name": {"nested": true}}',
    b'{"tags": [' + b'"t",' * 5000 + b'"t"]}',
    b"\xff\xfe not utf-8",
    b'{"title": "\\u0000"}',
    b'{"dateEarned": "9999-99-99"}',
    b"[" * 5000 + b"]" * 5000,
)


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_garbage_bodies_are_4xx_never_5xx(
    api: httpx.Client, callers: Callers, kind: ContentKind
) -> None:
    # GIVEN an item, and bodies no client should send
    item = kind.create(api, callers.owner)
    headers = callers.owner | {"Content-Type": "application/json"}
    # WHEN each is sent as a create and as an update
    statuses = {
        (body[:20], method): api.request(method, url, content=body, headers=headers).status_code
        for body in GARBAGE
        for method, url in (("POST", kind.path), ("PUT", f"{kind.path}/{item['id']}"))
    }
    # THEN every answer is a client error, and the item is as it was
    assert {status for status in statuses.values() if not 400 <= status < 500} == set()
    assert api.get(f"{kind.path}/{item['id']}", headers=callers.owner).json() == item


@pytest.mark.parametrize("kind", [PROJECTS, CERTIFICATIONS], ids=["projects", "certifications"])
@pytest.mark.parametrize("value", ["1", "0", "yes", "True", "on", ""])
def test_a_query_flag_is_true_or_false_and_nothing_else(
    api: httpx.Client, kind: ContentKind, value: str
) -> None:
    # WHEN a list is filtered on `featured` with anything but the two words
    refused = api.get(kind.path, params={"featured": value})
    # THEN 400 naming it, while the two words are taken
    _refused(refused, "featured")
    for word in ("true", "false"):
        assert api.get(kind.path, params={"featured": word}).status_code == 200
