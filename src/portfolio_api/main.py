"""Entry points: `app` for uvicorn, `handler` for AWS Lambda behind API Gateway."""

from mangum import Mangum

from portfolio_api.core.logging import logger
from portfolio_api.factory import create_app

app = create_app()
# Lifespan off: Mangum would otherwise run startup and shutdown on every invocation.
# The Logger adds cold_start and the function's context to each line; the correlation id is
# set per request by RequestContextMiddleware, from API Gateway's request id, as under uvicorn.
handler = logger.inject_lambda_context(Mangum(app, lifespan="off"), clear_state=True)
