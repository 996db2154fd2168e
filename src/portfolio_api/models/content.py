"""What posts, projects and certifications share: status, versions, writes, list queries, pages."""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from portfolio_api.models.base import RequestSchema, ResponseSchema

_ETAG = re.compile(r'"[1-9][0-9]{0,17}"')


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class StatusFilter(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    ALL = "all"


class ContentPublic(ResponseSchema):
    id: str
    status: Status
    created_at: str
    updated_at: str


class StoredContent(ContentPublic):
    """The item as stored: the public fields plus the version that `ETag` and `If-Match` carry."""

    # Built on first use, not at import: no route declares these, and a cold start that serves
    # a visit never reads content (docs/PERFORMANCE.md, cold start).
    model_config = ConfigDict(defer_build=True)

    version: int = Field(ge=1)

    @property
    def heading(self) -> str:
        """What a dashboard calls the item: a post's title, a project's or certificate's name."""
        raise NotImplementedError


class ContentSummary(ResponseSchema):
    """The few attributes the list index projects: enough to filter and order without the item."""

    model_config = ConfigDict(defer_build=True)  # as StoredContent's

    id: str
    status: Status
    created_at: str
    updated_at: str


class ContentWrite(RequestSchema):
    """A create or update body. What the server owns is refused by name: no mass assignment."""

    SERVER_OWNED: ClassVar[frozenset[str]] = frozenset(
        {"id", "status", "createdAt", "updatedAt", "publishedAt", "readTime", "version", "views"}
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_server_owned(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in data:
                if name in cls.SERVER_OWNED:
                    raise PydanticCustomError(
                        "server_owned",
                        "{field} is set by the server and cannot be sent",
                        {"field": name},
                    )
        return data


def _null_only_where_nullable(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """OpenAPI shows `null` only on the fields that take it, as the validators enforce."""
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, field in model.model_fields.items():
        options = schema.get("properties", {}).get(field.alias or name, {})
        if name not in nullable and "anyOf" in options:
            kept = [option for option in options.pop("anyOf") if option != {"type": "null"}]
            options.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
        options.pop("default", None)


class ContentUpdate(ContentWrite):
    """Every field optional; only the fields sent change. `null` clears only a NULLABLE field."""

    model_config = ConfigDict(json_schema_extra=_null_only_where_nullable)
    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("not_nullable", "may not be null; leave it out instead")
        return value

    @model_validator(mode="after")
    def _refuse_empty(self) -> "ContentUpdate":
        if not self.model_fields_set:
            raise PydanticCustomError("empty_update", "send at least one field to change")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class ListQuery(BaseModel):
    status: StatusFilter = Field(
        StatusFilter.PUBLISHED, description="`draft` and `all` are for the owner only."
    )
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class ListResponse(ResponseSchema):
    total: int = Field(description="Every item matching the filters, on all pages.")
    limit: int
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Page[M]:
    items: list[M]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class Precondition:
    """An `If-Match` header: the versions it accepts, or None for `*` (any current version)."""

    versions: frozenset[int] | None

    def admits(self, version: int) -> bool:
        return self.versions is None or version in self.versions

    @classmethod
    def from_header(cls, header: str) -> "Precondition":
        """Strong comparison (RFC 9110): weak tags and foreign tags match no version."""
        if header.strip() == "*":
            return cls(None)
        tags = (tag.strip() for tag in header.split(","))
        return cls(frozenset(int(tag[1:-1]) for tag in tags if _ETAG.fullmatch(tag)))


def etag_of(version: int) -> str:
    return f'"{version}"'
