"""Issue 15's richer tracking over HTTP on DynamoDB Local: what a tracked page lands under
(referrer, UTM tags, path, browser, OS, device, country), pageviews beside visitors, the owner's
ranked reads, the "other" fold at the cap, and the CSV export.

Each visitor here has an address of its own (through one trusted proxy): one address may add
only a few visitors a day. One counter shard, so the per-shard cap folds at a known key.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.clock import FakeClock
from tests.helpers.concurrency import at_once
from tests.helpers.content import POSTS, PROJECTS, Callers
from tests.helpers.visitors import BROWSER_AGENTS, browser

CAP = 3
PAGEVIEW_BOUND = 5
SITE = "https://patrickcmd.dev"


@pytest.fixture
def api(settings: Settings, stopped_clock: FakeClock) -> Iterator[httpx.Client]:
    tuned = settings.model_copy(
        update={
            "token_leeway_seconds": 300,
            "trusted_proxy_hops": 1,
            "counter_shards": 1,
            "stats_keys_per_day": CAP,
            "pageviews_per_visitor": PAGEVIEW_BOUND,
        }
    )
    app = create_app(settings=tuned, container=build_container(tuned, clock=stopped_clock))
    with serve(app) as client:
        yield client


def guest(number: int, agent: str | None = None, **headers: str) -> dict[str, str]:
    """Visitor `number`, from an address of its own."""
    address = {"X-Forwarded-For": f"10.0.{number // 250}.{number % 250 + 1}"}
    if agent is None:
        return browser(number, **address, **headers)
    return {"User-Agent": agent, **address, **headers}


def track(api: httpx.Client, headers: dict[str, str], **body: str) -> dict[str, Any]:
    response = api.post("/v1/visitors/track", json=body or None, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def read(api: httpx.Client, callers: Callers, path: str, **query: int) -> dict[str, Any]:
    response = api.get(f"/v1/analytics/{path}", params=query, headers=callers.owner)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    answer: dict[str, Any] = response.json()
    return answer


def test_each_dimension_lands_and_reads_back_ranked(api: httpx.Client, callers: Callers) -> None:
    # GIVEN three visitors from Google to a post, on Windows Chrome, in Kampala
    post = f"{SITE}/blog/hello/?utm_source=Newsletter&utm_medium=email&utm_campaign=launch#top"
    for number in range(3):
        track(
            api,
            guest(number),
            url=post,
            referrer="https://www.Google.com/search?q=x",
            timeZone="Africa/Kampala",
        )
    # AND one iPhone visitor arriving directly at the home page, in Berlin
    track(api, guest(3, BROWSER_AGENTS[3]), url=f"{SITE}/", referrer="", timeZone="Europe/Berlin")
    # WHEN the owner reads each ranking
    sources = read(api, callers, "sources")
    pages = read(api, callers, "pages")
    devices = read(api, callers, "devices")
    countries = read(api, callers, "countries")
    # THEN each lists its keys most first, the URL kept as its path and tags alone
    assert sources == {
        "referrers": [{"source": "google.com", "visitors": 3}, {"source": "direct", "visitors": 1}],
        "utm": {
            "sources": [{"source": "newsletter", "visitors": 3}],
            "mediums": [{"medium": "email", "visitors": 3}],
            "campaigns": [{"campaign": "launch", "visitors": 3}],
        },
    }
    assert pages == {
        "pages": [
            {"path": "/blog/hello", "pageviews": 3, "visitors": 3},
            {"path": "/", "pageviews": 1, "visitors": 1},
        ]
    }
    assert devices == {
        "browsers": [{"name": "Chrome", "visitors": 3}, {"name": "Mobile Safari", "visitors": 1}],
        "operatingSystems": [{"name": "Windows", "visitors": 3}, {"name": "iOS", "visitors": 1}],
        "deviceTypes": [{"name": "desktop", "visitors": 3}, {"name": "mobile", "visitors": 1}],
    }
    assert countries == {
        "countries": [{"country": "UG", "visitors": 3}, {"country": "DE", "visitors": 1}]
    }
    # AND `limit` cuts each list
    assert read(api, callers, "countries", limit=1) == {
        "countries": [{"country": "UG", "visitors": 3}]
    }


def test_keys_past_the_daily_cap_fold_into_other(api: httpx.Client, callers: Callers) -> None:
    # WHEN visitors arrive from more referring hosts than a day's item keeps
    hosts = [f"https://site{number}.example/" for number in range(CAP + 2)]
    for number, host in enumerate(hosts):
        assert track(api, guest(number), url=f"{SITE}/", referrer=host)["tracked"] is True
    # AND one more comes from a host counted before the cap
    track(api, guest(50), url=f"{SITE}/", referrer=hosts[0])
    # THEN the first CAP hosts are kept, the rest are "other", and every visitor is counted
    # (ties ranked by name)
    referrers = read(api, callers, "sources")["referrers"]
    assert referrers == [
        {"source": "other", "visitors": 2},
        {"source": "site0.example", "visitors": 2},
        {"source": "site1.example", "visitors": 1},
        {"source": "site2.example", "visitors": 1},
    ]


@pytest.mark.parametrize(
    ("body", "headers", "country"),
    [
        ({"timeZone": "Africa/Kampala"}, {}, "UG"),  # zone1970.tab would say KE
        ({"timeZone": "Africa/Kampala"}, {"CloudFront-Viewer-Country": "KE"}, "UG"),
        ({}, {"CloudFront-Viewer-Country": "ug"}, "UG"),
        ({"timeZone": "UTC"}, {"CloudFront-Viewer-Country": "NG"}, "NG"),
        ({}, {"CloudFront-Viewer-Country": "XYZ"}, "unknown"),
        ({"timeZone": "Mars/Olympus"}, {}, "unknown"),
        ({}, {}, "unknown"),
    ],
)
def test_the_country_comes_from_the_time_zone_then_cloudfront(
    api: httpx.Client,
    callers: Callers,
    body: dict[str, str],
    headers: dict[str, str],
    country: str,
) -> None:
    # WHEN a visitor is tracked with this time zone and header
    track(api, guest(1, **headers), url=f"{SITE}/", **body)
    # THEN it counts under this country
    assert read(api, callers, "countries") == {"countries": [{"country": country, "visitors": 1}]}


@pytest.mark.parametrize(
    ("referrer", "source"),
    [
        ("https://WWW.Example.COM/some/path?q=1", "example.com"),
        ("https://news.ycombinator.com/item?id=1", "news.ycombinator.com"),
        (f"{SITE}/blog/other", "direct"),
        ("https://www.patrickcmd.dev/", "direct"),
        ("", "direct"),
        ("not a url", "direct"),
    ],
)
def test_a_referrer_is_kept_as_its_host_alone(
    api: httpx.Client, callers: Callers, referrer: str, source: str
) -> None:
    # WHEN a visitor arrives from this referrer
    track(api, guest(1), url=f"{SITE}/", referrer=referrer)
    # THEN the source is its host, lowercased, without www.; this site or none is direct
    assert read(api, callers, "sources")["referrers"] == [{"source": source, "visitors": 1}]


def test_every_call_counts_a_pageview_and_only_the_first_a_visitor(
    api: httpx.Client, callers: Callers
) -> None:
    # WHEN one visitor reads the home page twice and a post once
    answers = [
        track(api, guest(1), url=f"{SITE}{path}") for path in ("/", "/blog/a", "/?utm_source=x")
    ]
    # THEN only the first call counted a visitor
    assert [answer["tracked"] for answer in answers] == [True, False, False]
    # AND each call a pageview, each page one visitor
    assert read(api, callers, "pages")["pages"] == [
        {"path": "/", "pageviews": 2, "visitors": 1},
        {"path": "/blog/a", "pageviews": 1, "visitors": 1},
    ]
    today = api.get("/v1/visitors/trends/daily?days=1", headers=callers.owner).json()["trends"]
    assert (today[0]["visitors"], today[0]["pageviews"]) == (1, 3)
    month = api.get("/v1/visitors/trends/monthly?months=1", headers=callers.owner).json()
    assert (month["trends"][0]["visitors"], month["trends"][0]["pageviews"]) == (1, 3)


def test_one_visitor_adds_a_bounded_number_of_pageviews(
    api: httpx.Client, callers: Callers
) -> None:
    # WHEN one visitor sends twice the pageviews a visitor may add in a day, each a new path
    for number in range(2 * PAGEVIEW_BOUND):
        track(api, guest(1), url=f"{SITE}/invented/{number}")
    # THEN the bound holds, and the invented paths past the cap fold into "other"
    pages = read(api, callers, "pages", limit=100)["pages"]
    assert sum(page["pageviews"] for page in pages) == PAGEVIEW_BOUND
    assert {page["path"] for page in pages} == {
        "/invented/0",
        "/invented/1",
        "/invented/2",
        "other",
    }


def test_without_a_body_a_repeat_adds_nothing_as_before(
    api: httpx.Client, callers: Callers
) -> None:
    # WHEN one visitor calls twice without a body
    first, second = track(api, guest(1)), track(api, guest(1))
    # THEN the first counted a visitor and its pageview, the second nothing
    assert (first["tracked"], second["tracked"]) == (True, False)
    today = api.get("/v1/visitors/trends/daily?days=1", headers=callers.owner).json()["trends"]
    assert (today[0]["visitors"], today[0]["pageviews"]) == (1, 1)
    assert read(api, callers, "pages") == {"pages": []}


@pytest.mark.parametrize(
    "body",
    [
        {"url": 5},
        {"referrer": ["https://example.com"]},
        {"timeZone": "Africa/Kampala; DROP"},
        {"timeZone": "x" * 65},
        {"url": "https://patrickcmd.dev/\u202eevil"},
        {"url": "https://patrickcmd.dev/\n"},
        {"url": "https://patrickcmd.dev/" + "a" * 2048},
        {"page": "/"},
    ],
)
def test_a_malformed_body_is_a_400_in_the_envelope(api: httpx.Client, body: dict[str, Any]) -> None:
    # WHEN a body breaks a type, a length or a character rule
    response = api.post("/v1/visitors/track", json=body, headers=guest(1))
    # THEN the envelope says so, and nothing was counted
    assert response.status_code == 400
    assert set(response.json()) == {"error", "message", "statusCode", "details"}
    assert api.get("/v1/visitors/count").json() == {"count": 0}


@pytest.mark.parametrize("path", ["sources", "pages", "devices", "countries"])
def test_the_rankings_are_for_the_owner_with_bounded_days_and_limit(
    api: httpx.Client, callers: Callers, path: str
) -> None:
    # WHEN nobody, a reader, then the owner with out-of-range days and limit ask
    anonymous = api.get(f"/v1/analytics/{path}")
    reader = api.get(f"/v1/analytics/{path}", headers=callers.reader)
    bad = [
        api.get(f"/v1/analytics/{path}", params=query, headers=callers.owner)
        for query in ({"days": 0}, {"days": 91}, {"limit": 0}, {"limit": 101})
    ]
    # THEN 401, 403, and 400 each
    assert (anonymous.status_code, reader.status_code) == (401, 403)
    assert [response.status_code for response in bad] == [400] * 4


def test_the_export_is_one_csv_row_a_day(api: httpx.Client, callers: Callers) -> None:
    # GIVEN two visitors today, one of them reading a post and a project
    post = POSTS.create_published(api, callers.owner)
    project = PROJECTS.create_published(api, callers.owner)
    track(api, guest(1), url=f"{SITE}/")
    track(api, guest(1), url=f"{SITE}/blog/x")
    track(api, guest(2), url=f"{SITE}/")
    for kind, item in ((POSTS, post), (PROJECTS, project)):
        body = {"contentId": item["id"], "contentType": kind.content_type}
        assert api.post("/v1/analytics/track", json=body, headers=guest(1)).status_code == 200
    today = date.fromisoformat(
        api.get("/v1/visitors/trends/daily?days=1", headers=callers.owner).json()["trends"][0][
            "day"
        ]
    )
    yesterday = today - timedelta(days=1)
    # WHEN the owner exports yesterday and today
    response = api.get(
        "/v1/analytics/export.csv",
        params={"from": yesterday.isoformat(), "to": today.isoformat()},
        headers=callers.owner,
    )
    # THEN it is CSV: the header, then one row a day, days without visits as zeros
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "private, no-store"
    assert response.text.splitlines() == [
        "date,visitors,pageviews,blogViews,projectViews,certificationViews",
        f"{yesterday.isoformat()},0,0,0,0,0",
        f"{today.isoformat()},2,3,1,1,0",
    ]
    # AND a second read naming its tag is a 304
    again = api.get(
        "/v1/analytics/export.csv",
        params={"from": yesterday.isoformat(), "to": today.isoformat()},
        headers={**callers.owner, "If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2024-01-01", "to": "2026-01-02"},  # 733 days: more than two years
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"from": "2026-02-30", "to": "2026-03-01"},
        {"from": "yesterday", "to": "2026-03-01"},
        {"from": "2026-01-01"},
    ],
)
def test_an_export_past_two_years_or_with_bad_dates_is_a_400(
    api: httpx.Client, callers: Callers, params: dict[str, str]
) -> None:
    # WHEN the owner asks for this span
    response = api.get("/v1/analytics/export.csv", params=params, headers=callers.owner)
    # THEN it is refused in the envelope
    assert response.status_code == 400
    assert response.json()["statusCode"] == 400


def test_two_full_years_are_one_export(api: httpx.Client, callers: Callers) -> None:
    # WHEN the owner exports 731 days, the most one request covers
    first = date(2024, 1, 1)
    last = first + timedelta(days=730)
    response = api.get(
        "/v1/analytics/export.csv",
        params={"from": first.isoformat(), "to": last.isoformat()},
        headers=callers.owner,
    )
    # THEN every day has its row
    assert response.status_code == 200
    assert len(response.text.splitlines()) == 1 + 731


@pytest.fixture
def raced_api(settings: Settings, stopped_clock: FakeClock) -> Iterator[httpx.Client]:
    """The default shards (races spread over them), and one trusted proxy hop."""
    tuned = settings.model_copy(update={"token_leeway_seconds": 300, "trusted_proxy_hops": 1})
    app = create_app(settings=tuned, container=build_container(tuned, clock=stopped_clock))
    with serve(app) as client:
        yield client


def _raced_track(api: httpx.Client, headers: dict[str, str], body: object) -> httpx.Response:
    """A client per call: a connection of its own, as separate browsers have."""
    with httpx.Client(base_url=api.base_url, timeout=60) as client:
        return client.post("/v1/visitors/track", json=body, headers=headers)


def _today(api: httpx.Client, callers: Callers) -> tuple[int, int]:
    day = api.get("/v1/visitors/trends/daily?days=1", headers=callers.owner).json()["trends"][0]
    return day["visitors"], day["pageviews"]


def test_200_distinct_visitors_with_pages_at_once_add_exactly_200_of_each(
    raced_api: httpx.Client, callers: Callers
) -> None:
    # WHEN 200 visitors, each from its own address, track a page at the same moment
    responses = at_once(
        200,
        lambda n: _raced_track(
            raced_api,
            guest(n),
            {"url": f"{SITE}/blog/p{n % 40}", "referrer": f"https://r{n % 50}.example/"},
        ),
    )
    # THEN each counted a visitor and a pageview, once
    assert {response.status_code for response in responses} == {200}
    assert sum(response.json()["tracked"] for response in responses) == 200
    assert _today(raced_api, callers) == (200, 200)
    # AND the dimensions add up to the same 200, whatever folded into "other"
    referrers = read(raced_api, callers, "sources", limit=100)["referrers"]
    pages = read(raced_api, callers, "pages", limit=100)["pages"]
    assert sum(entry["visitors"] for entry in referrers) == 200
    assert sum(page["pageviews"] for page in pages) == sum(page["visitors"] for page in pages)
    assert sum(page["pageviews"] for page in pages) == 200


def test_one_visitors_pages_at_once_add_one_visitor_and_a_pageview_each(
    raced_api: httpx.Client, callers: Callers
) -> None:
    # WHEN one visitor's page loads arrive 10 at the same moment
    responses = at_once(
        10, lambda n: _raced_track(raced_api, guest(1), {"url": f"{SITE}/p{n % 2}"})
    )
    # THEN one visitor was counted, and each answered call one pageview
    answered = [response for response in responses if response.status_code == 200]
    assert sum(response.json()["tracked"] for response in answered) == 1
    assert _today(raced_api, callers) == (1, len(answered))
    assert {response.status_code for response in responses} <= {200, 503}
