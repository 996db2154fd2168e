"""Visitor and content-view analytics: the events counted, and what the routes take and return."""

from dataclasses import dataclass, field
from enum import Enum, StrEnum

from pydantic import BaseModel, Field

from portfolio_api.models.base import RequestSchema, ResponseSchema
from portfolio_api.models.fields import Label


class ContentType(StrEnum):
    BLOG = "blog"
    PROJECT = "project"
    CERTIFICATION = "certification"


@dataclass(frozen=True, kw_only=True)
class VisitorSignal:
    """Who is asking, as the network sees it. Only ever hashed: repr hides both parts."""

    ip: str = field(repr=False)
    user_agent: str = field(repr=False)


class Counter(StrEnum):
    """What a counter counts: visits (in all, per day, per month), and views in all."""

    VISITS = "VISITS"
    VISITS_BY_DAY = "VISITS#DAY"
    VISITS_BY_MONTH = "VISITS#MONTH"
    VIEWS = "VIEWS"


class Outcome(Enum):
    """What recording a visit or a view came to."""

    COUNTED = "counted"
    REPEAT = "repeat"
    NO_CONTENT = "no-content"
    # The client (one IP) brought its day's quota of new visitors, or viewers of the item.
    CAPPED = "capped"


@dataclass(frozen=True, kw_only=True)
class Visit:
    """A visit to count: the visitor's and its client's daily hashes, its day and month, and
    when it lapses."""

    visitor: str
    client: str
    day: str
    month: str
    now: int
    expires_at: int


@dataclass(frozen=True, kw_only=True)
class View:
    """A view of one published item to count, once per visitor, item and day."""

    visitor: str
    client: str
    content_type: ContentType
    content_id: str
    now: int
    expires_at: int


class VisitTracked(ResponseSchema):
    count: int = Field(description="All-time total of counted visits.")
    tracked: bool = Field(description="Whether this call counted (false for a repeat or a bot).")


class VisitorCount(ResponseSchema):
    count: int


class DailyVisitors(ResponseSchema):
    date: str = Field(description='The day as the dashboard labels it: "Nov 24".')
    visitors: int = Field(ge=0)
    day: str = Field(description="The UTC day, `YYYY-MM-DD`.")


class MonthlyVisitors(ResponseSchema):
    month: str = Field(description='The month\'s abbreviation: "Nov".')
    visitors: int = Field(ge=0)
    year_month: str = Field(description="The calendar month, `YYYY-MM`.")


class DailyTrends(ResponseSchema):
    trends: list[DailyVisitors]


class MonthlyTrends(ResponseSchema):
    trends: list[MonthlyVisitors]


class DaysQuery(BaseModel):
    days: int = Field(30, ge=1, le=90, description="How many UTC days, ending today.")


class MonthsQuery(BaseModel):
    months: int = Field(6, ge=1, le=12, description="How many calendar months, ending this one.")


class TopQuery(BaseModel):
    limit: int = Field(5, ge=1, le=20, description="How many items of each type.")


class TrackView(RequestSchema):
    content_id: Label
    content_type: ContentType


class ViewTracked(ResponseSchema):
    views: int = Field(description="The item's views, this one included when it counted.")
    tracked: bool = Field(description="Whether this call counted (false for a repeat or a bot).")


class ContentViews(ResponseSchema):
    content_id: str
    content_type: ContentType
    views: int


class ViewStats(ResponseSchema):
    content_type: ContentType
    stats: dict[str, int] = Field(description="Views by content id.")


class ContentViewStat(ResponseSchema):
    content_id: str
    views: int = Field(ge=0)
    title: str


class TopContent(ResponseSchema):
    blogs: list[ContentViewStat]
    projects: list[ContentViewStat]
    certifications: list[ContentViewStat]


class TotalViews(ResponseSchema):
    total_views: int
