"""Field types shared by the content schemas: lengths, safe URLs, tags, size caps, flags."""

import unicodedata
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, Strict, StringConstraints
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


# Never in any text: C0 and C1 controls (U+0085, NEL, among them), and the bidi embeddings,
# overrides and isolates (U+202A-202E, U+2066-2069) that make text read otherwise than it is
# stored ("Trojan Source"). One line also refuses line breaks of every kind (U+2028, U+2029);
# text takes tabs and \n / \r\n alone. The marks LRM, RLM and ALM stay: right-to-left text
# needs them, and they reorder nothing. Escapes that Python, Rust (pydantic-core) and
# ECMAScript (the OpenAPI reader) all read alike.
_NEVER = r"\x7f-\x9f\u202a-\u202e\u2066-\u2069"
ONE_LINE = rf"^[^\x00-\x1f\u2028\u2029{_NEVER}]*$"
TEXT = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f\u2028\u2029{_NEVER}]*$"

# Drawn as nothing although Unicode calls them letters or symbols: the Hangul fillers, the
# braille blank.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Formats (zero-width space, joiners, U+2060, U+FEFF, soft hyphen...), controls, separators,
# and marks, which combine with a letter and show none alone. Unassigned code points count as
# seen (an emoji newer than this Python), as do private ones (icon fonts draw them).
_UNSEEN = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})


def _visible(value: str) -> str:
    """At least one character a reader sees: a title of zero-width spaces is no title."""
    if not any(
        unicodedata.category(character) not in _UNSEEN and character not in _BLANK_LETTERS
        for character in value
    ):
        raise PydanticCustomError("invisible", "must contain a visible character")
    return value


VISIBLE = AfterValidator(_visible)


def _line(max_length: int) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=ONE_LINE
    )


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=TEXT
    )


Title = Annotated[str, _line(200), VISIBLE]
Label = Annotated[str, _line(100), VISIBLE]
Icon = Annotated[str, _line(10), VISIBLE]
Summary = Annotated[str, _text(500), VISIBLE]
# The contract sets no maximum here; 5,000 characters keeps every item far below 400 KB.
Description = Annotated[str, _text(5000), VISIBLE]
LongText = Annotated[
    str,
    StringConstraints(pattern=TEXT),
    AfterValidator(_long_text),
    VISIBLE,
    Field(json_schema_extra={"minLength": 1}),
]
WebUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL_LENGTH),
    AfterValidator(_web_url),
    Field(json_schema_extra={"format": "uri"}),
]
TAG_MAX_LENGTH = 50
Tag = Annotated[str, _line(TAG_MAX_LENGTH), VISIBLE]
Tags = Annotated[list[Tag], Field(min_length=1, max_length=20), AfterValidator(_distinct_tags)]


def _true_or_false(value: object) -> object:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("bool_parsing", "must be true or false")


# Pydantic's lax mode reads 0, 1, "yes", "on", "true"... as booleans; this API takes JSON's
# `true` and `false` alone in a body, and the words `true` and `false` alone in a query.
Flag = Annotated[bool, Strict()]
QueryFlag = Annotated[bool, BeforeValidator(_true_or_false)]
