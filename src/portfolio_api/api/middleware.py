"""Request ids on responses and log lines, metrics published per request, the last-resort 500.

It sits inside CORSMiddleware, so even a 500 carries the CORS headers a browser needs to read it.
"""

import uuid
from http import HTTPStatus
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portfolio_api.api.blocking import serving_alone
from portfolio_api.api.errors import error_response
from portfolio_api.core.logging import correlation, logger
from portfolio_api.core.metrics import BusinessMetrics

REQUEST_ID_HEADER = "X-Request-ID"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: BusinessMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        event = scope.get("aws.event")
        if isinstance(event, dict):
            scope = _behind_stage_prefix(scope, event=event)
        request_id = _request_id(event)
        try:
            with correlation(request_id):
                await self._serve(scope, receive, send, request_id=request_id)
        finally:
            self.metrics.publish()

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
            logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if response_started:
                raise
            response = error_response(
                status=HTTPStatus.INTERNAL_SERVER_ERROR,
                message="An unexpected error occurred. Quote the request id when reporting it.",
                details={"requestId": request_id},
            )
            await response(scope, receive, send_with_id)


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


def _request_id(event: object) -> str:
    """API Gateway's own request id under Lambda, so logs and responses line up with its logs."""
    if isinstance(event, dict):
        request_id = event.get("requestContext", {}).get("requestId")
        if isinstance(request_id, str) and request_id:
            return request_id
    return uuid.uuid4().hex
