"""Request ids on responses and log lines, the stage prefix, the last-resort 500.

Under Lambda the Logger takes API Gateway's request id from the event itself
(`correlation_id_path`); under uvicorn, which serves many requests at once, the id is set here,
context-local. The middleware sits inside CORSMiddleware, so even a 500 carries the CORS headers
a browser needs to read it.
"""

import re
import uuid
from http import HTTPStatus
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portfolio_api.api.blocking import serving_alone
from portfolio_api.api.errors import error_response
from portfolio_api.core.logging import correlation, logger

REQUEST_ID_HEADER = "X-Request-ID"
# A preview token is a secret that travels in the path: no log line ever holds it.
_SECRET_SEGMENT = re.compile(r"(/preview/)[^/]*")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        event = scope.get("aws.event")
        if isinstance(event, dict):
            scope = _behind_stage_prefix(scope, event=event)
            await self._serve(scope, receive, send, request_id=_request_id(event))
            return
        request_id = uuid.uuid4().hex
        with correlation(request_id):
            await self._serve(scope, receive, send, request_id=request_id)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, *, request_id: str) -> None:
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            with serving_alone("aws.event" in scope):
                await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error on %s %s", scope["method"], loggable(scope["path"]))
            if response_started:
                raise
            response = error_response(
                status=HTTPStatus.INTERNAL_SERVER_ERROR,
                message="An unexpected error occurred. Quote the request id when reporting it.",
                details={"requestId": request_id},
            )
            await response(scope, receive, send_with_id)


def loggable(path: str) -> str:
    """The path with a preview token's place named instead of the token."""
    return _SECRET_SEGMENT.sub(r"\1{token}", path)


def _behind_stage_prefix(scope: Scope, *, event: dict[str, Any]) -> Scope:
    """The execute-api URL puts the stage before the path (`/prod/docs`); a custom domain doesn't.

    The prefix becomes `root_path`, so /docs points its browser at `/prod/openapi.json`.
    """
    requested = event.get("requestContext", {}).get("path")
    served: str = scope["path"]
    if not isinstance(requested, str) or len(requested) <= len(served):
        return scope
    if not requested.endswith(served):
        return scope
    prefix = requested[: -len(served)].rstrip("/")
    return dict(scope, root_path=prefix, path=prefix + served)


def _request_id(event: dict[str, Any]) -> str:
    """API Gateway's own request id, so responses line up with its logs and ours."""
    request_id = event.get("requestContext", {}).get("requestId")
    return request_id if isinstance(request_id, str) and request_id else uuid.uuid4().hex
