"""Visitor counting over HTTP on DynamoDB Local: once per visitor and UTC day, bots never."""

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.clock import FakeClock
from tests.helpers.content import Callers
from tests.helpers.visitors import BOT_AGENTS, BROWSER_AGENTS, browser, track_visit, visitor_count


@pytest.fixture
def api(stopped_api: httpx.Client) -> httpx.Client:
    """Every test here counts by the UTC day, so none may see midnight pass unless it says so."""
    return stopped_api


def test_a_visitor_counts_once_a_day(api: httpx.Client) -> None:
    # WHEN one browser reports three page loads
    first, second, third = (track_visit(api, browser(1)) for _ in range(3))
    # THEN only the first counted, and every answer gives the all-time total
    assert first == {"count": 1, "tracked": True}
    assert second == third == {"count": 1, "tracked": False}
    assert visitor_count(api) == 1


def test_different_browsers_on_one_address_are_different_visitors(api: httpx.Client) -> None:
    # WHEN every known browser visits from the same address
    results = [track_visit(api, {"User-Agent": agent}) for agent in BROWSER_AGENTS]
    # THEN each counted
    assert [result["tracked"] for result in results] == [True] * len(BROWSER_AGENTS)
    assert visitor_count(api) == len(BROWSER_AGENTS)


@pytest.mark.parametrize("agent", BOT_AGENTS)
def test_bots_are_answered_but_never_counted(api: httpx.Client, agent: str) -> None:
    # GIVEN one counted visitor
    track_visit(api, browser(1))
    # WHEN a bot (or a client without a User-Agent) calls track
    response = api.post("/v1/visitors/track", headers={"User-Agent": agent})
    # THEN it gets the total, untouched
    assert response.status_code == 200
    assert response.json() == {"count": 1, "tracked": False}
    assert visitor_count(api) == 1


def test_x_forwarded_for_is_ignored_unless_a_setting_trusts_it(api: httpx.Client) -> None:
    # WHEN one browser claims two different addresses
    first = track_visit(api, browser(1, **{"X-Forwarded-For": "198.51.100.1"}))
    second = track_visit(api, browser(1, **{"X-Forwarded-For": "198.51.100.2"}))
    # THEN the claims change nothing: it is one visitor
    assert (first["tracked"], second["tracked"]) == (True, False)


def test_with_trusted_proxies_the_forwarded_address_tells_visitors_apart(
    settings: Settings, stopped_clock: FakeClock
) -> None:
    # GIVEN an app behind one trusted proxy
    trusting = settings.model_copy(update={"trusted_proxy_hops": 1})
    container = build_container(trusting, clock=stopped_clock)
    with serve(create_app(settings=trusting, container=container)) as api:
        # WHEN one browser arrives through the proxy from two addresses, then the first again
        first = track_visit(api, browser(1, **{"X-Forwarded-For": "203.0.113.9, 198.51.100.1"}))
        second = track_visit(api, browser(1, **{"X-Forwarded-For": "198.51.100.2"}))
        again = track_visit(api, browser(1, **{"X-Forwarded-For": "evil, 198.51.100.1"}))
    # THEN the proxy's entry (the last) decides, and what the client wrote before it does not
    assert (first["tracked"], second["tracked"], again["tracked"]) == (True, True, False)


def test_the_same_visitor_counts_again_after_midnight(
    api: httpx.Client, stopped_clock: FakeClock
) -> None:
    # GIVEN a visit one second before midnight UTC, and a repeat
    stopped_clock.advance(_seconds_to_midnight(stopped_clock) - 1)
    assert track_visit(api, browser(1))["tracked"] is True
    assert track_visit(api, browser(1))["tracked"] is False
    # WHEN the same browser comes back two seconds later, on the next day
    stopped_clock.advance(2)
    next_day = track_visit(api, browser(1))
    # THEN it counts again, once
    assert next_day == {"count": 2, "tracked": True}
    assert track_visit(api, browser(1))["tracked"] is False


def test_trends_are_for_the_owner_only(api: httpx.Client, callers: Callers) -> None:
    for path in ("/v1/visitors/trends/daily", "/v1/visitors/trends/monthly"):
        # WHEN nobody, then a reader, asks for trends
        anonymous = api.get(path, headers=callers.anonymous)
        reader = api.get(path, headers=callers.reader)
        # THEN 401, then 403, in the envelope
        assert (anonymous.status_code, reader.status_code) == (401, 403)
        assert reader.json()["statusCode"] == 403


def test_daily_trends_give_every_day_oldest_first_with_zeros(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN two visitors today
    track_visit(api, browser(1))
    track_visit(api, browser(2))
    # WHEN the owner asks for the default window
    trends = api.get("/v1/visitors/trends/daily", headers=callers.owner).json()["trends"]
    # THEN 30 consecutive days end today with 2; every other day is 0
    assert len(trends) == 30
    days = [point["day"] for point in trends]
    assert days == sorted(days)
    assert len(set(days)) == 30
    assert trends[-1]["visitors"] == 2
    assert all(point["visitors"] == 0 for point in trends[:-1])
    month, day = trends[-1]["date"].split(" ")
    assert month.isalpha()
    assert len(month) == 3
    assert day == str(int(days[-1][-2:]))


def test_monthly_trends_give_every_month_oldest_first_with_zeros(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN one visitor this month
    track_visit(api, browser(1))
    # WHEN the owner asks for the default window
    trends = api.get("/v1/visitors/trends/monthly", headers=callers.owner).json()["trends"]
    # THEN six calendar months end with this one
    assert len(trends) == 6
    months = [point["yearMonth"] for point in trends]
    assert months == sorted(months)
    assert len(set(months)) == 6
    assert [point["visitors"] for point in trends] == [0, 0, 0, 0, 0, 1]


@pytest.mark.parametrize(
    ("path", "size", "expected"),
    [
        ("/v1/visitors/trends/daily?days=1", "days", 1),
        ("/v1/visitors/trends/daily?days=90", "days", 90),
        ("/v1/visitors/trends/monthly?months=1", "months", 1),
        ("/v1/visitors/trends/monthly?months=12", "months", 12),
    ],
)
def test_trend_windows_take_any_size_in_range(
    api: httpx.Client, callers: Callers, path: str, size: str, expected: int
) -> None:
    # WHEN the owner asks for a window at either end of the range
    response = api.get(path, headers=callers.owner)
    # THEN it has exactly that many points
    assert response.status_code == 200, response.text
    assert len(response.json()["trends"]) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/v1/visitors/trends/daily?days=0",
        "/v1/visitors/trends/daily?days=91",
        "/v1/visitors/trends/daily?days=ten",
        "/v1/visitors/trends/monthly?months=0",
        "/v1/visitors/trends/monthly?months=13",
    ],
)
def test_trend_windows_out_of_range_are_400(api: httpx.Client, callers: Callers, path: str) -> None:
    # WHEN the owner asks for a window outside the range
    response = api.get(path, headers=callers.owner)
    # THEN 400 in the envelope, naming the parameter
    assert response.status_code == 400
    assert response.json()["details"]["field"] in ("days", "months")


def _seconds_to_midnight(clock: FakeClock) -> int:
    now = clock.now()
    return 86_400 - (now.hour * 3600 + now.minute * 60 + now.second)
