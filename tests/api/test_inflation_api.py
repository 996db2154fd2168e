"""What one client cannot inflate, over HTTP on DynamoDB Local: new visitors and viewers per
address and day (VISITORS_PER_CLIENT_DAY), a browser's case and spacing, and bots.

The app sits behind one trusted proxy here, so each call names its address in X-Forwarded-For.
"""

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.core.calendar import day_key, epoch_seconds, start_of, utc_day
from portfolio_api.factory import create_app
from portfolio_api.repositories.attributes import key
from tests.helpers.analytics import daily_hash, folded_agent
from tests.helpers.app import serve
from tests.helpers.clock import FakeClock
from tests.helpers.content import POSTS, Callers
from tests.helpers.visitors import (
    COMMON_BOTS,
    REAL_BROWSERS,
    address,
    browser,
    from_address,
    track_view,
    track_visit,
    views_of,
    visitor_count,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

QUOTA = Settings.model_fields["visitors_per_client_day"].default


@pytest.fixture
def api(settings: Settings, stopped_clock: FakeClock) -> Iterator[httpx.Client]:
    """The app behind one trusted proxy, on a clock only the test moves (Cognito's tokens
    follow real time: five minutes' leeway)."""
    trusting = settings.model_copy(update={"trusted_proxy_hops": 1, "token_leeway_seconds": 300})
    container = build_container(trusting, clock=stopped_clock)
    with serve(create_app(settings=trusting, container=container)) as client:
        yield client


def _tracked(api: httpx.Client, headers: dict[str, str]) -> bool:
    tracked: bool = track_visit(api, headers)["tracked"]
    return tracked


def _viewed(api: httpx.Client, post_id: str, headers: dict[str, str]) -> bool:
    response = track_view(api, POSTS, post_id, headers)
    assert response.status_code == 200, response.text
    tracked: bool = response.json()["tracked"]
    return tracked


def test_50_user_agents_from_one_address_add_exactly_the_quota(api: httpx.Client) -> None:
    # WHEN one address sends 50 different User-Agents
    tracked = [_tracked(api, from_address(1, browser(n))) for n in range(50)]
    # THEN the first QUOTA counted, and no more
    assert tracked == [True] * QUOTA + [False] * (50 - QUOTA)
    assert visitor_count(api) == QUOTA
    # AND another address still brings its own visitors
    assert _tracked(api, from_address(2, browser(0))) is True


def test_case_and_whitespace_variants_of_one_browser_count_once(api: httpx.Client) -> None:
    # WHEN one browser's User-Agent arrives as sent, upper-cased, lower-cased and re-spaced (a
    # header's value carries no whitespace at its ends: servers strip it)
    agent = REAL_BROWSERS[0]
    variants = [agent, agent.upper(), agent.lower(), agent.replace(" ", " \t  ")]
    tracked = [_tracked(api, from_address(1, {"User-Agent": variant})) for variant in variants]
    # THEN it is one visitor
    assert tracked == [True, False, False, False]
    assert visitor_count(api) == 1


def test_a_call_over_the_quota_writes_nothing(
    api: httpx.Client,
    callers: Callers,
    stopped_clock: FakeClock,
    dynamodb: "DynamoDBClient",
    ephemeral_table: str,
) -> None:
    # GIVEN an address that brought its quota of visitors today
    for number in range(QUOTA):
        assert _tracked(api, from_address(1, browser(number)))
    # WHEN one more new browser calls from it
    capped = track_visit(api, from_address(1, browser(QUOTA)))
    # THEN it is told the total, untracked, and no counter moved
    assert capped == {"count": QUOTA, "tracked": False}
    trends = api.get("/v1/visitors/trends/daily?days=1", headers=callers.owner).json()["trends"]
    assert trends[-1]["visitors"] == QUOTA
    # AND it left no dedup record, and the address's quota stayed at its limit
    today = utc_day(stopped_clock.now())
    salt_key = key(f"SALT#{day_key(today)}", "SALT")
    salt = dynamodb.get_item(TableName=ephemeral_table, Key=salt_key)["Item"]["salt"]["B"]
    agent = folded_agent(browser(QUOTA)["User-Agent"])
    seen = key(f"VISITOR#{daily_hash(salt, address(1), agent)}", "VISIT")
    assert "Item" not in dynamodb.get_item(TableName=ephemeral_table, Key=seen)
    midnight = epoch_seconds(start_of(today + timedelta(days=1)))
    quota = key(f"CLIENT#{daily_hash(salt, 'client', address(1))}", f"VISITS#{midnight}")
    stored = dynamodb.get_item(TableName=ephemeral_table, Key=quota, ConsistentRead=True)
    assert stored["Item"]["count"] == {"N": str(QUOTA)}


def test_one_address_adds_at_most_the_quota_of_viewers_of_each_item(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN two published posts
    first, second = (POSTS.create_published(api, callers.owner) for _ in range(2))
    # WHEN 12 browsers from one address open the first, and the last of them the second
    tracked = [_viewed(api, first["id"], from_address(1, browser(n))) for n in range(12)]
    other = _viewed(api, second["id"], from_address(1, browser(11)))
    # THEN the first post counted QUOTA viewers; the second has a quota of its own
    assert tracked == [True] * QUOTA + [False] * (12 - QUOTA)
    assert views_of(api, POSTS, first["id"], callers.anonymous) == QUOTA
    assert other is True
    total = api.get("/v1/analytics/total-views", headers=callers.owner).json()["totalViews"]
    assert total == QUOTA + 1


def test_the_quota_starts_again_the_next_day(api: httpx.Client, stopped_clock: FakeClock) -> None:
    # GIVEN an address that brought its quota today
    for number in range(QUOTA):
        assert _tracked(api, from_address(1, browser(number)))
    assert _tracked(api, from_address(1, browser(QUOTA))) is False
    # WHEN a new browser comes from it after the next UTC midnight
    now = stopped_clock.now()
    stopped_clock.advance(86_400 - (now.hour * 3600 + now.minute * 60 + now.second) + 1)
    # THEN it counts, and so does one that was refused yesterday
    assert _tracked(api, from_address(1, browser(QUOTA + 1))) is True
    assert _tracked(api, from_address(1, browser(QUOTA))) is True
    assert visitor_count(api) == QUOTA + 2


def test_common_bots_are_never_counted(api: httpx.Client, callers: Callers) -> None:
    # GIVEN a published post
    post = POSTS.create_published(api, callers.owner)
    # WHEN each of the common bots, from an address of its own, tracks a visit and a view
    visits = [
        _tracked(api, from_address(n, {"User-Agent": bot})) for n, bot in enumerate(COMMON_BOTS)
    ]
    views = [
        _viewed(api, post["id"], from_address(n, {"User-Agent": bot}))
        for n, bot in enumerate(COMMON_BOTS)
    ]
    # THEN none counted
    assert len(COMMON_BOTS) >= 59
    assert not any(visits)
    assert not any(views)
    assert visitor_count(api) == 0
    assert views_of(api, POSTS, post["id"], callers.anonymous) == 0


def test_real_browsers_are_counted(api: httpx.Client, callers: Callers) -> None:
    # GIVEN a published post
    post = POSTS.create_published(api, callers.owner)
    # WHEN each browser, desktop, mobile and in-app, visits and views it from an address of its own
    visits = [
        _tracked(api, from_address(n, {"User-Agent": agent}))
        for n, agent in enumerate(REAL_BROWSERS)
    ]
    views = [
        _viewed(api, post["id"], from_address(n, {"User-Agent": agent}))
        for n, agent in enumerate(REAL_BROWSERS)
    ]
    # THEN every one counted
    assert all(visits)
    assert all(views)
    assert visitor_count(api) == len(REAL_BROWSERS)
    assert views_of(api, POSTS, post["id"], callers.anonymous) == len(REAL_BROWSERS)
