"""The API Gateway REST proxy events kept in events/, and what Lambda hands the handler."""

import asyncio
import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from portfolio_api.devstack import REPO_ROOT

EVENTS = REPO_ROOT / "events"
TOKEN_PLACEHOLDER = "Bearer <id-token>"
Event = dict[str, Any]
Handler = Callable[[Event, Any], Event]


@dataclass(frozen=True)
class LambdaContext:
    function_name: str = "portfolio-api-test"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:portfolio-api-test"
    memory_limit_in_mb: int = 1024
    aws_request_id: str = "lambda-request-id"
    log_group_name: str = "/aws/lambda/portfolio-api-test"
    log_stream_name: str = "2026/11/26/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@contextmanager
def closing_mangums_loop() -> Iterator[None]:
    """Mangum sets an event loop for the process and never closes it. A later `asyncio.run`
    replaces it, and the collector then reports the unclosed loop inside that other test."""
    try:
        yield
    finally:
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return
        loop.close()
        asyncio.set_event_loop(None)


def sample_event_names() -> list[str]:
    return sorted(path.name for path in EVENTS.glob("*.json"))


def load_event(name: str) -> Event:
    event: Event = json.loads((EVENTS / name).read_text())
    return event


def header(response: Event, name: str) -> str | None:
    """Mangum puts single-valued headers in `headers` and repeated ones in `multiValueHeaders`."""
    single = response.get("headers") or {}
    multiple = response.get("multiValueHeaders") or {}
    if name in single:
        return str(single[name])
    return ", ".join(multiple[name]) if name in multiple else None


def with_headers(event: Event, **headers: str) -> Event:
    changed = copy.deepcopy(event)
    changed["headers"] = changed["headers"] | headers
    changed["multiValueHeaders"] = {name: [value] for name, value in changed["headers"].items()}
    return changed


def with_token(event: Event, *, token: str) -> Event:
    """The sample owner event, its placeholder replaced by a token the pool really issued."""
    assert event["headers"]["Authorization"] == TOKEN_PLACEHOLDER
    return with_headers(event, Authorization=f"Bearer {token}")


def with_body(event: Event, *, body: dict[str, Any]) -> Event:
    text = json.dumps(body)
    changed = with_headers(event, **{"Content-Length": str(len(text.encode()))})
    changed["body"] = text
    return changed


def at(event: Event, *, method: str, path: str, requested_path: str | None = None) -> Event:
    """The event sent elsewhere; `requested_path` is what the client asked for (stage included)."""
    changed = copy.deepcopy(event)
    changed.update(httpMethod=method, path=path, resource=path, body=None)
    changed.update(queryStringParameters=None, multiValueQueryStringParameters=None)
    context = changed["requestContext"]
    context.update(httpMethod=method, resourcePath=path)
    context["path"] = requested_path or f"/{context['stage']}{path}"
    return changed
