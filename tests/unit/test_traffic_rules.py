"""What a tracked page is kept as: a path and UTM tags, a referring host, a country, three
software families. Pure functions, no servers."""

from importlib import resources

import pytest

from portfolio_api.core.agents import software_of
from portfolio_api.core.pages import MAX_PATH_LENGTH, Page, page_of, source_of
from portfolio_api.core.zones import country_code, country_of_zone
from tests.helpers.visitors import BROWSER_AGENTS


def test_the_vendored_zone_tab_is_tzdatas() -> None:
    # GIVEN the installed tzdata package's zone.tab (update: copy it over the vendored one)
    installed = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_bytes()
    # THEN the copy the artifact carries is the same file
    vendored = resources.files("portfolio_api.core").joinpath("data/zone.tab").read_bytes()
    assert vendored == installed


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Africa/Kampala", "UG"),  # zone1970.tab files it under Nairobi (KE)
        ("Africa/Nairobi", "KE"),
        ("Europe/Berlin", "DE"),
        ("America/New_York", "US"),
        ("UTC", None),
        ("Etc/GMT+3", None),
        ("Mars/Olympus", None),
    ],
)
def test_a_time_zone_names_one_country(zone: str, country: str | None) -> None:
    assert country_of_zone(zone) == country


@pytest.mark.parametrize(
    ("header", "code"),
    [("UG", "UG"), (" ug ", "UG"), ("XYZ", None), ("U1", None), ("", None), (None, None)],
)
def test_cloudfronts_country_header_is_taken_when_it_is_two_letters(
    header: str | None, code: str | None
) -> None:
    assert country_code(header) == code


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://patrickcmd.dev/", Page(path="/")),
        ("https://patrickcmd.dev", Page(path="/")),
        ("https://patrickcmd.dev/blog/x/?a=1#top", Page(path="/blog/x")),
        ("https://patrickcmd.dev/a/../../b//", Page(path="/b")),
        ("https://patrickcmd.dev/caf%C3%A9", Page(path="/café")),
        ("/relative/page", Page(path="/relative/page")),
        ("https://x.dev/a%00b%E2%80%AEc?utm_source=x%0Ay", Page(path="/abc", utm_source="xy")),
        (
            "https://x.dev/?utm_source=News%20Letter&utm_medium=Email&utm_campaign=Launch&utm_term=k",
            Page(path="/", utm_source="news letter", utm_medium="email", utm_campaign="launch"),
        ),
        ("https://x.dev/?utm_source=&utm_medium=%20", Page(path="/")),
    ],
)
def test_a_url_is_kept_as_its_path_and_utm_tags(url: str, page: Page) -> None:
    assert page_of(url) == page


def test_a_long_path_and_tag_are_cut_to_their_bounds() -> None:
    # WHEN a URL carries a very long path and tag
    page = page_of("https://x.dev/" + "a" * 500 + "?utm_source=" + "b" * 500)
    # THEN each is cut to its bound
    assert len(page.path) == MAX_PATH_LENGTH
    assert page.utm_source == "b" * 50


@pytest.mark.parametrize(
    ("referrer", "source"),
    [
        ("https://WWW.Google.COM/search?q=1", "google.com"),
        ("https://patrickcmd.dev/blog", "direct"),
        ("https://www.patrickcmd.dev/", "direct"),
        ("", "direct"),
        (None, "direct"),
        ("android-app://com.slack", "com.slack"),
        ("https://[::1", "direct"),
    ],
)
def test_a_referrer_is_its_host_and_this_site_is_direct(referrer: str | None, source: str) -> None:
    assert source_of(referrer, own_host="patrickcmd.dev") == source


def test_a_user_agent_gives_browser_os_and_device_type() -> None:
    # WHEN the known browsers' User-Agents are parsed
    parsed = [software_of(agent) for agent in BROWSER_AGENTS]
    # THEN each gives its families
    assert [(s.browser, s.os, s.device_type) for s in parsed] == [
        ("Chrome", "Windows", "desktop"),
        ("Safari", "Mac OS X", "desktop"),
        ("Firefox", "Linux", "desktop"),
        ("Mobile Safari", "iOS", "mobile"),
        ("Chrome Mobile", "Android", "mobile"),
    ]


@pytest.mark.parametrize(
    ("agent", "device_type"),
    [
        (
            "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            " Version/17.0 Mobile/15E148 Safari/604.1",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko)"
            " Chrome/120.0.0.0 Safari/537.36",
            "tablet",
        ),
        ("z123", "desktop"),
    ],
)
def test_tablets_are_told_from_phones(agent: str, device_type: str) -> None:
    assert software_of(agent).device_type == device_type
