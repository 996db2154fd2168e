from fastapi import APIRouter, Response

from portfolio_api import __version__
from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NO_STORE, NOT_MODIFIED, IfNoneMatch, digested
from portfolio_api.api.deps import HealthServiceDep, SettingsDep
from portfolio_api.api.errors import error_responses
from portfolio_api.models.health import HealthResponse

router = APIRouter(tags=["Health"])


@router.get("/health", operation_id="getHealth", responses={**NOT_MODIFIED, **error_responses(503)})
@router.get(
    "/v1/health",
    operation_id="getVersionedHealth",
    responses={**NOT_MODIFIED, **error_responses(503)},
)
async def health(
    service: HealthServiceDep, settings: SettingsDep, known: IfNoneMatch, response: Response
) -> HealthResponse:
    """Liveness and whether DynamoDB answers; 503 in the error envelope when it does not."""
    await run_blocking(service.check)
    answer = HealthResponse(
        status="ok", dynamodb="ok", environment=settings.environment, version=__version__
    )
    return digested(answer, known=known, viewer=None, response=response, cache_control=NO_STORE)
