import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from portfolio_api.models.content import (
    ContentPublic,
    ContentSummary,
    ContentUpdate,
    ContentWrite,
    ListQuery,
    ListResponse,
    StoredContent,
)
from portfolio_api.models.fields import Description, Icon, Title, WebUrl


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


class CertificationCreate(ContentWrite):
    name: Title
    issuer: Title
    icon: Icon
    type: CertificationType
    featured: bool = False
    description: Description
    credential_url: WebUrl | None = None
    date_earned: CalendarDate


class CertificationUpdate(ContentUpdate):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"credential_url"})

    name: Title | None = None
    issuer: Title | None = None
    icon: Icon | None = None
    type: CertificationType | None = None
    featured: bool | None = None
    description: Description | None = None
    credential_url: WebUrl | None = None
    date_earned: CalendarDate | None = None


class CertificationPublic(ContentPublic):
    name: str
    issuer: str
    icon: str
    type: CertificationType
    featured: bool
    description: str
    credential_url: str | None = None
    date_earned: date


class Certification(CertificationPublic, StoredContent):
    @property
    def heading(self) -> str:
        return self.name


class CertificationSummary(ContentSummary):
    type: CertificationType
    featured: bool
    date_earned: date


class CertificationQuery(ListQuery):
    type: CertificationType | None = None
    featured: bool | None = None


class CertificationList(ListResponse):
    certifications: list[CertificationPublic]
