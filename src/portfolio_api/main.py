"""Entry points: `app` for uvicorn, `handler` for AWS Lambda behind API Gateway."""

from aws_lambda_powertools.logging import correlation_paths
from mangum import Mangum

from portfolio_api.core.logging import logger
from portfolio_api.factory import create_app

app = create_app()
# Lifespan off: Mangum would otherwise run startup and shutdown on every invocation.
handler = logger.inject_lambda_context(
    Mangum(app, lifespan="off"),
    correlation_id_path=correlation_paths.API_GATEWAY_REST,
    clear_state=True,
)
