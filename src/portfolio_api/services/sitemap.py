"""The sitemap (sitemaps.org 0.9): the site's home and the page of each published post,
project and certification, with when it last changed. Dated by the three kinds' generations."""

from collections.abc import Sequence
from itertools import islice

from portfolio_api.core.xml import DECLARATION, element
from portfolio_api.models.certifications import Certification
from portfolio_api.models.conditional import Conditional, Generation, KnownTags
from portfolio_api.models.links import SiteLinks
from portfolio_api.models.posts import Post
from portfolio_api.models.projects import Project
from portfolio_api.services.content import PAGE_BYTES, ContentService
from portfolio_api.services.pages import Built, PageCache

URLSET_OPEN = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
URLSET_CLOSE = "</urlset>\n"
MOST_URLS = 50_000  # what sitemaps.org allows one file
type Entry = tuple[str, str]  # an item's page and when it last changed


class SitemapService:
    def __init__(
        self,
        *,
        posts: ContentService[Post],
        projects: ContentService[Project],
        certifications: ContentService[Certification],
        pages: PageCache,
        links: SiteLinks,
        budget: int = PAGE_BYTES,
    ) -> None:
        self._posts = posts
        self._projects = projects
        self._certifications = certifications
        self._pages = pages
        self._links = links
        self._budget = budget

    def sitemap(self, *, known: KnownTags | None) -> Conditional[str]:
        generations = [
            kind.generation() for kind in (self._posts, self._projects, self._certifications)
        ]
        return self._pages.answer(
            generation=_together(generations),
            shape=("SITEMAP", *(str(generation.number) for generation in generations)),
            known=known,
            keep=True,
            build=self._build,
        )

    def _build(self) -> Built[str]:
        # Projects and certifications need only their id and last change, which the list index
        # holds; a post's page names its slug, which only the item holds.
        entries: list[Entry] = [
            *((self._links.of_post(post), post.updated_at) for post in self._posts.public_items()),
            *(
                (self._links.of_project(item), item.updated_at)
                for item in self._projects.public_index()
            ),
            *(
                (self._links.of_certification(item), item.updated_at)
                for item in self._certifications.public_index()
            ),
        ]
        home = max((changed for _, changed in entries), default=None)
        urls, size = self._fill(entries, head=_url(self._links.home, home))
        body = "".join([DECLARATION, URLSET_OPEN, *urls, URLSET_CLOSE])
        return Built(value=body, size=size, fingerprint=tuple(urls))

    def _fill(self, entries: Sequence[Entry], *, head: str) -> tuple[list[str], int]:
        urls = [head]
        size = len(f"{DECLARATION}{URLSET_OPEN}{head}{URLSET_CLOSE}".encode())
        for page, changed in islice(entries, MOST_URLS - 1):
            url = _url(page, changed)
            if size + len(url.encode()) > self._budget:
                break
            urls.append(url)
            size += len(url.encode())
        return urls, size


def _url(page: str, changed: str | None) -> str:
    lastmod = "" if changed is None else element("lastmod", changed)
    return f"<url>{element('loc', page)}{lastmod}</url>\n"


def _together(generations: Sequence[Generation]) -> Generation:
    """The three kinds' generations as one: settled once the last write of any has settled,
    released as their schedules pass. Its number only ever grows; the page's shape names each
    kind's number besides."""
    changed = [generation.changed_at for generation in generations if generation.changed_at]
    return Generation(
        number=sum(generation.number for generation in generations),
        changed_at=max(changed, default=None),
        schedule=tuple(entry for generation in generations for entry in generation.schedule),
    )
