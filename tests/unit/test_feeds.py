"""Feeds and the sitemap on the real services and repositories (moto, in process): their 5 MB
budget, and a sitemap dated by all three kinds."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from portfolio_api.core.markdown import safe_html
from portfolio_api.models.certifications import Certification
from portfolio_api.models.content import StoredContent
from portfolio_api.models.links import SiteLinks
from portfolio_api.models.projects import Project
from portfolio_api.repositories.content import ContentKind, ContentRepository
from portfolio_api.repositories.kinds import CERTIFICATIONS, POSTS, PROJECTS
from portfolio_api.services.content import PAGE_BYTES, ContentService
from portfolio_api.services.feeds import FeedService
from portfolio_api.services.pages import PageCache
from portfolio_api.services.posts import PostService
from portfolio_api.services.sitemap import SitemapService
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock
from tests.helpers.content import post_create, project_create
from tests.helpers.in_process import in_process_dynamodb

LINKS = SiteLinks(
    site_url="https://example.com",
    post="/blog/{slug}",
    project="/projects/{id}",
    certification="/certifications/{id}",
)
SELF = "https://api.example.com/v1/blog/rss.xml"


@dataclass(frozen=True)
class Site:
    """The three kinds' services on one table and clock, and feeds or sitemaps built on them."""

    clock: FakeClock
    posts: PostService
    projects: ContentService[Project]
    certifications: ContentService[Certification]

    def feed(self, *, items: int = 50, budget: int = PAGE_BYTES) -> str:
        feeds = FeedService(
            posts=self.posts, pages=self._pages(), links=LINKS, items=items, budget=budget
        )
        return _present(feeds.rss(tag=None, self_url=SELF, known=None).value)

    def sitemap(self, *, budget: int = PAGE_BYTES) -> tuple[str, str]:
        """The sitemap's tag and body."""
        sitemap = SitemapService(
            posts=self.posts,
            projects=self.projects,
            certifications=self.certifications,
            pages=self._pages(),
            links=LINKS,
            budget=budget,
        )
        answer = sitemap.sitemap(known=None)
        return answer.etag, _present(answer.value)

    def _pages(self) -> PageCache:
        return PageCache(clock=self.clock)


def _present(value: str | None) -> str:
    assert value is not None
    return value


def _repository[M: StoredContent](
    backend: Backend, clock: FakeClock, kind: ContentKind[M]
) -> ContentRepository[M]:
    return ContentRepository(
        client=backend.client, table_name=backend.table, clock=clock, kind=kind
    )


@pytest.fixture
def site() -> Iterator[Site]:
    clock = FakeClock()
    with in_process_dynamodb() as backend:
        pages = PageCache(clock=clock)
        yield Site(
            clock=clock,
            posts=PostService(
                repository=_repository(backend, clock, POSTS), clock=clock, pages=pages
            ),
            projects=ContentService(
                repository=_repository(backend, clock, PROJECTS), clock=clock, pages=pages
            ),
            certifications=ContentService(
                repository=_repository(backend, clock, CERTIFICATIONS), clock=clock, pages=pages
            ),
        )


def _publish_posts(site: Site, count: int) -> None:
    for number in range(count):
        site.clock.advance(1)
        draft = site.posts.create(data=post_create(title=f"Post {number}"))
        site.posts.publish(item_id=draft.id, precondition=None)


def test_a_feed_stops_before_its_body_passes_the_budget(site: Site) -> None:
    # GIVEN three published posts, and the size of the feed of the newest two
    _publish_posts(site, 3)
    two = site.feed(items=2)
    # WHEN the feed of up to 50 is built with that size as its budget, and one byte less
    fitting = site.feed(budget=len(two.encode()))
    short = site.feed(budget=len(two.encode()) - 1)
    # THEN the first holds the two that fit, the second one alone: never over the budget
    assert fitting == two
    assert short.count("<item>") == 1
    assert short.count("Post 2") == 1


def test_a_sitemap_stops_before_its_body_passes_the_budget(site: Site) -> None:
    # GIVEN three published posts, and the whole sitemap's size
    _publish_posts(site, 3)
    _, whole = site.sitemap()
    # WHEN it is built with a byte less than that
    _, short = site.sitemap(budget=len(whole.encode()) - 1)
    # THEN it has one URL fewer, and is still whole XML
    assert short.count("<url>") == whole.count("<url>") - 1 == 3
    assert short.endswith("</urlset>\n")


def test_a_write_to_any_kind_gives_the_sitemap_a_new_tag(site: Site) -> None:
    # GIVEN the sitemap's tag
    before, _ = site.sitemap()
    # WHEN a project is created (a draft: the sitemap's pages stay the same)
    site.clock.advance(1)
    site.projects.create(data=project_create())
    after, _ = site.sitemap()
    # THEN the tag is new: the sitemap is dated by every kind's generation
    assert after != before


@pytest.mark.parametrize(
    ("markdown", "kept"),
    [
        ("<script>alert(1)</script>\n\n*text*", "<em>text</em>"),
        ('<img src="x" onerror="alert(1)">', '<img src="x">'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ">x</a>"),
        ('<a href="&#106;avascript:alert(1)">x</a>', ">x</a>"),
        ('<img src="javascript:alert(1)">', "<img>"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', ">x</a>"),
        ("<svg onload=alert(1)><circle/></svg>", "<p>"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "<p>x</p>"),
        ('<iframe src="https://example.com"></iframe>', ""),
        # CommonMark refuses the link: what is left is text, not a URL
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ('<a href="vbscript:msgbox(1)">x</a>', ">x</a>"),
        ('<a href=" java\tscript:alert(1)">x</a>', ">x</a>"),
        ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', "<img>"),
        ("<style>p { background: url(javascript:alert(1)) }</style>\n\nx", "<p>x</p>"),
        ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', "<p>"),
        ('<div id="clobber" onmouseover="alert(1)">x</div>', "<div>x</div>"),
    ],
)
def test_markdown_becomes_html_without_script(markdown: str, kept: str) -> None:
    # WHEN hostile Markdown is rendered for a feed
    html = safe_html(markdown)
    # THEN what is harmless is kept, and no script, handler, style or script URL is left
    assert kept in html
    assert "<script" not in html
    assert "<style" not in html
    for attribute in ("onerror", "onload", "onmouseover", "style=", "id="):
        assert attribute not in html.lower()
    for scheme in ("javascript", "vbscript", "data"):
        for url in ("href", "src"):
            assert f'{url}="{scheme}' not in html.lower()


SAFE_MARKDOWN = """# Title

## Part

- one
- two

1. first

```python
if a < b:
    print("indented")
```

| a | b |
|:--|--:|
| 1 | 2 |

[site](https://example.com) [mail](mailto:me@example.com) [post](/blog/other)
![photo](https://example.com/a.png) *em* **strong** ~~gone~~ `code`
"""


@pytest.mark.parametrize(
    "kept",
    [
        "<h1>Title</h1>",
        "<h2>Part</h2>",
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
        "<ol>\n<li>first</li>\n</ol>",
        '<pre><code class="language-python">if a &lt; b:\n    print("indented")\n</code></pre>',
        "<th>a</th>",
        "<td>2</td>",
        '<a href="https://example.com" rel="noopener noreferrer">site</a>',
        '<a href="mailto:me@example.com" rel="noopener noreferrer">mail</a>',
        '<a href="/blog/other" rel="noopener noreferrer">post</a>',
        '<img src="https://example.com/a.png" alt="photo">',
        "<em>em</em>",
        "<strong>strong</strong>",
        "<s>gone</s>",
        "<code>code</code>",
    ],
)
def test_markdown_keeps_what_a_post_is_made_of(kept: str) -> None:
    # WHEN a post's usual Markdown is rendered for a feed
    html = safe_html(SAFE_MARKDOWN)
    # THEN its headings, lists, code (indentation too), table, links, image and emphasis remain
    assert kept in html


def test_an_image_over_plain_http_loses_its_url() -> None:
    # WHEN an image is served over http (a reader on https would show mixed content)
    html = safe_html("![photo](http://example.com/a.png)")
    # THEN the image stays, without its URL
    assert html == '<p><img alt="photo"></p>\n'
