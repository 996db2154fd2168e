"""Visitors: counted once per UTC day under a daily-salted hash, and their trends."""

from portfolio_api.core.agents import software_of
from portfolio_api.core.calendar import (
    day_key,
    day_label,
    last_days,
    last_months,
    utc_day,
)
from portfolio_api.core.clock import Clock
from portfolio_api.core.logging import logger
from portfolio_api.core.metrics import BusinessMetric, MetricsSink
from portfolio_api.core.pages import page_of, source_of
from portfolio_api.core.zones import UNKNOWN, country_code, country_of_zone
from portfolio_api.models.analytics import (
    Counter,
    DailyVisitors,
    MonthlyVisitors,
    Outcome,
    TrackVisit,
    Traits,
    Visit,
    VisitorSignal,
    VisitTracked,
)
from portfolio_api.repositories.analytics import AnalyticsRepository
from portfolio_api.services.bots import is_automated
from portfolio_api.services.identities import Today, VisitorIdentities


def traits_of(
    signal: VisitorSignal, page: TrackVisit, *, viewer_country: str | None, site_host: str
) -> Traits:
    """What a visit counts under: a host, three tags, a country and three software families.
    The raw User-Agent, URL and referrer stop here."""
    software = software_of(signal.user_agent)
    tags = page_of(page.url) if page.url is not None else None
    zone_country = country_of_zone(page.time_zone) if page.time_zone is not None else None
    return Traits(
        referrer=source_of(page.referrer, own_host=site_host),
        utm_source=tags.utm_source if tags else None,
        utm_medium=tags.utm_medium if tags else None,
        utm_campaign=tags.utm_campaign if tags else None,
        country=zone_country or country_code(viewer_country) or UNKNOWN,
        browser=software.browser,
        os=software.os,
        device_type=software.device_type,
    )


class VisitorService:
    def __init__(
        self,
        *,
        counts: AnalyticsRepository,
        identities: VisitorIdentities,
        clock: Clock,
        metrics: MetricsSink,
        site_host: str,
    ) -> None:
        self._counts = counts
        self._identities = identities
        self._clock = clock
        self._metrics = metrics
        self._site_host = site_host

    def track(
        self,
        *,
        signal: VisitorSignal,
        page: TrackVisit | None = None,
        viewer_country: str | None = None,
    ) -> VisitTracked:
        """`tracked` says whether a visitor was counted; a later call of the day with a page
        counts a pageview and still answers false, as a repeat always has."""
        if is_automated(signal.user_agent):
            return VisitTracked(count=self.count(), tracked=False)
        today = self._identities.today()
        outcome = self._counts.record_visit(visit=self._visit(signal, page, viewer_country, today))
        counted = outcome is Outcome.COUNTED
        if counted:
            self._metrics.count(BusinessMetric.VISITS_COUNTED)
        logger.info("visit tracked", extra={"counted": counted, "outcome": outcome.value})
        return VisitTracked(count=self.count(), tracked=counted)

    def _visit(
        self,
        signal: VisitorSignal,
        page: TrackVisit | None,
        viewer_country: str | None,
        today: Today,
    ) -> Visit:
        sent = page or TrackVisit()
        return Visit(
            visitor=self._identities.of(signal=signal, today=today),
            client=self._identities.client_of(ip=signal.ip, today=today),
            day=today.key,
            month=today.month,
            now=today.now,
            expires_at=today.midnight,
            traits=traits_of(
                signal, sent, viewer_country=viewer_country, site_host=self._site_host
            ),
            page=page_of(sent.url).path if sent.url is not None else None,
        )

    def count(self) -> int:
        return self._counts.total(counter=Counter.VISITS)

    def daily(self, *, days: int) -> list[DailyVisitors]:
        wanted = last_days(today=utc_day(self._clock.now()), count=days)
        keys = [day_key(day) for day in wanted]
        counts = self._counts.series(counter=Counter.VISITS_BY_DAY, first=keys[0], last=keys[-1])
        views = self._counts.series(counter=Counter.PAGEVIEWS_BY_DAY, first=keys[0], last=keys[-1])
        return [
            DailyVisitors(
                date=day_label(day),
                visitors=counts.get(key, 0),
                pageviews=views.get(key, 0),
                day=key,
            )
            for day, key in zip(wanted, keys, strict=True)
        ]

    def monthly(self, *, months: int) -> list[MonthlyVisitors]:
        wanted = last_months(today=utc_day(self._clock.now()), count=months)
        first, last = wanted[0].key, wanted[-1].key
        counts = self._counts.series(counter=Counter.VISITS_BY_MONTH, first=first, last=last)
        views = self._counts.series(counter=Counter.PAGEVIEWS_BY_MONTH, first=first, last=last)
        return [
            MonthlyVisitors(
                month=month.label,
                visitors=counts.get(month.key, 0),
                pageviews=views.get(month.key, 0),
                year_month=month.key,
            )
            for month in wanted
        ]
