"""Counting races settled by DynamoDB transactions, on DynamoDB Local, over real HTTP.

One address brings at most VISITORS_PER_CLIENT_DAY new visitors a day, so distinct visitors
come from distinct addresses, through a proxy the app trusts (X-Forwarded-For).
"""

from collections.abc import Iterator

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.clock import FakeClock
from tests.helpers.concurrency import at_once
from tests.helpers.content import POSTS, Callers
from tests.helpers.visitors import browser, from_address, views_of, visitor_count

QUOTA = Settings.model_fields["visitors_per_client_day"].default


@pytest.fixture
def api(settings: Settings, stopped_clock: FakeClock) -> Iterator[httpx.Client]:
    """Views count once per visitor and UTC day, so no test here may see midnight pass: the
    clock moves only when a test moves it (Cognito's tokens get five minutes' leeway)."""
    trusting = settings.model_copy(update={"trusted_proxy_hops": 1, "token_leeway_seconds": 300})
    container = build_container(trusting, clock=stopped_clock)
    with serve(create_app(settings=trusting, container=container)) as client:
        yield client


def _post(
    api: httpx.Client, path: str, headers: dict[str, str], body: object = None
) -> httpx.Response:
    """A client per call: a connection of its own, as separate browsers have. One httpx client
    shared by 200 threads raced on its pool (a read on a closed socket), in the test, not the app.
    """
    with httpx.Client(base_url=api.base_url, timeout=60) as client:
        return client.post(path, json=body, headers=headers)


def _visitor(number: int) -> dict[str, str]:
    """Visitor `number`: a browser of its own, from an address of its own."""
    return from_address(number, browser(number))


def _view(api: httpx.Client, post_id: str, visitor: int) -> httpx.Response:
    body = {"contentId": post_id, "contentType": "blog"}
    return _post(api, "/v1/analytics/track", _visitor(visitor), body)


def test_200_distinct_visitors_at_once_add_exactly_200(api: httpx.Client) -> None:
    # WHEN 200 different visitors, from 200 addresses, track at the same moment
    responses = at_once(200, lambda n: _post(api, "/v1/visitors/track", _visitor(n)))
    # THEN every call succeeded and counted, and the total moved by exactly 200
    assert {response.status_code for response in responses} == {200}
    assert sum(response.json()["tracked"] for response in responses) == 200
    assert visitor_count(api) == 200
    # AND the highest count any caller was told is the final one
    assert max(response.json()["count"] for response in responses) == 200


def test_50_calls_of_one_visitor_at_once_add_exactly_1(api: httpx.Client) -> None:
    # WHEN one visitor's track call arrives 50 times at the same moment
    responses = at_once(50, lambda _: _post(api, "/v1/visitors/track", _visitor(7)))
    # THEN exactly one counted
    assert {response.status_code for response in responses} == {200}
    assert sum(response.json()["tracked"] for response in responses) == 1
    assert visitor_count(api) == 1


def test_200_distinct_viewers_at_once_add_exactly_200_views(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a published post
    post = POSTS.create_published(api, callers.owner)
    # WHEN 200 different visitors, from 200 addresses, open it at the same moment
    responses = at_once(200, lambda n: _view(api, post["id"], n))
    # THEN all 200 counted, on the post and in the total
    assert {response.status_code for response in responses} == {200}
    assert sum(response.json()["tracked"] for response in responses) == 200
    assert views_of(api, POSTS, post["id"], callers.anonymous) == 200
    total = api.get("/v1/analytics/total-views", headers=callers.owner).json()["totalViews"]
    assert total == 200


def test_50_views_of_one_visitor_at_once_add_exactly_1(api: httpx.Client, callers: Callers) -> None:
    # GIVEN a published post
    post = POSTS.create_published(api, callers.owner)
    # WHEN one visitor's view arrives 50 times at the same moment
    responses = at_once(50, lambda _: _view(api, post["id"], 3))
    # THEN exactly one counted
    assert {response.status_code for response in responses} == {200}
    assert sum(response.json()["tracked"] for response in responses) == 1
    assert views_of(api, POSTS, post["id"], callers.anonymous) == 1


def test_50_browsers_of_one_address_at_once_add_exactly_the_quota(api: httpx.Client) -> None:
    # WHEN 50 different User-Agents from one address track at the same moment
    headers = [from_address(1, browser(n)) for n in range(50)]
    responses = at_once(50, lambda n: _post(api, "/v1/visitors/track", headers[n]))
    # THEN exactly QUOTA counted, whichever won the race
    assert {response.status_code for response in responses} == {200}
    assert sum(response.json()["tracked"] for response in responses) == QUOTA
    assert visitor_count(api) == QUOTA


def test_50_viewers_of_one_address_at_once_add_exactly_the_quota(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a published post
    post = POSTS.create_published(api, callers.owner)
    # WHEN 50 different User-Agents from one address open it at the same moment
    body = {"contentId": post["id"], "contentType": "blog"}
    headers = [from_address(1, browser(n)) for n in range(50)]
    responses = at_once(50, lambda n: _post(api, "/v1/analytics/track", headers[n], body))
    # THEN exactly QUOTA counted
    assert {response.status_code for response in responses} == {200}
    assert sum(response.json()["tracked"] for response in responses) == QUOTA
    assert views_of(api, POSTS, post["id"], callers.anonymous) == QUOTA
