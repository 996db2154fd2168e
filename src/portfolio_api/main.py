"""Entry points: `app` for uvicorn, `handler` for AWS Lambda behind API Gateway."""

import gc
from typing import Any

# A cold start builds about 174,000 long-lived objects (modules, models, routes), and the cycle
# collector would scan them over and over while they pile up: 50-125 ms of the import
# (docs/PERFORMANCE.md). Almost none of it is garbage, so the collector waits until the app is
# built, and freezing what was built keeps the collections in requests from scanning it again.
gc.disable()
try:
    from aws_lambda_powertools.logging import correlation_paths
    from mangum import Mangum

    from portfolio_api.core.logging import logger
    from portfolio_api.core.metrics import metrics
    from portfolio_api.core.tracing import tracer
    from portfolio_api.factory import create_app
    from portfolio_api.snapstart import register

    app = create_app()
    # Under SnapStart a restored snapshot renews the app's clients first (snapstart.py).
    register(app)
    # Lifespan off: Mangum would otherwise run startup and shutdown on every invocation.
    _serve = Mangum(app, lifespan="off")
finally:
    gc.freeze()
    gc.enable()


# Each log line gets cold_start, the function's context and API Gateway's request id as
# correlation_id; the invocation's business metrics leave as one EMF line; the trace holds
# neither the response nor errors (a sign-in's response holds its tokens).
@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False, capture_error=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _serve(event, context)
