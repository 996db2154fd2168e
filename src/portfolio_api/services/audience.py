"""Where visitors come from, what they read, on what, from where: ranked over the last days,
and the per-day export. Every read is a Query per shard over the days asked."""

from datetime import date, timedelta

from portfolio_api.core.calendar import day_key, last_days, utc_day
from portfolio_api.core.clock import Clock
from portfolio_api.models.analytics import (
    CampaignVisitors,
    ContentType,
    Counter,
    CountryStats,
    CountryVisitors,
    DailyExport,
    DeviceStats,
    Dimension,
    ExportRow,
    MediumVisitors,
    NamedVisitors,
    PageStat,
    SourceVisitors,
    TopPages,
    TrafficSources,
    UtmTags,
)
from portfolio_api.repositories.analytics import AnalyticsRepository


class AudienceService:
    def __init__(self, *, counts: AnalyticsRepository, clock: Clock) -> None:
        self._counts = counts
        self._clock = clock

    def sources(self, *, days: int, limit: int) -> TrafficSources:
        def top(dimension: Dimension) -> list[tuple[str, int]]:
            return self._top(dimension, days=days, limit=limit)

        return TrafficSources(
            referrers=[SourceVisitors(source=k, visitors=n) for k, n in top(Dimension.REFERRER)],
            utm=UtmTags(
                sources=[
                    SourceVisitors(source=k, visitors=n) for k, n in top(Dimension.UTM_SOURCE)
                ],
                mediums=[
                    MediumVisitors(medium=k, visitors=n) for k, n in top(Dimension.UTM_MEDIUM)
                ],
                campaigns=[
                    CampaignVisitors(campaign=k, visitors=n) for k, n in top(Dimension.UTM_CAMPAIGN)
                ],
            ),
        )

    def pages(self, *, days: int, limit: int) -> TopPages:
        """Most pageviews first; a page's visitors are those whose day included it."""
        visitors = self._totals(Dimension.PAGE_VISITORS, days=days)
        ranked = _ranked(self._totals(Dimension.PAGE_VIEWS, days=days), limit)
        return TopPages(
            pages=[
                PageStat(path=path, pageviews=views, visitors=visitors.get(path, 0))
                for path, views in ranked
            ]
        )

    def devices(self, *, days: int, limit: int) -> DeviceStats:
        def top(dimension: Dimension) -> list[NamedVisitors]:
            ranked = self._top(dimension, days=days, limit=limit)
            return [NamedVisitors(name=name, visitors=count) for name, count in ranked]

        return DeviceStats(
            browsers=top(Dimension.BROWSER),
            operating_systems=top(Dimension.OS),
            device_types=top(Dimension.DEVICE_TYPE),
        )

    def countries(self, *, days: int, limit: int) -> CountryStats:
        ranked = self._top(Dimension.COUNTRY, days=days, limit=limit)
        return CountryStats(
            countries=[CountryVisitors(country=code, visitors=count) for code, count in ranked]
        )

    def export(self, *, first: date, last: date) -> DailyExport:
        """One row per day from `first` to `last`, days without visits as zeros."""
        span = {"first": day_key(first), "last": day_key(last)}
        visitors = self._counts.series(counter=Counter.VISITS_BY_DAY, **span)
        pageviews = self._counts.series(counter=Counter.PAGEVIEWS_BY_DAY, **span)
        kinds = tuple(kind.value for kind in ContentType)
        views = self._counts.series_of(counter=Counter.VIEWS_BY_DAY, attributes=kinds, **span)
        rows = []
        for offset in range((last - first).days + 1):
            day = day_key(first + timedelta(days=offset))
            rows.append(
                ExportRow(
                    date=day,
                    visitors=visitors.get(day, 0),
                    pageviews=pageviews.get(day, 0),
                    blog_views=views[ContentType.BLOG.value].get(day, 0),
                    project_views=views[ContentType.PROJECT.value].get(day, 0),
                    certification_views=views[ContentType.CERTIFICATION.value].get(day, 0),
                )
            )
        return DailyExport(rows=rows)

    def _top(self, dimension: Dimension, *, days: int, limit: int) -> list[tuple[str, int]]:
        return _ranked(self._totals(dimension, days=days), limit)

    def _totals(self, dimension: Dimension, *, days: int) -> dict[str, int]:
        wanted = last_days(today=utc_day(self._clock.now()), count=days)
        first, last = day_key(wanted[0]), day_key(wanted[-1])
        return self._counts.ranked(dimension=dimension, first=first, last=last)


def _ranked(totals: dict[str, int], limit: int) -> list[tuple[str, int]]:
    """Most first; ties by name, so the order (and the ETag) never depends on the read."""
    return sorted(totals.items(), key=lambda entry: (-entry[1], entry[0]))[:limit]
