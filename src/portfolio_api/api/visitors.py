from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, IfNoneMatch, digested
from portfolio_api.api.deps import Owner, Visitor, VisitorServiceDep
from portfolio_api.api.errors import error_responses
from portfolio_api.models.analytics import (
    DailyTrends,
    DaysQuery,
    MonthlyTrends,
    MonthsQuery,
    TrackVisit,
    VisitorCount,
    VisitTracked,
)

router = APIRouter(prefix="/visitors", tags=["Visitors"])


@router.post("/track", operation_id="trackVisit", responses=error_responses(400, 413, 503))
async def track_visit(
    visitors: VisitorServiceDep,
    visitor: Visitor,
    page: Annotated[TrackVisit | None, Body()] = None,
    viewer_country: Annotated[
        str | None,
        Header(
            alias="CloudFront-Viewer-Country",
            description="Set by CloudFront; the country when the body names no time zone.",
        ),
    ] = None,
) -> VisitTracked:
    """Count this visitor once per UTC day (bots never), and the page's pageview; the total."""
    return await run_blocking(
        visitors.track, signal=visitor, page=page, viewer_country=viewer_country
    )


@router.get(
    "/count",
    operation_id="getVisitorCount",
    responses={**NOT_MODIFIED, **error_responses(503)},
)
async def get_visitor_count(
    visitors: VisitorServiceDep, known: IfNoneMatch, response: Response
) -> VisitorCount:
    """The all-time total of counted visits."""
    count = VisitorCount(count=await run_blocking(visitors.count))
    return digested(count, known=known, viewer=None, response=response)


@router.get(
    "/trends/daily",
    operation_id="getDailyVisitorTrends",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def get_daily_visitor_trends(
    query: Annotated[DaysQuery, Query()],
    visitors: VisitorServiceDep,
    owner: Owner,
    known: IfNoneMatch,
    response: Response,
) -> DailyTrends:
    """Visitors per UTC day, oldest first, days without visits as 0 (owner only)."""
    trends = DailyTrends(trends=await run_blocking(visitors.daily, days=query.days))
    return digested(trends, known=known, viewer=owner, response=response)


@router.get(
    "/trends/monthly",
    operation_id="getMonthlyVisitorTrends",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def get_monthly_visitor_trends(
    query: Annotated[MonthsQuery, Query()],
    visitors: VisitorServiceDep,
    owner: Owner,
    known: IfNoneMatch,
    response: Response,
) -> MonthlyTrends:
    """Visitors per calendar month, oldest first, empty months as 0 (owner only)."""
    trends = MonthlyTrends(trends=await run_blocking(visitors.monthly, months=query.months))
    return digested(trends, known=known, viewer=owner, response=response)
