"""The FastAPI application factory. `main` builds the one app that Lambda and uvicorn serve."""

from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from portfolio_api import __version__
from portfolio_api.api.body_limit import BodySizeLimitMiddleware
from portfolio_api.api.caching import install_not_modified
from portfolio_api.api.errors import error_schemas, install_error_handlers
from portfolio_api.api.middleware import REQUEST_ID_HEADER, RequestContextMiddleware
from portfolio_api.api.router import ROUTERS
from portfolio_api.config import Settings, get_settings
from portfolio_api.container import Container, build_container
from portfolio_api.core.logging import configure_logging

DESCRIPTION = (
    "Backend of a personal portfolio site: blog posts, projects, certifications, and visitor "
    "analytics. Owner routes need the Cognito ID token from `POST /v1/auth/login` as a Bearer "
    "token. Every error uses one envelope: `{error, message, statusCode, details}`."
)


class PortfolioAPI(FastAPI):
    def openapi(self) -> dict[str, Any]:
        """Validation failures are 400s here, as the frontend's contract says, never 422s; every
        error response points at the one envelope schema."""
        if self.openapi_schema is None:
            schema = super().openapi()
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    operation.get("responses", {}).pop("422", None)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            components.update(error_schemas())
            self.openapi_schema = schema
        return self.openapi_schema


def create_app(*, settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, log_format=settings.log_format)
    app = PortfolioAPI(title="Portfolio API", version=__version__, description=DESCRIPTION)
    app.state.container = container or build_container(settings)
    for router, prefix in ROUTERS:
        app.include_router(router, prefix=prefix)
    install_error_handlers(app)
    install_not_modified(app)
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
        expose_headers=["ETag", REQUEST_ID_HEADER],
        max_age=600,
    )
    return app
