from typing import Annotated

from pydantic import Field, StringConstraints

from portfolio_api.models.base import ResponseSchema
from portfolio_api.models.content import (
    ContentPublic,
    ContentSummary,
    ContentUpdate,
    ContentWrite,
    ListQuery,
    ListResponse,
    StoredContent,
)
from portfolio_api.models.fields import Label, LongText, Summary, Tag, Tags, Title

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=SLUG_PATTERN)]


class PostCreate(ContentWrite):
    title: Title
    excerpt: Summary
    content: LongText = Field(description="Markdown, at most 350,000 bytes (UTF-8).")
    category: Label
    tags: Tags


class PostUpdate(ContentUpdate):
    title: Title | None = None
    excerpt: Summary | None = None
    content: LongText | None = None
    category: Label | None = None
    tags: Tags | None = None
    slug: Slug | None = Field(
        None, description="A new slug, unique among posts. The title alone never changes it."
    )


class PostPublic(ContentPublic):
    slug: str
    title: str
    excerpt: str
    content: str
    category: str
    read_time: str = Field(examples=["5 min read"])
    published_at: str = Field(description="`YYYY-MM-DD` of the first publication; `''` before.")
    tags: list[str]


class Post(PostPublic, StoredContent):
    published_time: str | None = None

    @property
    def heading(self) -> str:
        return self.title


class PostSummary(ContentSummary):
    category: str
    tags: list[str]
    published_time: str | None = None


class PostQuery(ListQuery):
    category: Label | None = None
    tag: Tag | None = None


class PostList(ListResponse):
    posts: list[PostPublic]


class CategoryList(ResponseSchema):
    categories: list[str]
