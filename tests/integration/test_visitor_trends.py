"""Trends across day, month and year boundaries: the visitor service on a moving clock."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from portfolio_api.models.analytics import VisitorSignal
from tests.helpers.analytics import Analytics, analytics_on
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def _visitor(number: int) -> VisitorSignal:
    return VisitorSignal(
        ip="192.0.2.1",
        user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 "
        f"Build/{number}",
    )


def _visits_at(analytics: Analytics, moments: list[datetime]) -> None:
    for number, moment in enumerate(moments):
        analytics.clock.advance((moment - analytics.clock.now()).total_seconds())
        assert analytics.visitors.track(signal=_visitor(number)).tracked is True


def test_daily_trends_cross_month_and_year_ends(
    dynamodb: "DynamoDBClient", table: str, ephemeral_table: str
) -> None:
    # GIVEN visits on 31 Dec (twice), on 1 Jan, and on 3 Jan
    analytics = analytics_on(
        Backend(dynamodb, table, ephemeral_table),
        clock=FakeClock(datetime(2025, 12, 30, tzinfo=UTC)),
    )
    _visits_at(
        analytics,
        [
            datetime(2025, 12, 31, 0, 0, 0, tzinfo=UTC),
            datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
            datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC),
            datetime(2026, 1, 3, 18, 0, 0, tzinfo=UTC),
        ],
    )
    # WHEN the five days to 3 Jan are asked for
    trends = analytics.visitors.daily(days=5)
    # THEN every day is there, oldest first, an empty day as 0
    assert [(point.day, point.date, point.visitors) for point in trends] == [
        ("2025-12-30", "Dec 30", 0),
        ("2025-12-31", "Dec 31", 2),
        ("2026-01-01", "Jan 1", 1),
        ("2026-01-02", "Jan 2", 0),
        ("2026-01-03", "Jan 3", 1),
    ]


def test_monthly_trends_are_calendar_months(
    dynamodb: "DynamoDBClient", table: str, ephemeral_table: str
) -> None:
    # GIVEN visits on 31 Jan and on 1 Mar, none in February
    analytics = analytics_on(
        Backend(dynamodb, table, ephemeral_table),
        clock=FakeClock(datetime(2025, 11, 1, tzinfo=UTC)),
    )
    _visits_at(
        analytics,
        [
            datetime(2025, 11, 30, 23, 59, 59, tzinfo=UTC),
            datetime(2026, 1, 31, 12, 0, 0, tzinfo=UTC),
            datetime(2026, 3, 1, 0, 0, 0, tzinfo=UTC),
        ],
    )
    # WHEN six months to March are asked for
    trends = analytics.visitors.monthly(months=6)
    # THEN October to March, calendar months, February and the others empty as 0
    assert [(point.year_month, point.month, point.visitors) for point in trends] == [
        ("2025-10", "Oct", 0),
        ("2025-11", "Nov", 1),
        ("2025-12", "Dec", 0),
        ("2026-01", "Jan", 1),
        ("2026-02", "Feb", 0),
        ("2026-03", "Mar", 1),
    ]
    # AND the all-time count has every visit
    assert analytics.visitors.count() == 3
