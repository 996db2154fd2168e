"""API Gateway REST proxy events for the bench, shaped like the samples in `events/`."""

import copy
import json
import uuid
from functools import cache
from typing import Any

from portfolio_api.devstack import REPO_ROOT

TEMPLATE = REPO_ROOT / "events" / "get-health.json"
Event = dict[str, Any]


@cache
def _template() -> Event:
    event: Event = json.loads(TEMPLATE.read_text())
    return event


def rest_event(
    *,
    method: str,
    path: str,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> Event:
    """`get-health.json` turned into another request, its requestContext kept in step."""
    event = copy.deepcopy(_template())
    context = event["requestContext"]
    event.update(
        httpMethod=method,
        path=path,
        pathParameters={"proxy": path.lstrip("/")},
        queryStringParameters=query,
        multiValueQueryStringParameters=(
            {name: [value] for name, value in query.items()} if query else None
        ),
        body=body,
    )
    extra = dict(headers or {})
    if body is not None:
        extra["Content-Length"] = str(len(body.encode()))
    event["headers"].update(extra)
    event["multiValueHeaders"].update({name: [value] for name, value in extra.items()})
    context.update(
        httpMethod=method,
        path=f"/{context['stage']}{path}",
        requestId=str(uuid.uuid4()),
    )
    return event
