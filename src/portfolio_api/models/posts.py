from typing import Annotated, Any, ClassVar, Self

from pydantic import Field, StringConstraints

from portfolio_api.core.text import read_time, slugify
from portfolio_api.models.base import ResponseSchema, Schema
from portfolio_api.models.content import (
    ContentPublic,
    ContentUpdate,
    ContentWrite,
    ListQuery,
    ListResponse,
    Status,
    StoredContent,
)
from portfolio_api.models.fields import Label, LongText, Summary, Tag, Tags, Title

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX_LENGTH = 100
Slug = Annotated[
    str, StringConstraints(min_length=1, max_length=SLUG_MAX_LENGTH, pattern=SLUG_PATTERN)
]


class PostBase(Schema):
    title: Title
    excerpt: Summary
    content: LongText = Field(description="Markdown, at most 350,000 bytes (UTF-8).")
    category: Label
    tags: Tags


class PostCreate(PostBase, ContentWrite):
    """A new post: it starts as a draft, with a slug made from its title."""


class PostUpdate(PostBase, ContentUpdate):
    """The fields to change. The title alone never changes the slug."""

    slug: Slug | None = Field(None, description="A new slug, unique among posts.")


class PostPublic(ContentPublic, PostBase):
    slug: str
    read_time: str = Field(examples=["5 min read"])
    published_at: str = Field(
        description="`YYYY-MM-DD` of the first publication, or of the scheduled one; `''` before."
    )


class Post(StoredContent, PostPublic):
    NOUN: ClassVar[str] = "Post"
    INDEXED = (*StoredContent.INDEXED, "category", "tags")

    @property
    def heading(self) -> str:
        return self.title

    @classmethod
    def derived(cls, fields: dict[str, Any]) -> dict[str, Any]:
        return {
            "slug": slugify(fields["title"]),
            "read_time": read_time(fields["content"]),
            "published_at": "",
        }

    def revised(self, changes: ContentUpdate) -> Self:
        revised = super().revised(changes)
        if "content" not in changes.model_fields_set:
            return revised
        return revised.model_copy(update={"read_time": read_time(revised.content)})

    def released(self, moment: str | None) -> Self:
        dated = super().released(moment)
        return dated.model_copy(update={"published_at": moment[:10] if moment else ""})

    def list_order(self) -> tuple[str, str]:
        """Newest publication first; drafts by their last change."""
        if self.status is Status.PUBLISHED and self.published_time:
            return self.published_time, self.id
        return self.updated_at, self.id


class PostQuery(ListQuery[Post]):
    category: Label | None = None
    tag: Tag | None = None

    def matches(self, item: Post) -> bool:
        if self.category and item.category.casefold() != self.category.casefold():
            return False
        return not self.tag or self.tag.casefold() in {tag.casefold() for tag in item.tags}


class PostList(ListResponse):
    posts: list[PostPublic]


class CategoryList(ResponseSchema):
    categories: list[str]
