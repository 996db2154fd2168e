"""The FastAPI application factory. `main` builds the one app that Lambda and uvicorn serve."""

from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from portfolio_api import __version__
from portfolio_api.api.body_limit import BodySizeLimitMiddleware
from portfolio_api.api.caching import install_not_modified
from portfolio_api.api.deps import mark_optional_security
from portfolio_api.api.docs import install_docs
from portfolio_api.api.errors import error_schemas, install_error_handlers
from portfolio_api.api.methods import MethodsMiddleware
from portfolio_api.api.middleware import REQUEST_ID_HEADER, RequestContextMiddleware
from portfolio_api.api.router import ROUTERS
from portfolio_api.api.spec import TAGS, add_examples, declare_read_headers
from portfolio_api.api.stale_token import StaleTokenMiddleware
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
        error response points at the one envelope schema; every read declares its caching
        headers, and every schema has an example (api/spec.py)."""
        if self.openapi_schema is None:
            schema = super().openapi()
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    operation.get("responses", {}).pop("422", None)
            declare_read_headers(schema.get("paths", {}))
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            components.update(error_schemas())
            mark_optional_security(schema, routes=self.routes)
            add_examples(components)
            self.openapi_schema = schema
        return self.openapi_schema


def create_app(*, settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, log_format=settings.log_format)
    # FastAPI's own /docs and /redoc load their scripts from a CDN: /docs is the app's own
    # (api/docs.py), and ReDoc is left out rather than ship its 1.1 MB script too.
    app = PortfolioAPI(
        title="Portfolio API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app, openapi_url=app.openapi_url or "/openapi.json")
    app.state.container = container or build_container(settings)
    for router, prefix in ROUTERS:
        app.include_router(router, prefix=prefix)
    install_error_handlers(app)
    app.add_middleware(MethodsMiddleware)
    app.add_middleware(StaleTokenMiddleware)
    install_not_modified(app)
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
        expose_headers=["ETag", "WWW-Authenticate", REQUEST_ID_HEADER],
        max_age=600,
    )
    return app
