"""What posts, projects and certifications share: status, versions, writes, list queries, pages.

Each kind declares its fields once, in `XBase`. `XCreate` adds the rules of a write,
`XUpdate` makes every field optional (`ContentUpdate`), `XPublic` adds what the server sets,
and the stored `X` adds its version and the few fields its list index projects (`INDEXED`).
"""

import copy
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, ClassVar, Self, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
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
    schema["minProperties"] = 1


class ContentUpdate(ContentWrite, json_schema_extra=_null_only_where_nullable):
    """The kind's fields, every one optional: only the fields sent change.

    Mixed in after the kind's base (`class PostUpdate(PostBase, ContentUpdate)`), it turns
    the fields the base requires into optional ones, so no field is declared twice. `null`
    clears only a field in NULLABLE; elsewhere it is refused, as is an empty body.
    """

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.__pydantic_fields__
        for name, field in list(fields.items()):
            if field.is_required():
                fields[name] = FieldInfo.merge_field_infos(field, default=None)
        cls.model_rebuild(force=True)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("not_nullable", "may not be null; leave it out instead")
        return value

    @model_validator(mode="after")
    def _refuse_empty(self) -> Self:
        if not self.model_fields_set:
            raise PydanticCustomError("empty_update", "send at least one field to change")
        return self


def _without_rules(annotation: Any) -> Any:
    """`Annotated[str, rules]` as `str`, inside unions and lists too."""
    origin, arguments = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _without_rules(arguments[0])
    if origin in (Union, UnionType):
        return Union[tuple(_without_rules(argument) for argument in arguments)]  # noqa: UP007
    if origin is list:
        return list[_without_rules(arguments[0])]  # type: ignore[misc]
    return annotation


class ContentPublic(ResponseSchema):
    """The fields every kind's public shape carries, set by the server.

    Mixed in before the kind's base (`class PostPublic(ContentPublic, PostBase)`), it keeps the
    base's field types but not its input rules (lengths, patterns, validators): what was stored
    is shown and read back as it was stored, even after a rule has tightened since.
    """

    id: str
    status: Status
    created_at: str
    updated_at: str
    # Never stored: the service sets it on what the owner reads while the item waits for its
    # time. Left out of the JSON when None, so an item without it keeps the contract's shape.
    publish_at: str | None = Field(
        None,
        exclude_if=lambda value: value is None,
        description="Owner only, and only while the item is scheduled: when it goes live "
        "(ISO-8601 UTC). Until then nobody else sees it.",
        examples=["2026-12-01T09:00:00Z"],
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.__pydantic_fields__
        for name, field in list(fields.items()):
            plain = copy.copy(field)
            plain.annotation, plain.metadata = _without_rules(field.annotation), []
            fields[name] = plain
        cls.model_rebuild(force=True)


class StoredContent(ContentPublic):
    """An item as stored: its public fields, its version (the `ETag`), and its own rules.

    A kind says what the server derives when an item is made, revised or published, and how
    its lists are ordered; the shared service does the rest. `INDEXED` names the fields the
    list index projects: lists filter and order items holding those alone.
    """

    NOUN: ClassVar[str]
    INDEXED: ClassVar[tuple[str, ...]] = ("status", "created_at", "updated_at", "published_time")

    version: int = Field(ge=1)
    # When a published item went, or goes, live (ISO-8601 UTC, to the second); None for one
    # published before schedules existed, live since. Reads compare it with the clock.
    published_time: str | None = None

    @property
    def heading(self) -> str:
        """What a dashboard calls the item: a post's title, a project's or certificate's name."""
        raise NotImplementedError

    @classmethod
    def made(cls, data: ContentWrite, *, item_id: str, now: str) -> Self:
        """A new draft from a create body, at version 1."""
        fields = data.model_dump(by_alias=False)
        server = {"id": item_id, "status": Status.DRAFT, "created_at": now, "updated_at": now}
        return cls.model_validate({**fields, **cls.derived(fields), **server, "version": 1})

    @classmethod
    def derived(cls, fields: dict[str, Any]) -> dict[str, Any]:
        """What the server computes from a create body's fields (a post's slug, reading time)."""
        return {}

    def revised(self, changes: ContentUpdate) -> Self:
        return self.model_copy(update=changes.model_dump(exclude_unset=True, by_alias=False))

    def scheduled_for(self, *, now: str) -> str | None:
        """When a published item waiting for its time goes live; None for any other."""
        waiting = self.status is Status.PUBLISHED and (self.published_time or "") > now
        return self.published_time if waiting else None

    def live(self, *, now: str) -> bool:
        """Published, and its time has come: what everyone may see."""
        return self.status is Status.PUBLISHED and self.scheduled_for(now=now) is None

    def published(self, *, now: str, at: str | None = None) -> Self:
        """Live from `at` when it is later than now; else now, or from the time it first went
        live if it already has (a draft published again keeps its date)."""
        if at is not None and at > now:
            moment = at
        elif self.published_time is not None and self.published_time <= now:
            moment = self.published_time
        else:
            moment = now
        return self.model_copy(update={"status": Status.PUBLISHED}).released(moment)

    def drafted(self, *, now: str) -> Self:
        """A draft again; one unpublished before its time never went live, so loses its date."""
        drafted = self.model_copy(update={"status": Status.DRAFT})
        return drafted.released(None) if self.scheduled_for(now=now) else drafted

    def released(self, moment: str | None) -> Self:
        """The item dated to go live at `moment` (None: never went live)."""
        return self.model_copy(update={"published_time": moment})

    def list_order(self) -> tuple[Any, ...]:
        """A list's sort key, newest (highest) first; it reads INDEXED fields only."""
        return (self.created_at, self.id)


# A date, a time (seconds and their fractions optional), and UTC: `Z` or `+00:00`, nothing else.
_ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|\+00:?00)")


def _utc_text(value: Any) -> Any:
    """Only ISO-8601 text in UTC: Pydantic alone would take a number, or a local time."""
    if isinstance(value, str) and _ISO_UTC.fullmatch(value):
        return value
    raise PydanticCustomError(
        "utc_datetime", "must be an ISO-8601 date and time in UTC, like 2026-12-01T09:00:00Z"
    )


class PublishRequest(RequestSchema):
    """When to publish: the item stays hidden from everyone but the owner until then."""

    publish_at: Annotated[datetime, BeforeValidator(_utc_text)] | None = Field(
        None,
        description="ISO-8601 in UTC (`Z` or `+00:00`), kept to the second. Absent, null or "
        "not later than the server's clock: published now.",
    )


class ListQuery[M: StoredContent](BaseModel):
    status: StatusFilter = Field(
        StatusFilter.PUBLISHED, description="`draft` and `all` are for the owner only."
    )
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)

    def matches(self, item: M) -> bool:
        """Whether the kind's own filters keep this item; it reads INDEXED fields only."""
        return True


class ListResponse(ResponseSchema):
    total: int = Field(description="Every item matching the filters, on all pages.")
    limit: int
    offset: int
    next_offset: int | None = Field(
        description="The `offset` of the next page, or null after the last one. A page stops "
        "before `limit` items when one more would take its body past 5 MB: always page with "
        "`nextOffset`, never with `offset + limit`.",
        examples=[20],
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Page[M]:
    items: list[M]
    total: int
    limit: int
    offset: int
    next_offset: int | None
    size: int  # the items' bytes as JSON, added up


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
