"""Settings and running apps for API tests: the real app, a real table, real HTTP."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from portfolio_api.config import Settings
from portfolio_api.devstack.cognito import LocalUserPool
from portfolio_api.factory import create_app
from tests.helpers.aws import REGION
from tests.helpers.live_server import LiveServer

# The four variables the app cannot start without; everything else has a default.
REQUIRED_ENVIRONMENT = {
    "DYNAMODB_TABLE_NAME": "portfolio-test",
    "DYNAMODB_EPHEMERAL_TABLE_NAME": "portfolio-ephemeral-test",
    "COGNITO_USER_POOL_ID": "eu-west-1_POOL",
    "COGNITO_CLIENT_ID": "client",
}


def settings_for(
    *, table: str, ephemeral_table: str, dynamodb_url: str, pool: LocalUserPool, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "aws_region": REGION,
        "dynamodb_table_name": table,
        "dynamodb_ephemeral_table_name": ephemeral_table,
        "dynamodb_endpoint_url": dynamodb_url,
        "cognito_user_pool_id": pool.user_pool_id,
        "cognito_client_id": pool.client_id,
        "cognito_region": pool.region,
        "cognito_endpoint_url": pool.endpoint_url,
        "cognito_jwks_url": pool.jwks_url,
    }
    values.update(overrides)
    return Settings(**values)


@contextmanager
def serve(app: FastAPI) -> Iterator[httpx.Client]:
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def environment_of(settings: Settings) -> dict[str, str]:
    """The environment variables that would make `load_settings()` return these settings."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump(exclude_none=True).items():
        env[name.upper()] = ",".join(value) if isinstance(value, tuple) else str(value)
    return env


def default_app() -> FastAPI:
    """The app as configured for AWS, built but never serving a request."""
    settings = Settings(
        dynamodb_table_name="unused",
        dynamodb_ephemeral_table_name="unused-ephemeral",
        cognito_user_pool_id=f"{REGION}_unused",
        cognito_client_id="unused",
        aws_region=REGION,
    )
    return create_app(settings=settings)


def openapi_of_default_app() -> dict[str, Any]:
    return default_app().openapi()
