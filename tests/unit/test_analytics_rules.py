"""Analytics rules that need no table: bots, calendars, client addresses, transaction retries."""

from collections.abc import Callable
from datetime import date
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber
from starlette.datastructures import Address

from portfolio_api.api.client_ip import client_ip
from portfolio_api.core.calendar import Month, day_label, last_days, last_months
from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.models.analytics import ContentType, Outcome, Visit
from portfolio_api.repositories.analytics import TRANSACT_ATTEMPTS, AnalyticsRepository
from portfolio_api.repositories.stats import DailyStats
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.services.bots import is_automated
from tests.helpers.aws import REGION, transaction_collided
from tests.helpers.clock import FakeClock
from tests.helpers.visitors import BOT_AGENTS, BROWSER_AGENTS, COMMON_BOTS, REAL_BROWSERS


@pytest.mark.parametrize("agent", BOT_AGENTS + COMMON_BOTS)
def test_crawlers_previews_monitors_and_libraries_are_automated(agent: str) -> None:
    assert is_automated(agent)


@pytest.mark.parametrize("agent", BROWSER_AGENTS + REAL_BROWSERS)
def test_browsers_are_people(agent: str) -> None:
    assert not is_automated(agent)


@pytest.mark.parametrize("agent", REAL_BROWSERS)
def test_a_browsers_case_and_spacing_leave_it_a_browser(agent: str) -> None:
    # WHEN a browser's User-Agent arrives upper-cased, or padded with its spaces doubled
    variants = [agent.upper(), f" {agent.replace(' ', '  ')}\t"]
    # THEN it is still a person (and, folded, the same visitor)
    assert not any(is_automated(variant) for variant in variants)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        "Mozilla/5.0 Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; SomeNewBot/1.0) AppleWebKit",
        "Mozilla/4.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko)",
        "Chrome/131.0.0.0 Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36",
        "Mozilla/5.0 () AppleWebKit/537.36",
    ],
)
def test_a_user_agent_without_a_browsers_shape_is_automated(agent: str) -> None:
    # GIVEN a User-Agent on no list, missing the platform, the engine, or the Mozilla/5.0 lead
    # WHEN it is checked
    # THEN it is not taken for a person
    assert is_automated(agent)


def test_days_run_back_across_month_and_year_ends() -> None:
    days = last_days(today=date(2026, 3, 1), count=3)
    assert days == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1)]
    assert [day_label(day) for day in last_days(today=date(2026, 1, 1), count=2)] == [
        "Dec 31",
        "Jan 1",
    ]


def test_months_are_calendar_months_across_the_year_end() -> None:
    months = last_months(today=date(2026, 2, 28), count=4)
    assert [month.key for month in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert [month.label for month in months] == ["Nov", "Dec", "Jan", "Feb"]
    assert Month.of(date(2026, 1, 31)).previous() == Month(year=2025, month=12)


@pytest.mark.parametrize(
    ("peer", "forwarded", "hops", "expected"),
    [
        (Address("10.0.0.1", 5), None, 0, "10.0.0.1"),
        (Address("10.0.0.1", 5), "203.0.113.1", 0, "10.0.0.1"),
        (Address("10.0.0.1", 5), "spoofed, 203.0.113.1", 1, "203.0.113.1"),
        (Address("10.0.0.1", 5), "198.51.100.1, 203.0.113.1", 2, "198.51.100.1"),
        (Address("10.0.0.1", 5), "203.0.113.1", 2, "10.0.0.1"),
        (None, None, 0, ""),
    ],
)
def test_the_client_address_comes_from_a_source_the_deployment_trusts(
    peer: Address | None, forwarded: str | None, hops: int, expected: str
) -> None:
    # GIVEN the peer (API Gateway's sourceIp under Lambda, which Mangum puts in the scope)
    # WHEN the address is taken with N trusted proxy hops in front
    # THEN it is the Nth from the right of X-Forwarded-For, or else the peer
    assert client_ip(peer, forwarded_for=forwarded, trusted_hops=hops) == expected


def _stubbed_repository() -> tuple[AnalyticsRepository, Stubber, FakeClock]:
    client = boto3.client("dynamodb", region_name=REGION)
    clock = FakeClock()
    repository = AnalyticsRepository(
        client=client,
        table_name="t",
        ephemeral_table_name="e",
        shards=4,
        per_client=10,
        views=ViewCounters(client=client, table_name="t"),
        stats=DailyStats(client=client, table_name="t", shards=4, cap=30),
        pageviews_per_visitor=50,
        retention_days=730,
        content={},
        clock=clock,
    )
    return repository, Stubber(client), clock


VISIT = Visit(visitor="v", client="c", day="2026-11-26", month="2026-11", now=1, expires_at=2)


def _in_progress() -> dict[str, Any]:
    return {
        "service_error_code": "TransactionInProgressException",
        "service_message": "Transaction is in progress",
        "http_status_code": 400,
    }


@pytest.mark.parametrize("refusal", [transaction_collided, _in_progress])
def test_a_transaction_that_collided_is_tried_again(refusal: Callable[[], dict[str, Any]]) -> None:
    # GIVEN DynamoDB refusing the first two attempts: a conflict, or a token still in progress
    repository, stubber, clock = _stubbed_repository()
    for _ in range(2):
        stubber.add_client_error("transact_write_items", **refusal())
    stubber.add_response(
        "transact_write_items", {}, {"TransactItems": ANY, "ClientRequestToken": ANY}
    )
    # WHEN a visit is recorded
    with stubber:
        outcome = repository.record_visit(visit=VISIT)
    # THEN the third attempt counted it, after a pause each time
    assert outcome is Outcome.COUNTED
    stubber.assert_no_pending_responses()
    assert clock.sleeps == 2


def test_endless_collisions_end_in_a_503_not_a_hang() -> None:
    repository, stubber, _ = _stubbed_repository()
    for _ in range(TRANSACT_ATTEMPTS):
        stubber.add_client_error("transact_write_items", **transaction_collided())
    with stubber, pytest.raises(DependencyUnavailable):
        repository.record_visit(visit=VISIT)


def test_other_transaction_failures_are_not_retried() -> None:
    repository, stubber, _ = _stubbed_repository()
    stubber.add_client_error(
        "transact_write_items", service_error_code="ValidationException", http_status_code=400
    )
    with stubber, pytest.raises(ClientError):
        repository.record_visit(visit=VISIT)
    stubber.assert_no_pending_responses()


def test_content_types_are_the_contracts() -> None:
    assert [member.value for member in ContentType] == ["blog", "project", "certification"]
