"""Entry points: `app` for uvicorn, `handler` for AWS Lambda behind API Gateway."""

from mangum import Mangum

from portfolio_api.factory import create_app

app = create_app()
# Lifespan off: Mangum would otherwise run startup and shutdown on every invocation.
handler = Mangum(app, lifespan="off")
