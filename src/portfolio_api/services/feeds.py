"""The blog's RSS 2.0 feeds, all posts or one tag's: the newest published posts, each with its
Markdown as sanitised HTML, dated by the posts' generation and kept in memory like a list."""

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from portfolio_api.core.markdown import safe_html
from portfolio_api.core.xml import DECLARATION, element, empty
from portfolio_api.models.conditional import Conditional, KnownTags
from portfolio_api.models.links import SiteLinks
from portfolio_api.models.posts import Post
from portfolio_api.services.content import PAGE_BYTES, ContentService
from portfolio_api.services.pages import Built, PageCache

RSS_OPEN = (
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
)
RSS_CLOSE = "</channel>\n</rss>\n"
# RFC 822 dates have one width: a head dated by it is as long as the one the feed will get.
SAME_WIDTH = "1970-01-01T00:00:00Z"


class FeedService:
    def __init__(
        self,
        *,
        posts: ContentService[Post],
        pages: PageCache,
        links: SiteLinks,
        items: int,
        budget: int = PAGE_BYTES,
    ) -> None:
        self._posts = posts
        self._pages = pages
        self._links = links
        self._items = items
        self._budget = budget

    def rss(self, *, tag: str | None, self_url: str, known: KnownTags | None) -> Conditional[str]:
        """The feed of every post, or of those tagged `tag` (any case); `self_url` is where
        it is read, which the feed names (`atom:link`) and so is part of its shape."""
        return self._pages.answer(
            generation=self._posts.generation(),
            shape=("POST", "rss", "" if tag is None else f"tag:{tag}", self_url),
            known=known,
            keep=True,
            build=lambda: self._build(tag=tag, self_url=self_url),
        )

    def _build(self, *, tag: str | None, self_url: str) -> Built[str]:
        items: list[str] = []
        shown: list[tuple[str, int]] = []
        newest: str | None = None
        head = self._head(tag, self_url, SAME_WIDTH)
        size = len(f"{DECLARATION}{RSS_OPEN}{head}{RSS_CLOSE}".encode())
        for post in self._posts.public_items(keep=_tagged(tag), most=self._items):
            item = _item(post, self._links)
            if size + len(item.encode()) > self._budget:
                break  # the feed's body stays under the response's 5 MB
            newest = newest or _published(post)
            items.append(item)
            shown.append((post.id, post.version))
            size += len(item.encode())
        feed = "".join(
            [DECLARATION, RSS_OPEN, self._head(tag, self_url, newest), *items, RSS_CLOSE]
        )
        return Built(value=feed, size=len(feed.encode()), fingerprint=tuple(shown))

    def _head(self, tag: str | None, self_url: str, newest: str | None) -> str:
        site = urlsplit(self._links.site_url).netloc
        title = f"{site}: blog" if tag is None else f"{site}: posts tagged {tag}"
        about = f"The newest posts on {site}" + ("" if tag is None else f" tagged {tag}")
        parts = [
            element("title", title),
            element("link", self._links.home),
            element("description", about),
            empty("atom:link", href=self_url, rel="self", type="application/rss+xml"),
            *([element("lastBuildDate", _rfc822(newest))] if newest else []),
        ]
        return "\n".join(parts) + "\n"


def _tagged(tag: str | None) -> Callable[[Post], bool] | None:
    if tag is None:
        return None
    wanted = tag.casefold()
    return lambda post: wanted in {name.casefold() for name in post.tags}


def _item(post: Post, links: SiteLinks) -> str:
    url = links.of_post(post)
    parts = [
        element("title", post.title),
        element("link", url),
        element("guid", url, isPermaLink="true"),
        element("pubDate", _rfc822(_published(post))),
        *(element("category", name) for name in (post.category, *post.tags)),
        element("description", post.excerpt),
        element("content:encoded", safe_html(post.content)),
    ]
    return "<item>\n" + "\n".join(parts) + "\n</item>\n"


def _published(post: Post) -> str:
    """When it was first published, to the second (older posts kept the day alone)."""
    return post.published_time or post.published_at or post.created_at


def _rfc822(moment: str) -> str:
    """RFC 822's date, as RSS 2.0 wants it: `Thu, 03 Dec 2026 14:00:00 GMT`."""
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return format_datetime(parsed.replace(tzinfo=parsed.tzinfo or UTC), usegmt=True)
