"""The frontend's contract (Blog Posts, Projects, Certifications), checked against the app.

The operations and fields below are transcribed from the contract the frontend was written
against; the contract file itself lives outside this repository.
"""

from typing import Any

import httpx
import pytest

from tests.helpers.app import openapi_of_default_app
from tests.helpers.content import CERTIFICATIONS, POSTS, PROJECTS, Callers, ContentKind

OPERATIONS = {
    ("get", "/v1/blog/posts"): {"status", "category", "tag", "limit", "offset"},
    ("post", "/v1/blog/posts"): set(),
    ("get", "/v1/blog/posts/{postId}"): {"postId"},
    ("put", "/v1/blog/posts/{postId}"): {"postId"},
    ("delete", "/v1/blog/posts/{postId}"): {"postId"},
    ("post", "/v1/blog/posts/{postId}/publish"): {"postId"},
    ("post", "/v1/blog/posts/{postId}/unpublish"): {"postId"},
    ("get", "/v1/blog/categories"): set(),
    ("get", "/v1/projects"): {"status", "featured", "limit", "offset"},
    ("post", "/v1/projects"): set(),
    ("get", "/v1/projects/{projectId}"): {"projectId"},
    ("put", "/v1/projects/{projectId}"): {"projectId"},
    ("delete", "/v1/projects/{projectId}"): {"projectId"},
    ("post", "/v1/projects/{projectId}/publish"): {"projectId"},
    ("post", "/v1/projects/{projectId}/unpublish"): {"projectId"},
    ("get", "/v1/certifications"): {"status", "type", "featured", "limit", "offset"},
    ("post", "/v1/certifications"): set(),
    ("get", "/v1/certifications/{certificationId}"): {"certificationId"},
    ("put", "/v1/certifications/{certificationId}"): {"certificationId"},
    ("delete", "/v1/certifications/{certificationId}"): {"certificationId"},
    ("post", "/v1/certifications/{certificationId}/publish"): {"certificationId"},
    ("post", "/v1/certifications/{certificationId}/unpublish"): {"certificationId"},
}
REQUIRED_FIELDS = {
    "posts": {
        "id", "slug", "title", "excerpt", "content", "category", "readTime", "publishedAt",
        "tags", "status", "createdAt", "updatedAt",
    },
    "projects": {
        "id", "name", "description", "longDescription", "tech", "company", "featured",
        "status", "createdAt", "updatedAt", "githubUrl", "liveUrl", "imageUrl",
    },
    "certifications": {
        "id", "name", "issuer", "icon", "type", "featured", "description", "dateEarned",
        "status", "createdAt", "updatedAt", "credentialUrl",
    },
}  # fmt: skip
UPDATE_FIELDS = {
    "PostUpdate": {"title", "excerpt", "content", "category", "tags"},
    "ProjectUpdate": {
        "name", "description", "longDescription", "tech", "company", "featured",
        "githubUrl", "liveUrl", "imageUrl",
    },
    "CertificationUpdate": {
        "name", "issuer", "icon", "type", "featured", "description", "credentialUrl",
        "dateEarned",
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return openapi_of_default_app()


@pytest.mark.parametrize(("operation", "parameters"), OPERATIONS.items(), ids=str)
def test_every_contract_operation_is_served(
    openapi: dict[str, Any], operation: tuple[str, str], parameters: set[str]
) -> None:
    method, path = operation
    served = openapi["paths"][path][method]
    assert {parameter["name"] for parameter in served.get("parameters", [])} >= parameters


@pytest.mark.parametrize(("schema", "fields"), UPDATE_FIELDS.items())
def test_update_bodies_take_every_contract_field_and_require_none(
    openapi: dict[str, Any], schema: str, fields: set[str]
) -> None:
    update = openapi["components"]["schemas"][schema]
    assert set(update["properties"]) >= fields
    assert "required" not in update


@pytest.mark.parametrize(
    "kind", [POSTS, PROJECTS, CERTIFICATIONS], ids=lambda kind: kind.items_field
)
def test_items_carry_every_contract_field(
    api: httpx.Client, callers: Callers, kind: ContentKind
) -> None:
    item = kind.publish(api, callers.owner, kind.create(api, callers.owner)["id"])
    listed = api.get(kind.path).json()
    assert set(item) == REQUIRED_FIELDS[kind.items_field]
    # `nextOffset` is ours: a page may stop short of `limit` to stay under 5 MB
    assert set(listed) == {kind.items_field, "total", "limit", "offset", "nextOffset"}
    assert listed[kind.items_field] == [item]
