"""Entry points: `app` for uvicorn, `handler` for AWS Lambda behind API Gateway."""

from typing import Any

from mangum import Mangum

from portfolio_api.core.logging import logger
from portfolio_api.core.tracing import tracer
from portfolio_api.factory import create_app

app = create_app()
# Lifespan off: Mangum would otherwise run startup and shutdown on every invocation.
_serve = Mangum(app, lifespan="off")


# The Logger adds cold_start and the function's context to each line; the correlation id is
# set per request by RequestContextMiddleware, from API Gateway's request id, as under uvicorn.
# Neither responses nor errors go into the trace: a sign-in's response holds its tokens.
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False, capture_error=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _serve(event, context)
