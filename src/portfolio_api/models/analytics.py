"""Visitor and content-view analytics: the events counted, and what the routes take and return."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from portfolio_api.models.base import RequestSchema, ResponseSchema
from portfolio_api.models.fields import MAX_URL_LENGTH, ONE_LINE, Label

# One request covers two years of days at most (730 rows, about 25 KB of CSV).
MAX_EXPORT_DAYS = 731


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
    """What a counter counts: visits (in all, per day, per month), pageviews (per day, per
    month), views in all, and views per day by content type (one attribute per type)."""

    VISITS = "VISITS"
    VISITS_BY_DAY = "VISITS#DAY"
    VISITS_BY_MONTH = "VISITS#MONTH"
    PAGEVIEWS_BY_DAY = "PAGEVIEWS#DAY"
    PAGEVIEWS_BY_MONTH = "PAGEVIEWS#MONTH"
    VIEWS = "VIEWS"
    VIEWS_BY_DAY = "VIEWS#DAY"


class Dimension(StrEnum):
    """What a day's visitors (pageviews for PAGE_VIEWS) are counted under: one item per day and
    dimension (and shard), one attribute per key."""

    REFERRER = "REFERRER"
    UTM_SOURCE = "UTM#SOURCE"
    UTM_MEDIUM = "UTM#MEDIUM"
    UTM_CAMPAIGN = "UTM#CAMPAIGN"
    PAGE_VIEWS = "PAGE#VIEWS"
    PAGE_VISITORS = "PAGE#VISITORS"
    BROWSER = "BROWSER"
    OS = "OS"
    DEVICE_TYPE = "DEVICE"
    COUNTRY = "COUNTRY"


class Outcome(Enum):
    """What recording a visit or a view came to."""

    COUNTED = "counted"
    # A visitor counted earlier today: this call counted a pageview alone.
    PAGEVIEW = "pageview"
    REPEAT = "repeat"
    NO_CONTENT = "no-content"
    # The client (one IP) brought its day's quota of new visitors, or viewers of the item.
    CAPPED = "capped"


@dataclass(frozen=True, kw_only=True)
class Traits:
    """What a visitor's first call of the day is counted under: each a short, bounded key."""

    referrer: str = "direct"
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    country: str = "unknown"
    browser: str = "Other"
    os: str = "Other"
    device_type: str = "desktop"

    def counted_under(self) -> list[tuple[Dimension, str]]:
        found = [
            (Dimension.REFERRER, self.referrer),
            (Dimension.UTM_SOURCE, self.utm_source),
            (Dimension.UTM_MEDIUM, self.utm_medium),
            (Dimension.UTM_CAMPAIGN, self.utm_campaign),
            (Dimension.COUNTRY, self.country),
            (Dimension.BROWSER, self.browser),
            (Dimension.OS, self.os),
            (Dimension.DEVICE_TYPE, self.device_type),
        ]
        return [(dimension, key) for dimension, key in found if key is not None]


@dataclass(frozen=True, kw_only=True)
class Visit:
    """A visit to count: the visitor's and its client's daily hashes, its day and month, and
    when it lapses.

    `page` is the path the call came from (None without a body: then only a visitor's first
    call of the day counts, as before pageviews existed).
    """

    visitor: str
    client: str
    day: str
    month: str
    now: int
    expires_at: int
    traits: Traits = field(default_factory=Traits)
    page: str | None = None


@dataclass(frozen=True, kw_only=True)
class View:
    """A view of one published item to count, once per visitor, item and day."""

    visitor: str
    client: str
    content_type: ContentType
    content_id: str
    day: str
    now: int
    expires_at: int


class VisitTracked(ResponseSchema):
    count: int = Field(description="All-time total of counted visits.")
    tracked: bool = Field(description="Whether this call counted (false for a repeat or a bot).")


TimeZone = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")
]
PageUrl = Annotated[str, StringConstraints(max_length=MAX_URL_LENGTH, pattern=ONE_LINE)]


class TrackVisit(RequestSchema):
    """What the page tells about itself; every field may be left out, and so may the body."""

    model_config = ConfigDict(strict=True)

    url: PageUrl | None = Field(None, description="`location.href`: only its path and utm_* kept.")
    referrer: PageUrl | None = Field(
        None, description="`document.referrer`: only its host kept; empty or this site: direct."
    )
    time_zone: TimeZone | None = Field(
        None, description="`Intl.DateTimeFormat().resolvedOptions().timeZone`, for the country."
    )


class VisitorCount(ResponseSchema):
    count: int


class DailyVisitors(ResponseSchema):
    date: str = Field(description='The day as the dashboard labels it: "Nov 24".')
    visitors: int = Field(ge=0)
    pageviews: int = Field(ge=0)
    day: str = Field(description="The UTC day, `YYYY-MM-DD`.")


class MonthlyVisitors(ResponseSchema):
    month: str = Field(description='The month\'s abbreviation: "Nov".')
    visitors: int = Field(ge=0)
    pageviews: int = Field(ge=0)
    year_month: str = Field(description="The calendar month, `YYYY-MM`.")


class DailyTrends(ResponseSchema):
    trends: list[DailyVisitors]


class MonthlyTrends(ResponseSchema):
    trends: list[MonthlyVisitors]


class DaysQuery(BaseModel):
    days: int = Field(30, ge=1, le=90, description="How many UTC days, ending today.")


class MonthsQuery(BaseModel):
    months: int = Field(6, ge=1, le=12, description="How many calendar months, ending this one.")


class RankQuery(BaseModel):
    days: int = Field(30, ge=1, le=90, description="How many UTC days, ending today.")
    limit: int = Field(10, ge=1, le=100, description="How many entries in each list.")


class ExportQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    first: date = Field(alias="from", description="The first UTC day, `YYYY-MM-DD`.")
    last: date = Field(
        alias="to", description="The last UTC day, `YYYY-MM-DD`, at most 2 years on."
    )

    @model_validator(mode="after")
    def _span(self) -> "ExportQuery":
        if self.last < self.first:
            raise ValueError("`to` must not be before `from`")
        if (self.last - self.first).days + 1 > MAX_EXPORT_DAYS:
            raise ValueError(f"one export covers at most {MAX_EXPORT_DAYS} days (2 years)")
        return self


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


class SourceVisitors(ResponseSchema):
    source: str
    visitors: int = Field(ge=0)


class MediumVisitors(ResponseSchema):
    medium: str
    visitors: int = Field(ge=0)


class CampaignVisitors(ResponseSchema):
    campaign: str
    visitors: int = Field(ge=0)


class UtmTags(ResponseSchema):
    sources: list[SourceVisitors]
    mediums: list[MediumVisitors]
    campaigns: list[CampaignVisitors]


class TrafficSources(ResponseSchema):
    referrers: list[SourceVisitors] = Field(description='Referring hosts; "direct" for none.')
    utm: UtmTags


class PageStat(ResponseSchema):
    path: str
    pageviews: int = Field(ge=0)
    visitors: int = Field(ge=0)


class TopPages(ResponseSchema):
    pages: list[PageStat] = Field(description="Most pageviews first.")


class NamedVisitors(ResponseSchema):
    name: str
    visitors: int = Field(ge=0)


class DeviceStats(ResponseSchema):
    browsers: list[NamedVisitors]
    operating_systems: list[NamedVisitors]
    device_types: list[NamedVisitors]


class CountryVisitors(ResponseSchema):
    country: str = Field(description='ISO 3166-1 alpha-2 code, or "unknown".')
    visitors: int = Field(ge=0)


class CountryStats(ResponseSchema):
    countries: list[CountryVisitors]


class ExportRow(ResponseSchema):
    date: str = Field(description="The UTC day, `YYYY-MM-DD`.")
    visitors: int = Field(ge=0)
    pageviews: int = Field(ge=0)
    blog_views: int = Field(ge=0)
    project_views: int = Field(ge=0)
    certification_views: int = Field(ge=0)


class DailyExport(ResponseSchema):
    rows: list[ExportRow]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ExportRow.model_json_schema(by_alias=True)["properties"])
        for row in self.rows:
            writer.writerow(row.model_dump(by_alias=True).values())
        return out.getvalue()


# The export's body as the document shows it: CSV, not a schema, so an example of its own,
# kept here rather than in models/examples.py, which only the document's first build imports.
DAILY_EXPORT_CSV = (
    "date,visitors,pageviews,blogViews,projectViews,certificationViews\n"
    "2026-11-23,41,97,28,9,1\n"
    "2026-11-24,45,112,30,12,3\n"
)
