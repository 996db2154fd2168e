"""`WWW-Authenticate: Bearer error="invalid_token"` on every answer to a refused optional token.

`optional_user` answers a refused token as anonymous and marks the request; whatever the route
then answers (200, a 401 for drafts, a 404), the header tells the frontend to refresh. A
middleware, not the route's `Response`: FastAPI drops that one's headers when an error is raised.
"""

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MARK = "stale_token"
REFRESH_CHALLENGE = 'Bearer error="invalid_token"'


def mark_stale_token(request: Request) -> None:
    request.state.stale_token = True  # MARK, in scope["state"]


class StaleTokenMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Request.state lives in this dict; made here, copies of the scope further in share it.
        state: dict[str, object] = scope.setdefault("state", {})

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get(MARK):
                MutableHeaders(scope=message)["WWW-Authenticate"] = REFRESH_CHALLENGE
            await send(message)

        await self.app(scope, receive, send_marked)
