"""`make bench` for issue 13: a repeated anonymous list page with the warm Lambda's page memory
against the same app without it, the 304 path, and the largest list answer over large posts.

Run: `uv run --frozen python -m tests.bench.caching`. DynamoDB Local holds the content bench's
200 published posts of ~5 KB; then 25 posts of 340 KB are added for the size figures. It prints
figures and judges them against the goals; it asserts nothing.
"""

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from portfolio_api.devstack.dynamodb_local import DynamoDBLocal
from portfolio_api.models.posts import PostCreate
from portfolio_api.services.content import RESPONSE_BYTES
from portfolio_api.services.pages import SETTLE, PageCache
from tests.bench.capacity import CapacityMeter, Usage
from tests.bench.content import (
    ITERATIONS,
    PAGE_SIZE,
    POST_COUNT,
    POSTS_PATH,
    WARMUP,
    Stack,
    build_stack,
    call_handler,
    isolated_environment,
    post_body,
    seed,
    summary_cells,
    verdict,
)
from tests.bench.events import rest_event
from tests.bench.stats import Summary, interleave
from tests.helpers.aws import scans_forbidden
from tests.helpers.clock import FastForwardClock

LARGE_POSTS = 25
LARGE_CONTENT = 340_000  # bytes of Markdown: under the 350,000 a post may hold
LARGE_LIMIT = 100
LIST_RCU_GOAL = 1.0
BEFORE_RCU = 26.5  # issue 13's figure for this page, before the cache

UNCACHED = "no page memory (every read built from DynamoDB)"
CACHED = "page memory (issue 13)"
NOT_MODIFIED = "page memory, If-None-Match: 304"


@dataclass(frozen=True, kw_only=True)
class Apps:
    """The same code twice on one table: with the warm Lambda's page memory, and without."""

    cached: Stack
    uncached: Stack
    clock: FastForwardClock


def build_apps(endpoint_url: str) -> Apps:
    clock = FastForwardClock()
    return Apps(
        cached=build_stack(endpoint_url=endpoint_url, clock=clock),
        uncached=build_stack(
            endpoint_url=endpoint_url, clock=clock, pages=PageCache(clock=clock, max_bytes=0)
        ),
        clock=clock,
    )


def list_event(*, limit: int, etag: str | None = None) -> dict[str, Any]:
    headers = {"If-None-Match": etag} if etag else None
    return rest_event(method="GET", path=POSTS_PATH, query={"limit": str(limit)}, headers=headers)


def header(response: dict[str, Any], name: str) -> str:
    """One header of a Mangum answer, whichever of its two header maps holds it."""
    for field in ("headers", "multiValueHeaders"):
        for key, value in (response.get(field) or {}).items():
            if key.lower() == name:
                return str(value[0] if isinstance(value, list) else value)
    raise KeyError(name)


def sides(apps: Apps) -> dict[str, Callable[[], dict[str, Any]]]:
    page = list_event(limit=PAGE_SIZE)
    etag = header(call_handler(apps.cached.handler, page)(), "etag")
    known = list_event(limit=PAGE_SIZE, etag=etag)
    return {
        UNCACHED: call_handler(apps.uncached.handler, page),
        CACHED: call_handler(apps.cached.handler, page),
        NOT_MODIFIED: call_handler(apps.cached.handler, known, expect=304),
    }


def measure(meter: CapacityMeter, calls: dict[str, Callable[[], object]]) -> dict[str, Usage]:
    """Each call's capacity, as DynamoDB reports it."""
    used = {}
    for name, call in calls.items():
        with meter.measure() as usage:
            call()
        used[name] = usage
    return used


def add_large_posts(stack: Stack) -> None:
    body = post_body(0) | {"content": "# Large\n\n" + "x" * (LARGE_CONTENT - 9)}
    for number in range(LARGE_POSTS):
        data = PostCreate.model_validate(body | {"title": f"Large post {number:02d}"})
        draft = stack.posts.create(data=data)
        stack.posts.publish(item_id=draft.id, precondition=None)


def print_latency(timings: dict[str, Summary], used: dict[str, Usage]) -> None:
    print(f"\n## Repeated anonymous list page (`GET {POSTS_PATH}?limit={PAGE_SIZE}`)\n")
    print("| side | DynamoDB calls | RCU | median ms | p90 ms | p99 ms | median / uncached |")
    print("|---|---|---:|---:|---:|---:|---:|")
    base = timings[UNCACHED].median_ms
    for name, summary in timings.items():
        usage = used[name]
        print(
            f"| {name} | {usage.describe_calls()} | {usage.read_units:g} "
            f"| {summary_cells(summary)} | {summary.median_ms / base:.2f}x |"
        )


def print_large(response: dict[str, Any], usage: Usage) -> None:
    body = response["body"].encode()
    page = json.loads(body)
    print(f"\n## Largest answer: {LARGE_POSTS} posts of {LARGE_CONTENT:,} B, limit={LARGE_LIMIT}\n")
    print("| figure | value |")
    print("|---|---:|")
    print(f"| body bytes (goal <= {RESPONSE_BYTES:,}) | {len(body):,} |")
    zipped = len(gzip.compress(body))
    print(f"| gzip, as API Gateway sends it to a client that accepts it | {zipped:,} |")
    print(f"| posts on the page / total | {len(page['posts'])} / {page['total']} |")
    print(f"| nextOffset | {page['nextOffset']} |")
    print(f"| DynamoDB calls | {usage.describe_calls()} |")
    print(f"| RCU | {usage.read_units:g} |")


def print_goals(used: dict[str, Usage], size: int) -> None:
    cached = used[CACHED].read_units
    print("\n## Goals\n")
    print("| goal | measured | verdict |")
    print("|---|---:|---|")
    print(
        f"| repeated anonymous list: <= {LIST_RCU_GOAL:g} RCU (was {BEFORE_RCU:g}) "
        f"| {cached:g} | {verdict(cached <= LIST_RCU_GOAL)} |"
    )
    print(
        f"| largest answer <= {RESPONSE_BYTES:,} B | {size:,} | {verdict(size <= RESPONSE_BYTES)} |"
    )


def run() -> None:
    with scans_forbidden(), DynamoDBLocal() as dynamodb:
        apps = build_apps(dynamodb.endpoint_url)
        seed(apps.cached.posts)
        apps.clock.sleep(SETTLE.total_seconds() + 1)  # past the last write's settling time
        print("# make bench: cached public reads (issue 13)\n")
        print(f"- data: {POST_COUNT} published posts of ~5 KB, as in the content bench")
        print(f"- method: {WARMUP} warm-up rounds, then {ITERATIONS} interleaved rounds")
        calls = sides(apps)
        timings = interleave(calls, iterations=ITERATIONS, warmup=WARMUP)
        # Installed only now, so the timings carry no ReturnConsumedCapacity.
        cached, uncached = CapacityMeter(apps.cached.client), CapacityMeter(apps.uncached.client)
        used = measure(uncached, {UNCACHED: calls[UNCACHED]}) | measure(
            cached, {CACHED: calls[CACHED], NOT_MODIFIED: calls[NOT_MODIFIED]}
        )
        print_latency(timings, used)
        add_large_posts(apps.cached)
        apps.clock.sleep(SETTLE.total_seconds() + 1)
        with cached.measure() as usage:
            response = call_handler(apps.cached.handler, list_event(limit=LARGE_LIMIT))()
        print_large(response, usage)
        print_goals(used, len(response["body"].encode()))


def main() -> None:
    isolated_environment()
    run()


if __name__ == "__main__":
    main()
