from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, IfNoneMatch, digested, digested_csv
from portfolio_api.api.deps import (
    AudienceServiceDep,
    OptionalUser,
    Owner,
    ViewServiceDep,
    Visitor,
)
from portfolio_api.api.errors import error_responses
from portfolio_api.api.params import ContentId, ContentTypeParam
from portfolio_api.models.analytics import (
    DAILY_EXPORT_CSV,
    ContentViews,
    CountryStats,
    DeviceStats,
    ExportQuery,
    RankQuery,
    TopContent,
    TopPages,
    TopQuery,
    TotalViews,
    TrackView,
    TrafficSources,
    ViewStats,
    ViewTracked,
)

router = APIRouter(prefix="/analytics", tags=["Analytics"])

CSV_EXPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "`text/csv`: a header, then one row per day, oldest first.",
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": DAILY_EXPORT_CSV,
            }
        },
    }
}


@router.post(
    "/track", operation_id="trackContentView", responses=error_responses(400, 404, 413, 503)
)
async def track_content_view(
    body: TrackView, views: ViewServiceDep, visitor: Visitor
) -> ViewTracked:
    """Count a view of published content, once per visitor, item and UTC day (bots never)."""
    return await run_blocking(
        views.track, signal=visitor, content_type=body.content_type, content_id=body.content_id
    )


@router.get(
    "/top-content",
    operation_id="getTopContent",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def get_top_content(
    query: Annotated[TopQuery, Query()],
    views: ViewServiceDep,
    owner: Owner,
    known: IfNoneMatch,
    response: Response,
) -> TopContent:
    """The most viewed items of each type, highest first (owner only)."""
    top = await run_blocking(views.top, limit=query.limit)
    return digested(top, known=known, viewer=owner, response=response)


@router.get(
    "/total-views",
    operation_id="getTotalViews",
    responses={**NOT_MODIFIED, **error_responses(401, 403, 503)},
)
async def get_total_views(
    views: ViewServiceDep, owner: Owner, known: IfNoneMatch, response: Response
) -> TotalViews:
    """Every view ever counted, of all content (owner only)."""
    total = TotalViews(total_views=await run_blocking(views.total))
    return digested(total, known=known, viewer=owner, response=response)


@router.get(
    "/views/{contentType}/{contentId}",
    operation_id="getContentViewCount",
    responses={**NOT_MODIFIED, **error_responses(400, 404, 503)},
)
async def get_content_view_count(
    content_type: ContentTypeParam,
    content_id: ContentId,
    views: ViewServiceDep,
    viewer: OptionalUser,
    *,
    known: IfNoneMatch,
    response: Response,
) -> ContentViews:
    """The views of one item; 404 where the caller may not see the item."""
    counted = await run_blocking(
        views.views_of, content_type=content_type, content_id=content_id, viewer=viewer
    )
    return digested(counted, known=known, viewer=viewer, response=response)


@router.get(
    "/views/{contentType}",
    operation_id="getAllViewStats",
    responses={**NOT_MODIFIED, **error_responses(400, 503)},
)
async def get_all_view_stats(
    content_type: ContentTypeParam,
    views: ViewServiceDep,
    viewer: OptionalUser,
    known: IfNoneMatch,
    response: Response,
) -> ViewStats:
    """Views by id of every item of a type the caller may see (public: lists show them)."""
    stats = await run_blocking(views.stats, content_type=content_type, viewer=viewer)
    return digested(stats, known=known, viewer=viewer, response=response)


@router.get(
    "/sources",
    operation_id="getTrafficSources",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def get_traffic_sources(
    query: Annotated[RankQuery, Query()],
    audience: AudienceServiceDep,
    owner: Owner,
    known: IfNoneMatch,
    response: Response,
) -> TrafficSources:
    """Visitors by referring host and by UTM tag over the last days, most first (owner only)."""
    sources = await run_blocking(audience.sources, days=query.days, limit=query.limit)
    return digested(sources, known=known, viewer=owner, response=response)


@router.get(
    "/pages",
    operation_id="getTopPages",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def get_top_pages(
    query: Annotated[RankQuery, Query()],
    audience: AudienceServiceDep,
    owner: Owner,
    known: IfNoneMatch,
    response: Response,
) -> TopPages:
    """Pageviews and visitors by path over the last days, most pageviews first (owner only)."""
    pages = await run_blocking(audience.pages, days=query.days, limit=query.limit)
    return digested(pages, known=known, viewer=owner, response=response)


@router.get(
    "/devices",
    operation_id="getDeviceStats",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def get_device_stats(
    query: Annotated[RankQuery, Query()],
    audience: AudienceServiceDep,
    owner: Owner,
    known: IfNoneMatch,
    response: Response,
) -> DeviceStats:
    """Visitors by browser, operating system and device type, most first (owner only)."""
    devices = await run_blocking(audience.devices, days=query.days, limit=query.limit)
    return digested(devices, known=known, viewer=owner, response=response)


@router.get(
    "/countries",
    operation_id="getCountryStats",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def get_country_stats(
    query: Annotated[RankQuery, Query()],
    audience: AudienceServiceDep,
    owner: Owner,
    known: IfNoneMatch,
    response: Response,
) -> CountryStats:
    """Visitors by country (ISO 3166-1 alpha-2) over the last days, most first (owner only)."""
    countries = await run_blocking(audience.countries, days=query.days, limit=query.limit)
    return digested(countries, known=known, viewer=owner, response=response)


@router.get(
    "/export.csv",
    operation_id="getDailyAnalyticsExport",
    response_class=Response,
    responses={**CSV_EXPORT, **NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def get_daily_analytics_export(
    query: Annotated[ExportQuery, Query()],
    audience: AudienceServiceDep,
    owner: Owner,
    known: IfNoneMatch,
) -> Response:
    """One CSV row per UTC day: visitors, pageviews, views by content type (owner only)."""
    export = await run_blocking(audience.export, first=query.first, last=query.last)
    return digested_csv(export.csv(), name="DailyExport", known=known, viewer=owner)
