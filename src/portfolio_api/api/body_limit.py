"""Refuses request bodies over a size limit with 413, before any of it is parsed.

Not FastAPI's own `max_body_size`: tried in its place, a body declared too large got a
plain-text 413 outside the error envelope, and the check only fires once a route reads the body.
"""

from http import HTTPStatus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portfolio_api.api.errors import error_response

MAX_BODY_BYTES = 1024 * 1024
# A refused body is still read (and dropped) up to here, so the client gets to read the 413
# instead of a connection reset in mid-upload. API Gateway itself stops bodies at 10 MB.
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if b"content-length" not in headers and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body at all: a GET, most of the traffic
            return
        declared = headers.get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await _drain(receive)
            await self._refuse(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            # Read it all first: a chunked body carries no Content-Length to check.
            message = await receive()
            if message["type"] != "http.request":
                break
            body.extend(message.get("body", b""))
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                if more:
                    await _drain(receive)
                await self._refuse(scope, receive, send)
                return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            message=f"The request body is over the {self.max_bytes // 1024} KiB this API accepts",
            details={"limitBytes": self.max_bytes},
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


async def _drain(receive: Receive) -> None:
    read = 0
    while read <= DRAIN_LIMIT_BYTES:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        read += len(message.get("body", b""))


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
