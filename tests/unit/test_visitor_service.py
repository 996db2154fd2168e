"""The visitor service on in-process moto and a fake clock: counted once per visitor and UTC day,
bots never, and the daily and monthly series around day, month and year ends."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from portfolio_api.core.metrics import BusinessMetric, BusinessMetrics, metrics
from portfolio_api.models.analytics import VisitorSignal
from portfolio_api.repositories.attributes import EXPIRES_AT, key
from tests.helpers.analytics import Analytics, analytics_on, visitor
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock
from tests.helpers.in_process import in_process_dynamodb, recorded_calls
from tests.helpers.logs import captured_logs
from tests.helpers.visitors import BOT_AGENTS


def _utc(year: int, month: int, day: int, *time: int) -> datetime:
    """A UTC moment: _utc(2026, 11, 26) is its midnight, _utc(2026, 11, 26, 23, 59, 59) its end."""
    hour, minute, second = (*time, 0, 0, 0)[:3]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def backend() -> Iterator[Backend]:
    with in_process_dynamodb() as backend:
        yield backend


@pytest.fixture
def counted_metrics() -> Iterator[BusinessMetrics]:
    """The real metrics sink, counting as under Lambda; Powertools' one set emptied around."""
    metrics.clear_metrics()
    yield BusinessMetrics(environment="test", enabled=True)
    metrics.clear_metrics()


@pytest.fixture
def analytics(backend: Backend, counted_metrics: BusinessMetrics) -> Analytics:
    return analytics_on(backend, clock=FakeClock(_utc(2026, 11, 26, 12)), metrics=counted_metrics)


def _visit_at(analytics: Analytics, moment: datetime, signal: VisitorSignal) -> bool:
    analytics.clock.move_to(moment)
    return analytics.visitors.track(signal=signal).tracked


def _visits_counted() -> list[float]:
    counted = metrics.metric_set.get(BusinessMetric.VISITS_COUNTED.value, {})
    return list(counted.get("Value", []))


# --- tracking -------------------------------------------------------------------------------


def test_a_visitor_counts_once_a_day(analytics: Analytics) -> None:
    # WHEN one browser reports three page loads
    first, second, third = (analytics.visitors.track(signal=visitor(1)) for _ in range(3))
    # THEN the first counted, and every answer gives the all-time total
    assert (first.count, first.tracked) == (1, True)
    assert (second.count, second.tracked) == (third.count, third.tracked) == (1, False)
    assert analytics.visitors.count() == 1


def test_the_address_and_the_browser_each_tell_visitors_apart(analytics: Analytics) -> None:
    # WHEN two browsers visit from one address, and the first from another address too
    results = [
        analytics.visitors.track(signal=visitor(1, ip="198.51.100.1")),
        analytics.visitors.track(signal=visitor(2, ip="198.51.100.1")),
        analytics.visitors.track(signal=visitor(1, ip="198.51.100.2")),
    ]
    # THEN each is a visitor of its own
    assert [(result.count, result.tracked) for result in results] == [
        (1, True),
        (2, True),
        (3, True),
    ]


def test_a_counted_visit_is_a_business_metric_and_a_log_line_a_repeat_only_a_log_line(
    analytics: Analytics,
) -> None:
    # WHEN a visitor is counted, then comes again
    with captured_logs() as logs:
        analytics.visitors.track(signal=visitor(1))
        analytics.visitors.track(signal=visitor(1))
    # THEN one visit is counted for CloudWatch
    assert _visits_counted() == [1.0]
    # AND each call logged whether it counted, and nothing about who it was
    tracked = [line for line in logs.lines if line["message"] == "visit tracked"]
    assert [line["counted"] for line in tracked] == [True, False]
    assert visitor(1).ip not in logs.text
    assert "Firefox" not in logs.text


@pytest.mark.parametrize("agent", BOT_AGENTS)
def test_bots_get_the_total_and_are_never_recorded(
    analytics: Analytics, backend: Backend, agent: str
) -> None:
    # GIVEN one counted visitor
    analytics.visitors.track(signal=visitor(1))
    metrics.clear_metrics()
    # WHEN a bot (or a client without a User-Agent) calls track
    with captured_logs() as logs, recorded_calls(backend.client) as calls:
        answer = analytics.visitors.track(signal=VisitorSignal(ip="203.0.113.9", user_agent=agent))
    # THEN it gets the all-time total, untracked, and nothing was written, counted or logged
    assert (answer.count, answer.tracked) == (1, False)
    assert calls.operations == ["BatchGetItem"]
    assert _visits_counted() == []
    assert logs.lines == []
    assert analytics.visitors.count() == 1


def test_a_visit_at_235959_and_one_at_midnight_are_two_days(analytics: Analytics) -> None:
    # WHEN one browser comes at 23:59:59 UTC twice, then at 00:00:00 twice
    before = [_visit_at(analytics, _utc(2026, 11, 26, 23, 59, 59), visitor(1)) for _ in range(2)]
    after = [_visit_at(analytics, _utc(2026, 11, 27, 0, 0, 0), visitor(1)) for _ in range(2)]
    # THEN it counts once on each day
    assert (before, after) == ([True, False], [True, False])
    days = analytics.visitors.daily(days=2)
    assert [(point.day, point.visitors) for point in days] == [
        ("2026-11-26", 1),
        ("2026-11-27", 1),
    ]
    assert analytics.visitors.count() == 2


@pytest.mark.parametrize(
    ("moment", "midnight"),
    [
        (_utc(2026, 11, 26, 0, 0, 0), _utc(2026, 11, 27)),
        (_utc(2026, 11, 26, 23, 59, 59), _utc(2026, 11, 27)),
        (_utc(2026, 12, 31, 23, 59, 59), _utc(2027, 1, 1)),
        (_utc(2027, 1, 1, 0, 0, 0), _utc(2027, 1, 2)),
    ],
)
def test_the_dedup_record_lapses_exactly_at_the_next_utc_midnight(
    analytics: Analytics, backend: Backend, moment: datetime, midnight: datetime
) -> None:
    # WHEN a visitor is counted at this moment
    assert _visit_at(analytics, moment, visitor(1))
    # THEN its record of the day (kept under its daily hash) expires at the next UTC midnight
    identities = analytics.identities
    hashed = identities.of(signal=visitor(1), today=identities.today())
    record = backend.client.get_item(
        TableName=backend.ephemeral, Key=key(f"VISITOR#{hashed}", "VISIT"), ConsistentRead=True
    )["Item"]
    assert int(record[EXPIRES_AT]["N"]) == int(midnight.timestamp())


# --- daily and monthly series ---------------------------------------------------------------


def test_daily_visitors_are_every_day_of_the_window_oldest_first_zeros_included(
    analytics: Analytics,
) -> None:
    # GIVEN visits the day before a five-day window, on its first day (two), its third, and today
    for number, moment in enumerate(
        [
            _utc(2026, 11, 21, 23, 59, 59),
            _utc(2026, 11, 22, 0, 0, 0),
            _utc(2026, 11, 22, 18, 0, 0),
            _utc(2026, 11, 24, 9, 0, 0),
            _utc(2026, 11, 26, 23, 59, 59),
        ]
    ):
        assert _visit_at(analytics, moment, visitor(number))
    # WHEN the five days to today are asked for
    days = analytics.visitors.daily(days=5)
    # THEN each day is there once, oldest first, labelled, an empty day as 0
    assert [(point.day, point.date, point.visitors) for point in days] == [
        ("2026-11-22", "Nov 22", 2),
        ("2026-11-23", "Nov 23", 0),
        ("2026-11-24", "Nov 24", 1),
        ("2026-11-25", "Nov 25", 0),
        ("2026-11-26", "Nov 26", 1),
    ]


def test_daily_visitors_cross_the_year_end(analytics: Analytics) -> None:
    # GIVEN one visitor on New Year's Eve and again on New Year's Day
    assert _visit_at(analytics, _utc(2026, 12, 31, 12), visitor(1))
    assert _visit_at(analytics, _utc(2027, 1, 1, 12), visitor(1))
    # WHEN the last three days are asked for on New Year's Day
    days = analytics.visitors.daily(days=3)
    # THEN they run on from December into January
    assert [(point.day, point.date, point.visitors) for point in days] == [
        ("2026-12-30", "Dec 30", 0),
        ("2026-12-31", "Dec 31", 1),
        ("2027-01-01", "Jan 1", 1),
    ]


def test_a_one_day_window_is_today(analytics: Analytics) -> None:
    # GIVEN a visitor yesterday and two today
    assert _visit_at(analytics, _utc(2026, 11, 25, 12), visitor(1))
    assert _visit_at(analytics, _utc(2026, 11, 26, 12), visitor(2))
    assert _visit_at(analytics, _utc(2026, 11, 26, 13), visitor(3))
    # WHEN one day is asked for
    (today,) = analytics.visitors.daily(days=1)
    # THEN it is today's two alone
    assert (today.day, today.date, today.visitors) == ("2026-11-26", "Nov 26", 2)


def test_monthly_visitors_are_calendar_months_the_oldest_included(analytics: Analytics) -> None:
    # GIVEN visits the month before a four-month window, in its first month, its third (two)
    # and its last, across the year end
    for number, moment in enumerate(
        [
            _utc(2025, 10, 31, 23, 59, 59),
            _utc(2025, 11, 1, 0, 0, 0),
            _utc(2026, 1, 1, 0, 0, 0),
            _utc(2026, 1, 31, 23, 59, 59),
            _utc(2026, 2, 28, 12, 0, 0),
        ]
    ):
        assert _visit_at(analytics, moment, visitor(number))
    # WHEN four months to February are asked for
    months = analytics.visitors.monthly(months=4)
    # THEN November to February, each labelled, December empty as 0
    assert [(point.year_month, point.month, point.visitors) for point in months] == [
        ("2025-11", "Nov", 1),
        ("2025-12", "Dec", 0),
        ("2026-01", "Jan", 2),
        ("2026-02", "Feb", 1),
    ]
    # AND the all-time count has every visit, the one before the window too
    assert analytics.visitors.count() == 5


def test_a_one_month_window_is_this_month(analytics: Analytics) -> None:
    # GIVEN a visitor in the last second of October and the first of November
    assert _visit_at(analytics, _utc(2026, 10, 31, 23, 59, 59), visitor(1))
    assert _visit_at(analytics, _utc(2026, 11, 1, 0, 0, 0), visitor(1))
    # WHEN one month is asked for
    (month,) = analytics.visitors.monthly(months=1)
    # THEN it is November's visit alone
    assert (month.year_month, month.month, month.visitors) == ("2026-11", "Nov", 1)


def test_months_without_visits_are_zeros(analytics: Analytics) -> None:
    # WHEN three months are asked for before anyone came
    months = analytics.visitors.monthly(months=3)
    # THEN each is there, oldest first, as 0
    assert [(point.year_month, point.visitors) for point in months] == [
        ("2026-09", 0),
        ("2026-10", 0),
        ("2026-11", 0),
    ]
