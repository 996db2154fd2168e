"""Visitors: counted once per UTC day under a daily-salted hash, and their trends."""

from portfolio_api.core.calendar import day_key, day_label, last_days, last_months, utc_day
from portfolio_api.core.clock import Clock
from portfolio_api.core.logging import logger
from portfolio_api.core.metrics import BusinessMetric, MetricsSink
from portfolio_api.models.analytics import (
    Counter,
    DailyVisitors,
    MonthlyVisitors,
    Outcome,
    Visit,
    VisitorSignal,
    VisitTracked,
)
from portfolio_api.repositories.analytics import AnalyticsRepository
from portfolio_api.services.bots import is_automated
from portfolio_api.services.identities import VisitorIdentities


class VisitorService:
    def __init__(
        self,
        *,
        counts: AnalyticsRepository,
        identities: VisitorIdentities,
        clock: Clock,
        metrics: MetricsSink,
    ) -> None:
        self._counts = counts
        self._identities = identities
        self._clock = clock
        self._metrics = metrics

    def track(self, *, signal: VisitorSignal) -> VisitTracked:
        if is_automated(signal.user_agent):
            return VisitTracked(count=self.count(), tracked=False)
        today = self._identities.today()
        visit = Visit(
            visitor=self._identities.of(signal=signal, today=today),
            client=self._identities.client_of(ip=signal.ip, today=today),
            day=today.key,
            month=today.month,
            now=today.now,
            expires_at=today.midnight,
        )
        counted = self._counts.record_visit(visit=visit) is Outcome.COUNTED
        if counted:
            self._metrics.count(BusinessMetric.VISITS_COUNTED)
        logger.info("visit tracked", extra={"counted": counted})
        return VisitTracked(count=self.count(), tracked=counted)

    def count(self) -> int:
        return self._counts.total(counter=Counter.VISITS)

    def daily(self, *, days: int) -> list[DailyVisitors]:
        wanted = last_days(today=utc_day(self._clock.now()), count=days)
        keys = [day_key(day) for day in wanted]
        counts = self._counts.series(counter=Counter.VISITS_BY_DAY, first=keys[0], last=keys[-1])
        return [
            DailyVisitors(date=day_label(day), visitors=counts.get(key, 0), day=key)
            for day, key in zip(wanted, keys, strict=True)
        ]

    def monthly(self, *, months: int) -> list[MonthlyVisitors]:
        wanted = last_months(today=utc_day(self._clock.now()), count=months)
        first, last = wanted[0].key, wanted[-1].key
        counts = self._counts.series(counter=Counter.VISITS_BY_MONTH, first=first, last=last)
        return [
            MonthlyVisitors(
                month=month.label, visitors=counts.get(month.key, 0), year_month=month.key
            )
            for month in wanted
        ]
