"""The blog's RSS feeds and the site's sitemap: public XML, cached like every public read."""

from fastapi import APIRouter, Request, Response

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, IfNoneMatch, fresh
from portfolio_api.api.deps import FeedServiceDep, SitemapServiceDep
from portfolio_api.api.errors import error_responses
from portfolio_api.api.params import TagParam

router = APIRouter(tags=["Feeds"])


class RssResponse(Response):
    media_type = "application/rss+xml; charset=utf-8"


class SitemapResponse(Response):
    media_type = "application/xml"


def _self_url(request: Request) -> str:
    """Where the feed was read: its `atom:link rel="self"`."""
    return str(request.url.replace(query=None, fragment=None))


def _xml[R: Response](body: str, *, response: Response, answer_class: type[R]) -> R:
    """`fresh`'s headers on an XML body (a returned Response carries only its own)."""
    return answer_class(content=body, headers=dict(response.headers))


@router.get(
    "/blog/rss.xml",
    operation_id="getBlogFeed",
    response_class=RssResponse,
    responses={**NOT_MODIFIED, **error_responses(503)},
)
async def get_blog_feed(
    feeds: FeedServiceDep, known: IfNoneMatch, request: Request, response: Response
) -> RssResponse:
    """RSS 2.0 of the newest published posts, each with its Markdown as sanitised HTML."""
    answer = await run_blocking(feeds.rss, tag=None, self_url=_self_url(request), known=known)
    body = fresh(answer, viewer=None, response=response)
    return _xml(body, response=response, answer_class=RssResponse)


@router.get(
    "/blog/tags/{tag}/rss.xml",
    operation_id="getBlogTagFeed",
    response_class=RssResponse,
    responses={**NOT_MODIFIED, **error_responses(404, 503)},
)
async def get_blog_tag_feed(
    tag: TagParam, feeds: FeedServiceDep, known: IfNoneMatch, request: Request, response: Response
) -> RssResponse:
    """RSS 2.0 of the newest published posts with this tag (any case); none yet: no items."""
    answer = await run_blocking(feeds.rss, tag=tag, self_url=_self_url(request), known=known)
    body = fresh(answer, viewer=None, response=response)
    return _xml(body, response=response, answer_class=RssResponse)


@router.get(
    "/sitemap.xml",
    operation_id="getSitemap",
    response_class=SitemapResponse,
    responses={**NOT_MODIFIED, **error_responses(503)},
)
async def get_sitemap(
    sitemap: SitemapServiceDep, known: IfNoneMatch, response: Response
) -> SitemapResponse:
    """The site's home and every published post, project and certification, with `lastmod`."""
    answer = await run_blocking(sitemap.sitemap, known=known)
    body = fresh(answer, viewer=None, response=response)
    return _xml(body, response=response, answer_class=SitemapResponse)
