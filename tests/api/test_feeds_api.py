"""The blog's RSS feeds and the sitemap over HTTP: parsed as readers parse them (feedparser),
validated as search engines do (sitemaps.org's schema), cached like every public read."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import feedparser  # type: ignore[import-untyped]
import httpx
import pytest
import xmlschema

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.factory import create_app
from portfolio_api.repositories.aws import create_dynamodb_client
from tests.helpers.app import serve
from tests.helpers.clock import FastForwardClock
from tests.helpers.content import CERTIFICATIONS, POSTS, PROJECTS, Callers
from tests.helpers.in_process import ApiCalls, recorded_calls

SITE = "https://patrickcmd.dev"
FEED = "/v1/blog/rss.xml"
SITEMAP = "/v1/sitemap.xml"
RSS_TYPE = "application/rss+xml; charset=utf-8"
SITEMAP_SCHEMA = xmlschema.XMLSchema(Path(__file__).parents[1] / "schemas" / "sitemap-0.9.xsd")
SETTLED = 6  # seconds: past the time a page waits after a write before it is kept
HOSTILE = (
    "# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
    '[click](javascript:alert(3)) <a href="javascript:alert(4)">there</a> '
    '<a href="https://example.com" onclick="alert(5)">safe</a> '
    '<a href="vbscript:msgbox(6)">vb</a> <img src="data:image/svg+xml,<svg onload=alert(7)>">'
    "\n\n<style>body { display: none }</style>"
)


def _parsed(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == RSS_TYPE
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def _published_posts(
    api: httpx.Client,
    owner: dict[str, str],
    clock: FastForwardClock,
    titles: list[str],
    **body: Any,
) -> list[dict[str, Any]]:
    """Posts published a second apart, in this order (so the last is the newest)."""
    made = []
    for title in titles:
        clock.sleep(1)
        made.append(POSTS.create_published(api, owner, title=title, **body))
    return made


def test_the_feed_holds_the_published_posts_newest_first_with_every_field(
    timed_api: httpx.Client, callers: Callers, clock: FastForwardClock
) -> None:
    # GIVEN two published posts and a draft
    first, _ = _published_posts(timed_api, callers.owner, clock, ["First post", "Second"])
    POSTS.create(timed_api, callers.owner, title="A draft")
    # WHEN the feed is read
    response = timed_api.get(FEED)
    feed = _parsed(response)
    # THEN it is RSS 2.0 naming itself, with the published posts alone, newest first
    assert feed.version == "rss20"
    assert feed.feed.link == f"{SITE}/"
    selves = [link for link in feed.feed.links if link.rel == "self"]
    assert [link.href for link in selves] == [f"{timed_api.base_url}{FEED}"]
    assert [entry.title for entry in feed.entries] == ["Second", "First post"]
    entry = feed.entries[1]
    # AND each item carries link, permalink guid, date, categories, excerpt and HTML content
    assert entry.link == f"{SITE}/blog/{first['slug']}"
    assert entry.id == entry.link
    assert _guids(response.text) == [{"isPermaLink": "true"}] * 2
    # publishing set both the post's updatedAt and its publication time
    assert parsedate_to_datetime(entry.published) == datetime.fromisoformat(first["updatedAt"])
    assert [tag.term for tag in entry.tags] == ["Backend", "python", "fastapi"]
    assert entry.summary == first["excerpt"]
    assert entry.content[0].value.startswith("<h1>Introduction</h1>")


def _sitemap_urls(sitemap: str) -> dict[str, str | None]:
    """Each URL's `loc` and its `lastmod` (None without one)."""
    root = ElementTree.fromstring(sitemap)  # noqa: S314  # the app's own answer
    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {
        url.findtext("s:loc", namespaces=names) or "": url.findtext("s:lastmod", namespaces=names)
        for url in root.iterfind("s:url", names)
    }


def _guids(feed: str) -> list[dict[str, str]]:
    # The app's own answer, not a stranger's document: the stdlib's parser will do.
    root = ElementTree.fromstring(feed)  # noqa: S314
    return [guid.attrib for guid in root.iter("guid")]


def test_the_feed_keeps_the_newest_feed_items_posts(
    settings: Settings, callers: Callers, clock: FastForwardClock
) -> None:
    # GIVEN FEED_ITEMS=2 and three published posts
    short = settings.model_copy(update={"feed_items": 2})
    app = create_app(settings=short, container=build_container(short, clock=clock))
    with serve(app) as api:
        _published_posts(api, callers.owner, clock, ["One", "Two", "Three"])
        # WHEN the feed is read
        feed = _parsed(api.get(FEED))
    # THEN it holds the two newest
    assert [entry.title for entry in feed.entries] == ["Three", "Two"]


def test_script_handlers_and_javascript_urls_never_reach_the_feed(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a post whose Markdown carries a script, a style, handlers and script or data URLs
    POSTS.create_published(api, callers.owner, content=HOSTILE)
    # WHEN the feed is read
    feed = _parsed(api.get(FEED))
    # THEN its HTML keeps the text and the safe link, and no script, handler or script URL
    html = feed.entries[0].content[0].value
    assert "<h1>Hi</h1>" in html
    assert 'href="https://example.com"' in html
    tags = _Tags()
    tags.feed(html)
    assert "script" not in tags.names
    assert "style" not in tags.names
    assert [name for name, _ in tags.attributes if name.startswith("on")] == []
    urls = [value.lower() for name, value in tags.attributes if name in {"href", "src"}]
    assert urls == ["x", "https://example.com"]  # a relative image, and the safe link
    assert "alert(1)" not in html


class _Tags(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def test_a_tag_feed_holds_that_tag_in_any_case(
    timed_api: httpx.Client, callers: Callers, clock: FastForwardClock
) -> None:
    # GIVEN posts tagged AWS, and one without it
    _published_posts(timed_api, callers.owner, clock, ["Lambda"], tags=["AWS", "python"])
    _published_posts(timed_api, callers.owner, clock, ["Django"], tags=["python"])
    _published_posts(timed_api, callers.owner, clock, ["DynamoDB"], tags=["aws"])
    # WHEN the tag's feed is read, in another case, and a feed of a tag no post has
    path = "/v1/blog/tags/Aws/rss.xml"
    tagged = _parsed(timed_api.get(path))
    nobody = _parsed(timed_api.get("/v1/blog/tags/rust/rss.xml"))
    # THEN the first holds the two posts tagged so, newest first, and names itself
    assert [entry.title for entry in tagged.entries] == ["DynamoDB", "Lambda"]
    assert "Aws" in tagged.feed.title
    assert [link.href for link in tagged.feed.links if link.rel == "self"] == [
        f"{timed_api.base_url}{path}"
    ]
    # AND the other is a feed with no items yet, not an error
    assert nobody.entries == []


def test_the_sitemap_validates_and_lists_the_published_pages_alone(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a published item of each kind, and a draft of each
    post = POSTS.create_published(api, callers.owner)
    project = PROJECTS.create_published(api, callers.owner)
    certification = CERTIFICATIONS.create_published(api, callers.owner)
    for kind in (POSTS, PROJECTS, CERTIFICATIONS):
        kind.create(api, callers.owner)
    # WHEN the sitemap is read
    response = api.get(SITEMAP)
    # THEN it is valid under sitemaps.org's schema
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    SITEMAP_SCHEMA.validate(response.text)
    urls = _sitemap_urls(response.text)
    # AND it lists the home and the published pages, each with when it last changed
    assert urls == {
        f"{SITE}/": max(item["updatedAt"] for item in (post, project, certification)),
        f"{SITE}/blog/{post['slug']}": post["updatedAt"],
        f"{SITE}/projects/{project['id']}": project["updatedAt"],
        f"{SITE}/certifications/{certification['id']}": certification["updatedAt"],
    }


def test_an_empty_site_has_a_valid_sitemap_of_its_home(api: httpx.Client) -> None:
    response = api.get(SITEMAP)
    SITEMAP_SCHEMA.validate(response.text)
    assert _sitemap_urls(response.text) == {f"{SITE}/": None}


@pytest.mark.parametrize("path", [FEED, "/v1/blog/tags/python/rss.xml", SITEMAP])
def test_feeds_are_public_cacheable_and_answer_head_and_304(
    api: httpx.Client, callers: Callers, path: str
) -> None:
    # GIVEN a published post and the answer once
    POSTS.create_published(api, callers.owner)
    first = api.get(path)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=300"
    assert first.headers["etag"].startswith('W/"')
    # WHEN it is asked again naming its tag, and with HEAD
    again = api.get(path, headers={"If-None-Match": first.headers["etag"]})
    head = api.head(path)
    # THEN 304 with no body and the same tag; HEAD has the GET's headers and no body
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == first.headers["etag"]
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == first.headers["content-type"]
    assert head.headers["etag"] == first.headers["etag"]


@dataclass(frozen=True)
class Reader:
    """The app on its own DynamoDB client, whose calls are recorded, and on the test's clock."""

    http: httpx.Client
    calls: ApiCalls
    clock: FastForwardClock


@pytest.fixture
def reader(settings: Settings, clock: FastForwardClock) -> Iterator[Reader]:
    client = create_dynamodb_client(settings)
    container = build_container(settings, dynamodb=client, clock=clock)
    with (
        serve(create_app(settings=settings, container=container)) as http,
        recorded_calls(client) as calls,
    ):
        yield Reader(http=http, calls=calls, clock=clock)


@pytest.mark.parametrize(
    ("path", "generations"), [(FEED, 1), ("/v1/blog/tags/python/rss.xml", 1), (SITEMAP, 3)]
)
def test_a_repeated_read_costs_one_get_of_each_kinds_generation(
    api: httpx.Client, callers: Callers, reader: Reader, path: str, generations: int
) -> None:
    # GIVEN a published item of each kind, and the answer read once the writes have settled
    for kind in (POSTS, PROJECTS, CERTIFICATIONS):
        kind.create_published(api, callers.owner)
    reader.clock.sleep(SETTLED)
    first = reader.http.get(path)
    # WHEN it is read again, plainly and naming its tag
    reader.calls.operations.clear()
    again = reader.http.get(path)
    unchanged = reader.http.get(path, headers={"If-None-Match": first.headers["etag"]})
    # THEN each cost only the GetItem of each kind's generation
    assert (again.text, unchanged.status_code) == (first.text, 304)
    assert reader.calls.operations == ["GetItem"] * generations * 2
