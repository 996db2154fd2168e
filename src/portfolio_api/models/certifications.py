import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from portfolio_api.models.base import Schema
from portfolio_api.models.content import (
    ContentPublic,
    ContentUpdate,
    ContentWrite,
    ListQuery,
    ListResponse,
    StoredContent,
)
from portfolio_api.models.fields import Description, Flag, Icon, QueryFlag, Title, WebUrl


class CertificationType(StrEnum):
    CERTIFICATION = "certification"
    COURSE = "course"


def _iso_date_text(value: Any) -> Any:
    """Only `YYYY-MM-DD`: Pydantic alone would also take a Unix timestamp as a date."""
    if isinstance(value, date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise PydanticCustomError("date_format", "must be a date written YYYY-MM-DD")


CalendarDate = Annotated[date, BeforeValidator(_iso_date_text)]


class CertificationBase(Schema):
    name: Title
    issuer: Title
    icon: Icon
    type: CertificationType
    featured: Flag = False
    description: Description
    credential_url: WebUrl | None = None
    date_earned: CalendarDate


class CertificationCreate(CertificationBase, ContentWrite):
    """A new certification: it starts as a draft."""


class CertificationUpdate(CertificationBase, ContentUpdate):
    """The fields to change; `null` removes the credential link."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset({"credential_url"})


class CertificationPublic(ContentPublic, CertificationBase):
    pass


class Certification(StoredContent, CertificationPublic):
    NOUN: ClassVar[str] = "Certification"
    INDEXED = (*StoredContent.INDEXED, "type", "featured", "date_earned")

    @property
    def heading(self) -> str:
        return self.name

    def list_order(self) -> tuple[date, str]:
        """The most recently earned first."""
        return self.date_earned, self.id


class CertificationQuery(ListQuery[Certification]):
    type: CertificationType | None = None
    featured: QueryFlag | None = None

    def matches(self, item: Certification) -> bool:
        return (self.type is None or item.type is self.type) and (
            self.featured is None or item.featured is self.featured
        )


class CertificationList(ListResponse):
    certifications: list[CertificationPublic]
