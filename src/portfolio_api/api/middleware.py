"""Request ids on every response, and the 500 envelope for anything nobody caught.

It sits inside CORSMiddleware, so even a 500 carries the CORS headers a browser needs to read it.
"""

import logging
import uuid
from http import HTTPStatus

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portfolio_api.api.blocking import serving_alone
from portfolio_api.api.errors import error_response
from portfolio_api.core.logging import request_id_var

logger = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        context = request_id_var.set(request_id)
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
        finally:
            request_id_var.reset(context)


def _request_id(scope: Scope) -> str:
    """API Gateway's own request id under Lambda, so logs and responses line up with its logs."""
    event = scope.get("aws.event")
    if isinstance(event, dict):
        request_id = event.get("requestContext", {}).get("requestId")
        if isinstance(request_id, str) and request_id:
            return request_id
    return uuid.uuid4().hex
