"""Factories for content bodies, and the three callers every content route is tried with."""

from dataclasses import dataclass
from typing import Any

import httpx

from portfolio_api.models.content import Status
from portfolio_api.models.identity import Principal
from portfolio_api.models.posts import Post, PostCreate
from portfolio_api.models.projects import Project, ProjectCreate

WORDS_5KB = " ".join(f"word{index % 97}" for index in range(800))  # ~5 KB of Markdown


def post_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Building Scalable APIs with FastAPI",
        "excerpt": "Learn how to build high-performance APIs using FastAPI and Python",
        "content": "# Introduction\n\nFastAPI is a modern, fast web framework.",
        "category": "Backend",
        "tags": ["python", "fastapi"],
    }
    return body | overrides


def project_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Agriculture Platform",
        "description": "Django REST API powering farmer onboarding",
        "longDescription": "A comprehensive agriculture platform.",
        "tech": ["Python", "Django"],
        "company": "HAMWE EA",
        "featured": False,
        "githubUrl": "https://github.com/example/project",
    }
    return body | overrides


def post_create(**overrides: Any) -> PostCreate:
    """A create body as the router hands it to the service (camelCase keys, as on the wire)."""
    return PostCreate.model_validate(post_body(**overrides))


def project_create(**overrides: Any) -> ProjectCreate:
    return ProjectCreate.model_validate(project_body(**overrides))


def certification_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "AWS Certified Solutions Architect - Associate",
        "issuer": "Amazon Web Services (AWS)",
        "icon": "☁️",
        "type": "certification",
        "featured": True,
        "description": "Validates expertise in designing distributed systems on AWS",
        "credentialUrl": "https://aws.amazon.com/verification",
        "dateEarned": "2023-06-15",
    }
    return body | overrides


OWNER = Principal(
    user_id="owner-1", username="owner", email="owner@example.com", name="Owner", is_owner=True
)
READER = Principal(
    user_id="reader-1", username="reader", email="reader@example.com", name="Reader", is_owner=False
)


@dataclass(frozen=True)
class Callers:
    """Headers for the three kinds of caller: nobody, a signed-in reader, the owner."""

    anonymous: dict[str, str]
    reader: dict[str, str]
    owner: dict[str, str]

    def named(self, name: str) -> dict[str, str]:
        headers: dict[str, str] = getattr(self, name)
        return headers


@dataclass(frozen=True)
class ContentKind:
    """One content collection as the API exposes it."""

    path: str
    items_field: str
    body: Any
    content_type: str

    def create(self, api: httpx.Client, owner: dict[str, str], **overrides: Any) -> dict[str, Any]:
        response = api.post(self.path, json=self.body(**overrides), headers=owner)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def publish(self, api: httpx.Client, owner: dict[str, str], item_id: str) -> dict[str, Any]:
        response = api.post(f"{self.path}/{item_id}/publish", headers=owner)
        assert response.status_code == 200, response.text
        published: dict[str, Any] = response.json()
        return published

    def create_published(
        self, api: httpx.Client, owner: dict[str, str], **overrides: Any
    ) -> dict[str, Any]:
        return self.publish(api, owner, self.create(api, owner, **overrides)["id"])


POSTS = ContentKind(path="/v1/blog/posts", items_field="posts", body=post_body, content_type="blog")
PROJECTS = ContentKind(
    path="/v1/projects", items_field="projects", body=project_body, content_type="project"
)
CERTIFICATIONS = ContentKind(
    path="/v1/certifications",
    items_field="certifications",
    body=certification_body,
    content_type="certification",
)
KINDS = (POSTS, PROJECTS, CERTIFICATIONS)


def _stored(number: int) -> dict[str, Any]:
    return {
        "id": f"01jd{number:022d}",
        "status": Status.DRAFT,
        "created_at": "2026-11-26T12:00:00Z",
        "updated_at": "2026-11-26T12:00:00Z",
        "version": 1,
    }


def stored_post(number: int = 1, **overrides: Any) -> Post:
    """A post as the repository stores it; `number` makes its id and slug."""
    fields = _stored(number) | {
        "slug": f"post-{number}",
        "title": f"Post {number}",
        "excerpt": "An excerpt",
        "content": "Some content",
        "category": "Backend",
        "read_time": "1 min read",
        "published_at": "",
        "tags": ["python"],
    }
    return Post.model_validate(fields | overrides)


def stored_project(number: int = 1, **overrides: Any) -> Project:
    fields = _stored(number) | {
        "name": f"Project {number}",
        "description": "A project",
        "long_description": "Long",
        "tech": ["Python"],
        "company": "ACME",
        "featured": False,
    }
    return Project.model_validate(fields | overrides)
