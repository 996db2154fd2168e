"""Preview links: a secret URL that shows one item, whatever its status, to whoever holds it.

A token names its item (kind and id) and carries 256 random bits; only its SHA-256 is stored,
in one record per item, so a new link replaces the old one and a read is two GetItems.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from portfolio_api.core.ids import ID_LENGTH, ID_PATTERN
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.base import RequestSchema, ResponseSchema
from portfolio_api.models.certifications import CertificationPublic
from portfolio_api.models.posts import PostPublic
from portfolio_api.models.projects import ProjectPublic

HOUR = 3_600
DAY = 24 * HOUR
DEFAULT_LIFETIME = 7 * DAY
SHORTEST_LIFETIME = HOUR
LONGEST_LIFETIME = 30 * DAY
SECRET_BYTES = 32  # 256 bits from `secrets`: no one guesses a live token
_KINDS = "|".join(kind.value for kind in ContentType)
TOKEN_PATTERN = rf"^({_KINDS})-({ID_PATTERN[1:-1]})-([0-9a-f]{{{2 * SECRET_BYTES}}})$"
TOKEN_MIN_LENGTH = min(map(len, ContentType)) + 1 + ID_LENGTH + 1 + 2 * SECRET_BYTES
TOKEN_MAX_LENGTH = max(map(len, ContentType)) + 1 + ID_LENGTH + 1 + 2 * SECRET_BYTES
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewToken:
    """`<kind>-<id>-<64 hex digits>`: hyphens and hex only, so it sits in any URL as it is."""

    kind: ContentType
    item_id: str
    secret: str = field(repr=False)

    @classmethod
    def minted(cls, *, kind: ContentType, item_id: str) -> "PreviewToken":
        return cls(kind=kind, item_id=item_id, secret=secrets.token_hex(SECRET_BYTES))

    @classmethod
    def parsed(cls, text: str) -> "PreviewToken | None":
        """None for anything this API could not have minted (checked before any read)."""
        found = _TOKEN.fullmatch(text) if len(text) <= TOKEN_MAX_LENGTH else None
        if found is None:
            return None
        kind, item_id, secret = found.groups()
        return cls(kind=ContentType(kind), item_id=item_id, secret=secret)

    @property
    def text(self) -> str:
        return f"{self.kind.value}-{self.item_id}-{self.secret}"

    def digest(self) -> str:
        """What the table keeps: SHA-256 of the whole token, hex. The token itself never."""
        return hashlib.sha256(self.text.encode()).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewRecord:
    """The stored side of an item's live link: its token's digest and when it dies."""

    token_digest: str = field(repr=False)
    expires_at: int  # epoch seconds


Lifetime = Annotated[
    int,
    Field(
        strict=True,
        ge=SHORTEST_LIFETIME,
        le=LONGEST_LIFETIME,
        description="Seconds the link lives: 3,600 (an hour) to 2,592,000 (30 days).",
    ),
]


class PreviewLinkRequest(RequestSchema):
    """An optional body; without it a link lives 7 days."""

    expires_in: Lifetime = DEFAULT_LIFETIME


class PreviewLink(ResponseSchema):
    url: str = Field(description="The site's preview page for this token.")
    token: str = Field(description="The secret: whoever holds it reads the item until it dies.")
    expires_at: str = Field(description="ISO-8601 UTC; the link answers 404 from then on.")


class PostPreview(ResponseSchema):
    kind: Literal[ContentType.BLOG]
    item: PostPublic
    expires_at: str


class ProjectPreview(ResponseSchema):
    kind: Literal[ContentType.PROJECT]
    item: ProjectPublic
    expires_at: str


class CertificationPreview(ResponseSchema):
    kind: Literal[ContentType.CERTIFICATION]
    item: CertificationPublic
    expires_at: str


# The frontend renders `item` by `kind`, as it would the kind's own public page.
Preview = Annotated[
    PostPreview | ProjectPreview | CertificationPreview, Field(discriminator="kind")
]
PREVIEW: TypeAdapter[PostPreview | ProjectPreview | CertificationPreview] = TypeAdapter(Preview)
