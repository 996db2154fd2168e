"""HEAD on every GET route, a plain OPTIONS, and a 405 whose `Allow` names every method.

Once, for the whole app, rather than on each route: a HEAD is served as the GET, whose status
and headers it keeps (`Content-Length` and `ETag` included), with the body dropped. Starlette's
router stops at the first route whose path matches, so its 405 named that route's methods alone
(`/v1/blog/posts` said GET, though POST is served too); here `Allow` is every method of every
route of the path, HEAD wherever GET, and OPTIONS, which a request without CORS's preflight
headers gets answered here (204 and `Allow`).
"""

from http import HTTPStatus

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portfolio_api.api.routes import served


def allowed_methods(scope: Scope) -> list[str]:
    """Every method served on the scope's path, sorted; empty when no route has the path."""
    path = scope["path"][len(scope.get("root_path", "")) :] or "/"
    methods = {
        method
        for route in served(scope["app"].routes)
        if route.pattern.match(path)
        for method in route.methods
    }
    if not methods:
        return []
    return sorted(methods | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set()))


class MethodsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and (allowed := allowed_methods(scope)):
            options = Response(status_code=HTTPStatus.NO_CONTENT, headers=_allow(allowed))
            await options(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            scope, send = dict(scope, method="GET"), _without_body(send)
        await self.app(scope, receive, _with_full_allow(scope, send))


def _allow(methods: list[str]) -> dict[str, str]:
    return {"Allow": ", ".join(methods)}


def _with_full_allow(scope: Scope, send: Send) -> Send:
    async def send_allow(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            headers = MutableHeaders(scope=message)
            headers.update(_allow(allowed_methods(scope)))
        await send(message)

    return send_allow


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
        elif not message.get("more_body", False):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return send_head
