from typing import ClassVar

from portfolio_api.models.content import (
    ContentPublic,
    ContentSummary,
    ContentUpdate,
    ContentWrite,
    ListQuery,
    ListResponse,
    StoredContent,
)
from portfolio_api.models.fields import Label, LongText, Summary, Tags, Title, WebUrl


class ProjectCreate(ContentWrite):
    name: Title
    description: Summary
    long_description: LongText
    tech: Tags
    company: Label
    featured: bool = False
    github_url: WebUrl | None = None
    live_url: WebUrl | None = None
    image_url: WebUrl | None = None


class ProjectUpdate(ContentUpdate):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"github_url", "live_url", "image_url"})

    name: Title | None = None
    description: Summary | None = None
    long_description: LongText | None = None
    tech: Tags | None = None
    company: Label | None = None
    featured: bool | None = None
    github_url: WebUrl | None = None
    live_url: WebUrl | None = None
    image_url: WebUrl | None = None


class ProjectPublic(ContentPublic):
    name: str
    description: str
    long_description: str
    tech: list[str]
    company: str
    featured: bool
    github_url: str | None = None
    live_url: str | None = None
    image_url: str | None = None


class Project(ProjectPublic, StoredContent):
    @property
    def heading(self) -> str:
        return self.name


class ProjectSummary(ContentSummary):
    featured: bool


class ProjectQuery(ListQuery):
    featured: bool | None = None


class ProjectList(ListResponse):
    projects: list[ProjectPublic]
