"""Swagger UI, served whole by the app: its script, stylesheet and icon come from the pinned
`fastapi-offline` package, never from a CDN, so /docs works offline and behind any firewall."""

import base64
import importlib.util
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.responses import HTMLResponse, Response

DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# The assets' URL -> (file in the package's static folder, media type). The Makefile's
# build-ApiFunction ships these files and the icon alone; a test holds the lists equal.
ASSETS = {
    "/docs/swagger-ui-bundle.js": ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "/docs/swagger-ui.css": ("swagger-ui.css", "text/css; charset=utf-8"),
}
# Inlined in the page: a PNG through API Gateway would need binary media types on the API.
FAVICON = "favicon.png"
# The files change only with the package's pin; a day in the browser's cache is enough.
ASSET_CACHE_CONTROL = "public, max-age=86400"
# Swagger UI keeps the Bearer token it was given across page reloads (in the browser's storage).
SWAGGER_UI_PARAMETERS = {"persistAuthorization": True}

Endpoint = Callable[[Request], Awaitable[Response]]


def static_folder() -> Path:
    """Where the package keeps its files, found without importing it (its module builds an app
    factory the cold start has no use for)."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("fastapi-offline is not installed: run `uv sync --locked`")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def install_docs(app: FastAPI, *, openapi_url: str) -> None:
    """/docs, its OAuth2 redirect page and its assets, each a GET route of its own (so also
    HEAD): the gateway routes each path by name."""
    folder = static_folder()
    app.add_route(
        DOCS_URL,
        _swagger_ui(app, openapi_url=openapi_url, folder=folder),
        include_in_schema=False,
    )
    app.add_route(OAUTH2_REDIRECT_URL, _oauth2_redirect, include_in_schema=False)
    for url, (name, media_type) in ASSETS.items():
        app.add_route(url, _asset(folder / name, media_type=media_type), include_in_schema=False)


def _swagger_ui(app: FastAPI, *, openapi_url: str, folder: Path) -> Endpoint:
    async def swagger_ui(request: Request) -> Response:
        # On execute-api URLs the stage prefix (`/prod`) is `root_path`: every URL keeps it.
        root = request.scope.get("root_path", "").rstrip("/")
        icon = base64.b64encode((folder / FAVICON).read_bytes()).decode()
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
            swagger_js_url=root + "/docs/swagger-ui-bundle.js",
            swagger_css_url=root + "/docs/swagger-ui.css",
            swagger_favicon_url=f"data:image/png;base64,{icon}",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    return swagger_ui


async def _oauth2_redirect(request: Request) -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


def _asset(path: Path, *, media_type: str) -> Endpoint:
    """One file, read on its first request only: a cold start that never shows /docs never
    reads 1.5 MB of script."""
    read: list[bytes] = []

    async def asset(request: Request) -> Response:
        if not read:
            read.append(read_asset(path))
        return Response(
            read[0], media_type=media_type, headers={"Cache-Control": ASSET_CACHE_CONTROL}
        )

    return asset


def read_asset(path: Path) -> bytes:
    """The file, or else its gzip copy beside it: the Lambda artifact keeps the script and the
    stylesheet compressed (1.7 MB -> 0.45 MB) to stay within its size budget (the Makefile's
    build-ApiFunction)."""
    if path.exists():
        return path.read_bytes()
    import gzip  # noqa: PLC0415  # here: no cold start shows /docs, so none pays for the import

    return gzip.decompress(path.with_name(f"{path.name}.gz").read_bytes())
