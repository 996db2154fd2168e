from typing import ClassVar

from portfolio_api.models.base import Schema
from portfolio_api.models.content import (
    ContentPublic,
    ContentUpdate,
    ContentWrite,
    ListQuery,
    ListResponse,
    StoredContent,
)
from portfolio_api.models.fields import (
    Flag,
    Label,
    LongText,
    QueryFlag,
    Summary,
    Tags,
    Title,
    WebUrl,
)


class ProjectBase(Schema):
    name: Title
    description: Summary
    long_description: LongText
    tech: Tags
    company: Label
    featured: Flag = False
    github_url: WebUrl | None = None
    live_url: WebUrl | None = None
    image_url: WebUrl | None = None


class ProjectCreate(ProjectBase, ContentWrite):
    """A new project: it starts as a draft."""


class ProjectUpdate(ProjectBase, ContentUpdate):
    """The fields to change; `null` removes a link."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset({"github_url", "live_url", "image_url"})


class ProjectPublic(ContentPublic, ProjectBase):
    pass


class Project(StoredContent, ProjectPublic):
    NOUN: ClassVar[str] = "Project"
    INDEXED = (*StoredContent.INDEXED, "featured")

    @property
    def heading(self) -> str:
        return self.name

    def list_order(self) -> tuple[bool, str, str]:
        """Featured first, then the newest."""
        return self.featured, self.created_at, self.id


class ProjectQuery(ListQuery[Project]):
    featured: QueryFlag | None = None

    def matches(self, item: Project) -> bool:
        return self.featured is None or item.featured is self.featured


class ProjectList(ListResponse):
    projects: list[ProjectPublic]
