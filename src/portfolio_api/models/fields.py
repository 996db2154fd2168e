"""Field types shared by the content schemas: lengths, safe URLs, tags, size caps."""

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

# DynamoDB refuses items over 400 KB; the long text field gets 350 KB of it, the rest stays small.
MAX_LONG_TEXT_BYTES = 350_000
MAX_URL_LENGTH = 2048
TOO_LARGE = "too_large"


def _long_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must contain text")
    size = len(value.encode())
    if size > MAX_LONG_TEXT_BYTES:
        raise PydanticCustomError(
            TOO_LARGE,
            "is {size} bytes; the most this API stores is {limit} bytes",
            {"size": size, "limit": MAX_LONG_TEXT_BYTES},
        )
    return value


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise PydanticCustomError("url_scheme", "must be an http:// or https:// URL")
    if any(character.isspace() or ord(character) < 32 for character in value):
        raise PydanticCustomError("url_characters", "must not contain spaces or control characters")
    return value


def _distinct_tags(tags: list[str]) -> list[str]:
    """Keeps the first spelling of each tag; `Python` and `python` are one tag to a reader."""
    seen: set[str] = set()
    distinct = []
    for tag in tags:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            distinct.append(tag)
    return distinct


# No control characters: one line where a line is meant, lines and tabs where text is.
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _line(max_length: int) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=ONE_LINE
    )


Title = Annotated[str, _line(200)]
Label = Annotated[str, _line(100)]
Icon = Annotated[str, _line(10)]
Summary = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=TEXT)
]
# The contract sets no maximum here; 5,000 characters keeps every item far below 400 KB.
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000, pattern=TEXT)
]
LongText = Annotated[
    str,
    StringConstraints(pattern=TEXT),
    AfterValidator(_long_text),
    Field(json_schema_extra={"minLength": 1}),
]
WebUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL_LENGTH),
    AfterValidator(_web_url),
    Field(json_schema_extra={"format": "uri"}),
]
Tag = Annotated[str, _line(50)]
Tags = Annotated[list[Tag], Field(min_length=1, max_length=20), AfterValidator(_distinct_tags)]
