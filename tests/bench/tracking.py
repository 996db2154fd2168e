"""`make bench` for analytics: tracking under load over real HTTP, and what each call costs.

uvicorn (a child process, as `make dev` runs it) serves DynamoDB Local. 50 clients send 2,000
track requests, each from a distinct visitor (its own address, through one trusted proxy hop)
with a page body (`page_body`: 40 paths, 50 referrers, 3 UTM sources, 4 time zones, so the
dimension items fill and fold into "other"); then the same for views of one post. Lost updates
are the final count minus the `tracked: true` answers, and must be 0. Figures, no asserts.

Run alone: `uv run --frozen python -m tests.bench.tracking`.
"""

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import httpx
from botocore.config import Config

from portfolio_api.devstack.dynamodb_local import DynamoDBLocal
from portfolio_api.devstack.processes import free_port
from portfolio_api.devstack.stack import ApiServer
from portfolio_api.models.posts import Post, PostCreate
from tests.bench.capacity import CapacityMeter, TransactionCost
from tests.bench.content import (
    EPHEMERAL,
    REGION,
    TABLE,
    Measured,
    Stack,
    bench_settings,
    body_of,
    build_stack,
    isolated_environment,
    post_body,
    print_capacity,
)
from tests.bench.events import rest_event
from tests.bench.stats import summarize
from tests.helpers.app import environment_of
from tests.helpers.aws import scans_forbidden
from tests.helpers.visitors import browser, from_address

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

REQUESTS = 2_000
CLIENTS = 50
ZONES = ("Africa/Kampala", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
type Call = Callable[[int], bool | None]


@dataclass(frozen=True, kw_only=True)
class Load:
    name: str
    seconds: float
    latencies_ns: list[int]
    tracked: int
    failures: int
    final: int


def run_load(*, name: str, call: Call, final: Callable[[], int]) -> Load:
    """REQUESTS calls, CLIENTS at a time; `call(n)` says whether request n was counted."""
    next_number = iter(range(REQUESTS))
    lock = threading.Lock()
    latencies: list[int] = []
    tracked = failures = 0

    def client_loop(_: int) -> None:
        nonlocal tracked, failures
        while True:
            with lock:
                number = next(next_number, None)
            if number is None:
                return
            started = time.perf_counter_ns()
            counted = call(number)
            elapsed = time.perf_counter_ns() - started
            with lock:
                latencies.append(elapsed)
                failures += counted is None
                tracked += counted is True

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(client_loop, range(CLIENTS)))
    return Load(
        name=name,
        seconds=time.perf_counter() - started,
        latencies_ns=latencies,
        tracked=tracked,
        failures=failures,
        final=final(),
    )


class Browsers:
    """One keep-alive HTTP connection per load thread, as separate browsers would have."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._local = threading.local()
        self._all: list[httpx.Client] = []

    def client(self) -> httpx.Client:
        client: httpx.Client | None = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self._url, timeout=60)
            self._local.client = client
            self._all.append(client)
        return client

    def tracked(self, path: str, *, number: int, body: object = None) -> bool | None:
        response = self.client().post(
            path, json=body, headers=from_address(number, browser(number))
        )
        return bool(response.json()["tracked"]) if response.status_code == 200 else None

    def read(self, path: str, field: str) -> int:
        return int(self.client().get(path).json()[field])

    def close(self) -> None:
        for client in self._all:
            client.close()


class RawVisits:
    """A counted visit's DynamoDB calls and nothing else: the transaction, then the total."""

    def __init__(self, client: "DynamoDBClient", *, shards: int) -> None:
        self._client = client
        self._shards = shards

    @staticmethod
    def _add(pk: str, sk: str) -> "TransactWriteItemTypeDef":
        return {
            "Update": {
                "TableName": TABLE,
                "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
                "UpdateExpression": "ADD #count :one",
                "ExpressionAttributeNames": {"#count": "count"},
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }

    def visit(self, number: int) -> bool:
        shard = number % self._shards
        seen: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": EPHEMERAL,
                "Item": {"PK": {"S": f"RAWVISITOR#{number}"}, "SK": {"S": "VISIT"}},
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        self._client.transact_write_items(
            TransactItems=[
                seen,
                self._add(f"RAW#VISITS#{shard}", "ALL"),
                self._add(f"RAW#VISITS#DAY#{shard}", "2026-11-26"),
                self._add(f"RAW#VISITS#MONTH#{shard}", "2026-11"),
            ]
        )
        self.total()
        return True

    def total(self) -> int:
        keys: list[dict[str, AttributeValueTypeDef]] = [
            {"PK": {"S": f"RAW#VISITS#{shard}"}, "SK": {"S": "ALL"}}
            for shard in range(self._shards)
        ]
        response = self._client.batch_get_item(
            RequestItems={TABLE: {"Keys": keys, "ConsistentRead": True}}
        )
        return sum(int(item["count"]["N"]) for item in response["Responses"][TABLE])


def page_body(number: int) -> dict[str, str]:
    """What page `number` sends: more referrers than a day's item keeps, so some fold."""
    return {
        "url": f"https://patrickcmd.dev/blog/post-{number % 40}?utm_source=s{number % 3}",
        "referrer": f"https://www.ref{number % 50}.example/path",
        "timeZone": ZONES[number % len(ZONES)],
    }


def raw_client(endpoint_url: str) -> "DynamoDBClient":
    """Its own connection pool, one connection per load thread."""
    config = Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=CLIENTS)
    return boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint_url, config=config)


def loads(url: str, *, raw: RawVisits, post: Post) -> list[Load]:
    browsers = Browsers(url)
    view = {"contentId": post.id, "contentType": "blog"}
    try:
        return [
            run_load(name="raw boto3 (a visit's calls)", call=raw.visit, final=raw.total),
            run_load(
                name="POST /v1/visitors/track",
                call=lambda n: browsers.tracked("/v1/visitors/track", number=n, body=page_body(n)),
                final=lambda: browsers.read("/v1/visitors/count", "count"),
            ),
            run_load(
                name="POST /v1/analytics/track",
                call=lambda n: browsers.tracked(
                    "/v1/analytics/track", number=REQUESTS + n, body=view
                ),
                final=lambda: browsers.read(f"/v1/analytics/views/blog/{post.id}", "views"),
            ),
        ]
    finally:
        browsers.close()


def print_loads(loads: Sequence[Load]) -> None:
    print(f"\n## Tracking under load: {REQUESTS} requests, {CLIENTS} concurrent clients")
    print(f"(uvicorn in one process, DynamoDB Local, one {os.cpu_count()}-core machine for all)\n")
    print("| Calls | req/s | p50 ms | p99 ms | p50 / raw | non-200 | tracked:true | final | lost |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    raw_p50 = summarize(loads[0].latencies_ns).median_ms
    for load in loads:
        summary = summarize(load.latencies_ns)
        print(
            f"| {load.name} | {len(load.latencies_ns) / load.seconds:.0f} "
            f"| {summary.median_ms:.1f} | {summary.p99_ms:.1f} "
            f"| {summary.median_ms / raw_p50:.2f} | {load.failures} "
            f"| {load.tracked} | {load.final} | {load.final - load.tracked} |"
        )


def capacity(stack: Stack, *, post: Post) -> None:
    """What one call of each analytics route consumes, through the Lambda handler."""
    meter = CapacityMeter(stack.client)
    visitor = browser(10**6)
    view = json.dumps({"contentId": post.id, "contentType": "blog"})
    as_json = visitor | {"Content-Type": "application/json"}
    track_visit = {"method": "POST", "path": "/v1/visitors/track", "headers": visitor}
    track_view = {"method": "POST", "path": "/v1/analytics/track", "headers": as_json}
    with_page = {
        "method": "POST",
        "path": "/v1/visitors/track",
        "headers": browser(10**6 + 1) | {"Content-Type": "application/json"},
    }
    other_page = json.dumps(page_body(7))
    calls: list[tuple[str, dict[str, Any]]] = [
        ("track visit, no body (counted)", track_visit),
        ("track visit, no body (repeat)", track_visit),
        ("track visit with a page (counted)", with_page | {"body": json.dumps(page_body(1))}),
        ("track visit with a page (repeat: new page)", with_page | {"body": other_page}),
        ("track visit with a page (repeat: same page)", with_page | {"body": other_page}),
        ("visitor count", {"method": "GET", "path": "/v1/visitors/count"}),
        ("track view (counted)", track_view | {"body": view}),
        ("track view (repeat)", track_view | {"body": view}),
        ("views of one post", {"method": "GET", "path": f"/v1/analytics/views/blog/{post.id}"}),
        ("view stats of posts", {"method": "GET", "path": "/v1/analytics/views/blog"}),
        ("daily trends, 30 days (owner)", _owner(stack, "/v1/visitors/trends/daily")),
        ("monthly trends, 6 months (owner)", _owner(stack, "/v1/visitors/trends/monthly")),
        ("top content, 5 a type (owner)", _owner(stack, "/v1/analytics/top-content")),
        ("total views (owner)", _owner(stack, "/v1/analytics/total-views")),
        ("sources, 30 days (owner)", _owner(stack, "/v1/analytics/sources")),
        ("pages, 30 days (owner)", _owner(stack, "/v1/analytics/pages")),
        ("devices, 30 days (owner)", _owner(stack, "/v1/analytics/devices")),
        ("countries, 30 days (owner)", _owner(stack, "/v1/analytics/countries")),
        ("sources, 90 days (owner)", _owner(stack, "/v1/analytics/sources", days="90")),
        (
            "export.csv, 2 years (owner)",
            _owner(stack, "/v1/analytics/export.csv", **{"from": "2025-01-01", "to": "2026-12-31"}),
        ),
    ]
    cost = TransactionCost(stack.client, reader=raw_client(stack.client.meta.endpoint_url))
    measured, billed = [], []
    for name, request in calls:
        with meter.measure() as usage, cost.measure() as units:
            response = stack.handler(rest_event(**request), None)
        if response["statusCode"] != 200:
            raise RuntimeError(f"{name}: {response['statusCode']} {body_of(response)}")
        measured.append(Measured(name=name, usage=usage))
        if request["method"] == "POST":
            billed.append((name, units[0]))
    print_capacity("Capacity per analytics request (owner rows include the auth read)", measured)
    print(
        "\n## WCU of the committed transactions by AWS's rule (DynamoDB Local reports 2 a table)\n"
    )
    print("| request | WCU |\n|---|---:|")
    for name, units_billed in billed:
        print(f"| {name} | {units_billed} |")


def _owner(stack: Stack, path: str, **query: str) -> dict[str, Any]:
    return {"method": "GET", "path": path, "headers": stack.owner, "query": query or None}


def run() -> None:
    with scans_forbidden(), DynamoDBLocal() as dynamodb:
        stack = build_stack(endpoint_url=dynamodb.endpoint_url)
        post = stack.posts.create(data=PostCreate.model_validate(post_body(1)))
        post = stack.posts.publish(item_id=post.id, precondition=None)
        # Each visitor has its own address, told by X-Forwarded-For, as one address is capped.
        settings = bench_settings(endpoint_url=dynamodb.endpoint_url).model_copy(
            update={"trusted_proxy_hops": 1}
        )
        env = {**os.environ, **environment_of(settings), "PYTHONPATH": os.pathsep.join(sys.path)}
        # Thousands of EMF lines would bury the figures; the metrics are tested elsewhere.
        env["POWERTOOLS_METRICS_DISABLED"] = "true"
        port = free_port()
        raw = RawVisits(raw_client(dynamodb.endpoint_url), shards=settings.counter_shards)
        with ApiServer(
            host="127.0.0.1", port=port, env=env, reload=False, access_log=False
        ) as server:
            results = loads(server.url, raw=raw, post=post)
        print_loads(results)
        capacity(stack, post=post)


def main() -> None:
    isolated_environment()
    run()


if __name__ == "__main__":
    main()
