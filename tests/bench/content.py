"""`make bench` for the blog: the Lambda handler against the raw boto3 calls it needs, and the
capacity each request consumes, on DynamoDB Local holding 200 published posts of ~5 KB.

Run: `uv run --frozen python -m tests.bench.content` (`--profile` adds a cProfile of both
requests through the handler). It prints figures and judges them against the goals; it asserts
nothing, so a slow machine never fails a build.
"""

import argparse
import cProfile
import json
import os
import platform
import pstats
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mangum import Mangum

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.core.clock import Clock, SystemClock
from portfolio_api.devstack.dynamodb_local import DynamoDBLocal, find_jar_dir
from portfolio_api.devstack.table_spec import (
    EPHEMERAL_TABLE,
    ensure_table,
    load_table_spec,
)
from portfolio_api.factory import create_app
from portfolio_api.models.posts import Post, PostCreate, PostQuery
from portfolio_api.repositories.aws import create_dynamodb_client
from portfolio_api.services.pages import PageCache
from portfolio_api.services.posts import PostService
from tests.bench.capacity import CapacityMeter, Usage
from tests.bench.events import Event, rest_event
from tests.bench.stats import Summary, interleave
from tests.helpers.aws import scans_forbidden
from tests.helpers.clock import FakeClock
from tests.helpers.content import WORDS_5KB
from tests.helpers.tokens import StaticJwks, TokenFactory, new_signing_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Handler = Callable[[Event, Any], dict[str, Any]]
Key = dict[str, "AttributeValueTypeDef"]

REGION = "eu-west-1"
TABLE = "portfolio-bench"
EPHEMERAL = "portfolio-bench-ephemeral"
POST_COUNT = 200
PAGE_SIZE = 20
WARMUP = 50
ITERATIONS = 300
PROFILED_REQUESTS = 200
PROFILE_LINES = 40
LATENCY_GOAL = 1.5  # handler / raw, of the medians
LIST_RCU_GOAL = 30.0
CATEGORIES = ("Backend", "Cloud", "DevOps", "Python", "Data")
# Anonymous reads never call Cognito; a closed local port makes sure nothing reaches AWS.
NOWHERE = "http://127.0.0.1:9"
POSTS_PATH = "/v1/blog/posts"
BY_ID = f"GET {POSTS_PATH}/{{id}}"
LIST = f"GET {POSTS_PATH}?limit={PAGE_SIZE}"


class BenchError(RuntimeError):
    """The bench could not measure what it meant to: a request failed."""


@dataclass(frozen=True)
class LambdaContext:
    function_name: str = "portfolio-api"
    aws_request_id: str = "bench-request-id"
    memory_limit_in_mb: int = 1024


@dataclass(frozen=True, kw_only=True)
class Stack:
    client: "DynamoDBClient"
    posts: PostService
    handler: Handler
    owner: dict[str, str]  # headers that sign the owner in


# ----- set-up -----


def isolated_environment() -> None:
    """The developer's own settings and AWS profile never leak in, as in tests/conftest.py."""
    for name in Settings.model_fields:
        os.environ.pop(name.upper(), None)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local")


def bench_settings(*, endpoint_url: str) -> Settings:
    return Settings(
        environment="local",
        log_level="WARNING",
        aws_region=REGION,
        dynamodb_table_name=TABLE,
        dynamodb_ephemeral_table_name=EPHEMERAL,
        dynamodb_endpoint_url=endpoint_url,
        cognito_user_pool_id=f"{REGION}_BENCH",
        cognito_client_id="bench-client",
        cognito_endpoint_url=NOWHERE,
        cognito_jwks_url=f"{NOWHERE}/jwks.json",
    )


def build_stack(
    *, endpoint_url: str, clock: Clock | None = None, pages: PageCache | None = None
) -> Stack:
    """The app as Lambda runs it, with the client the app itself would create. This module
    measures lists as built from DynamoDB: its `run` gives the app no memory of pages (issue
    13's cache has its own figures, `tests.bench.caching`)."""
    settings = bench_settings(endpoint_url=endpoint_url)
    client = create_dynamodb_client(settings)
    ensure_table(client, table_name=TABLE, spec=load_table_spec())
    ensure_table(client, table_name=EPHEMERAL, spec=load_table_spec(EPHEMERAL_TABLE))
    key = new_signing_key("bench")
    container = build_container(
        settings, dynamodb=client, jwks=StaticJwks(keys=[key]), clock=clock, pages=pages
    )
    app = create_app(settings=settings, container=container)
    tokens = TokenFactory(
        key=key,
        clock=FakeClock(datetime.now(UTC)),
        issuer=settings.cognito_issuer,
        audience=settings.cognito_client_id,
    )
    return Stack(
        client=client,
        posts=container.posts,
        handler=Mangum(app, lifespan="off"),  # as in portfolio_api.main
        owner={"Authorization": f"Bearer {tokens.mint()}"},
    )


def seed(posts: PostService) -> list[Post]:
    """Published posts written by the service itself, so the items are exactly the app's."""
    seeded = []
    for number in range(1, POST_COUNT + 1):
        draft = posts.create(data=PostCreate.model_validate(post_body(number)))
        seeded.append(posts.publish(item_id=draft.id, precondition=None))
    return seeded


def post_body(number: int) -> dict[str, Any]:
    return {
        "title": f"Bench post {number:03d}: serverless notes",
        "excerpt": f"Excerpt of bench post {number}",
        "content": f"# Post {number}\n\n{WORDS_5KB}",
        "category": CATEGORIES[number % len(CATEGORIES)],
        "tags": ["python", f"topic{number % 10}"],
    }


# ----- the sides compared -----


def call_handler(
    handler: Handler, event: Event, *, expect: int = 200
) -> Callable[[], dict[str, Any]]:
    def call() -> dict[str, Any]:
        response = handler(event, LambdaContext())
        if response["statusCode"] != expect:
            raise BenchError(
                f"{event['httpMethod']} {event['path']}: {response['statusCode']} "
                f"{response['body'][:300]}"
            )
        return response

    return call


def body_of(response: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(response["body"])
    return body


class RawReads:
    """The DynamoDB calls the two endpoints make, and nothing else: no HTTP, no models."""

    def __init__(self, *, client: "DynamoDBClient") -> None:
        self._client = client

    @staticmethod
    def _key(post_id: str) -> Key:
        return {"PK": {"S": f"POST#{post_id}"}, "SK": {"S": "POST"}}

    def get_post(self, *, post_id: str) -> None:
        self._client.get_item(TableName=TABLE, Key=self._key(post_id), ConsistentRead=True)

    def list_page(self, *, page_ids: Sequence[str]) -> None:
        """The kind's generation, the whole GSI1 partition page by page, then one BatchGet of
        the page's items."""
        generation = {"PK": {"S": "GENERATION#POST"}, "SK": {"S": "GENERATION"}}
        self._client.get_item(TableName=TABLE, Key=generation, ConsistentRead=True)
        request: dict[str, Any] = {
            "TableName": TABLE,
            "IndexName": "GSI1",
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": "GSI1PK"},
            "ExpressionAttributeValues": {":pk": {"S": "POST"}},
        }
        while "LastEvaluatedKey" in (response := self._client.query(**request)):
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        pending = [self._key(post_id) for post_id in page_ids]
        while pending:
            batch = self._client.batch_get_item(RequestItems={TABLE: {"Keys": pending}})
            unprocessed = batch.get("UnprocessedKeys", {})
            pending = list(unprocessed[TABLE]["Keys"]) if TABLE in unprocessed else []


# ----- measurements -----


RAW, SERVICE, HANDLER = "raw", "service", "handler"
SIDE_LABELS = {
    RAW: "raw boto3",
    SERVICE: "PostService (no HTTP)",
    HANDLER: "Lambda handler (Mangum)",
}


@dataclass(frozen=True, kw_only=True)
class Scenario:
    name: str
    raw_calls: str
    sides: dict[str, Callable[[], object]]  # RAW, SERVICE, HANDLER


def latency_scenarios(stack: Stack, *, post: Post, page_ids: Sequence[str]) -> list[Scenario]:
    """Each request three ways: the bare DynamoDB calls, the service that makes them (adding
    deserialising and the models), and the whole handler (adding FastAPI and Mangum)."""
    raw = RawReads(client=stack.client)
    by_id = rest_event(method="GET", path=f"{POSTS_PATH}/{post.id}")
    page = rest_event(method="GET", path=POSTS_PATH, query={"limit": str(PAGE_SIZE)})
    query = PostQuery(limit=PAGE_SIZE)
    return [
        Scenario(
            name=BY_ID,
            raw_calls="GetItem (consistent)",
            sides={
                RAW: lambda: raw.get_post(post_id=post.id),
                SERVICE: lambda: stack.posts.get(item_id=post.id, viewer=None),
                HANDLER: call_handler(stack.handler, by_id),
            },
        ),
        Scenario(
            name=LIST,
            raw_calls=(
                f"GetItem (generation) + Query GSI1 (all pages) + BatchGetItem "
                f"({len(page_ids)} keys)"
            ),
            sides={
                RAW: lambda: raw.list_page(page_ids=page_ids),
                SERVICE: lambda: stack.posts.list(query=query, viewer=None).value,
                HANDLER: call_handler(stack.handler, page),
            },
        ),
    ]


Timings = list[tuple[Scenario, dict[str, Summary]]]


def measure_latency(scenarios: Sequence[Scenario]) -> Timings:
    return [
        (scenario, interleave(scenario.sides, iterations=ITERATIONS, warmup=WARMUP))
        for scenario in scenarios
    ]


def ratio(summaries: dict[str, Summary]) -> float:
    """The goal's measure: handler over raw, of the medians."""
    return summaries[HANDLER].median_ms / summaries[RAW].median_ms


def first_page_ids(stack: Stack) -> list[str]:
    """The ids the endpoint itself puts on the first page: the keys its BatchGet asks for."""
    event = rest_event(method="GET", path=POSTS_PATH, query={"limit": str(PAGE_SIZE)})
    body = body_of(call_handler(stack.handler, event)())
    if body["total"] != POST_COUNT or len(body["posts"]) != PAGE_SIZE:
        raise BenchError(f"unexpected first page: total {body['total']}, {len(body['posts'])}")
    return [post["id"] for post in body["posts"]]


@dataclass(frozen=True, kw_only=True)
class Measured:
    name: str
    usage: Usage


@contextmanager
def measuring(meter: CapacityMeter, name: str, into: list[Measured]) -> Iterator[None]:
    with meter.measure() as usage:
        yield
    into.append(Measured(name=name, usage=usage))


def read_capacity(
    stack: Stack, meter: CapacityMeter, *, post: Post, page_ids: Sequence[str]
) -> list[Measured]:
    raw = RawReads(client=stack.client)
    limit = {"limit": str(PAGE_SIZE)}
    reads = {
        LIST: rest_event(method="GET", path=POSTS_PATH, query=limit),
        BY_ID: rest_event(method="GET", path=f"{POSTS_PATH}/{post.id}"),
        "GET /v1/blog/posts/slug/{slug}": rest_event(
            method="GET", path=f"{POSTS_PATH}/slug/{post.slug}"
        ),
        "GET /v1/blog/categories": rest_event(method="GET", path="/v1/blog/categories"),
    }
    results: list[Measured] = []
    for name, event in reads.items():
        with measuring(meter, name, results):
            call_handler(stack.handler, event)()
    with measuring(meter, "raw boto3 list calls (same page)", results):
        raw.list_page(page_ids=page_ids)
    return results


def write_capacity(stack: Stack, meter: CapacityMeter) -> list[Measured]:
    """One post's life through the handler, as the owner: each request's own capacity."""
    results: list[Measured] = []

    def send(name: str, *, method: str, path: str, body: object = None, expect: int = 200) -> Any:
        payload = None if body is None else json.dumps(body)
        headers = {**stack.owner, "Content-Type": "application/json"}
        event = rest_event(method=method, path=path, headers=headers, body=payload)
        with measuring(meter, name, results):
            response = call_handler(stack.handler, event, expect=expect)()
        return body_of(response) if response["body"] else None

    created = send(
        f"POST {POSTS_PATH} (create, ~5 KB)",
        method="POST",
        path=POSTS_PATH,
        body=post_body(0),
        expect=201,
    )
    item = f"{POSTS_PATH}/{created['id']}"
    new_content = {"content": f"# v2\n\n{WORDS_5KB}"}
    send(f"PUT {POSTS_PATH}/{{id}} (new content)", method="PUT", path=item, body=new_content)
    new_slug = {"slug": "bench-renamed"}
    send(f"PUT {POSTS_PATH}/{{id}} (new slug)", method="PUT", path=item, body=new_slug)
    send(f"POST {POSTS_PATH}/{{id}}/publish", method="POST", path=f"{item}/publish")
    send(f"DELETE {POSTS_PATH}/{{id}}", method="DELETE", path=item, expect=204)
    return results


def print_profiles(scenarios: Sequence[Scenario]) -> None:
    """Where the handler's time goes, request by request, by cumulative and by own time."""
    for scenario in scenarios:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(PROFILED_REQUESTS):
            scenario.sides[HANDLER]()
        profiler.disable()
        print(f"\n## cProfile: {PROFILED_REQUESTS} x {scenario.name} through the handler\n")
        for order in ("cumulative", "tottime"):
            pstats.Stats(profiler).strip_dirs().sort_stats(order).print_stats(PROFILE_LINES)


# ----- report -----


def dynamodb_local_version() -> str:
    properties = "META-INF/maven/software/amazon/dynamodb/DynamoDBLocal/pom.properties"
    with zipfile.ZipFile(find_jar_dir() / "DynamoDBLocal.jar") as jar:
        lines = jar.read(properties).decode().splitlines()
    versions = [line.partition("=")[2] for line in lines if line.lower().startswith("version=")]
    return versions[0] if versions else "unknown"


def print_setup(stack: Stack, *, post: Post) -> None:
    event = rest_event(method="GET", path=f"{POSTS_PATH}/{post.id}")
    post_json = call_handler(stack.handler, event)()["body"].encode()
    print("# make bench: blog posts\n")
    python = platform.python_version()
    print(f"- machine: {os.cpu_count()} CPUs ({platform.machine()}), Python {python}")
    print(f"- DynamoDB Local {dynamodb_local_version()} (in memory, a JVM on the same machine)")
    print(f"- data: {POST_COUNT} published posts; content {len(post.content.encode()):,} bytes,")
    print(f"  one post as JSON {len(post_json):,} bytes")
    print(f"- method: {WARMUP} warm-up rounds, then {ITERATIONS} rounds; a round calls each side")
    print("  once, the first side rotating; time.perf_counter_ns per call")


def ms(value: float) -> str:
    return f"{value:.2f}"


def summary_cells(summary: Summary) -> str:
    return f"{ms(summary.median_ms)} | {ms(summary.p90_ms)} | {ms(summary.p99_ms)}"


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_latency(timings: Timings) -> None:
    print("\n## Warm latency, ms\n")
    print("| request | side | median | p90 | p99 | median / raw median |")
    print("|---|---|---:|---:|---:|---:|")
    for scenario, summaries in timings:
        raw_median = summaries[RAW].median_ms
        for side, summary in summaries.items():
            request = scenario.name if side == RAW else ""
            label = (
                f"{SIDE_LABELS[side]}: {scenario.raw_calls}" if side == RAW else SIDE_LABELS[side]
            )
            times = f"{summary.median_ms / raw_median:.2f}x"
            print(f"| {request} | {label} | {summary_cells(summary)} | {times} |")


def print_goals(timings: Timings, reads: Sequence[Measured]) -> None:
    print("\n## Goals\n")
    print("| goal | measured | verdict |")
    print("|---|---:|---|")
    for scenario, summaries in timings:
        measured = ratio(summaries)
        print(
            f"| {scenario.name}: handler <= {LATENCY_GOAL}x raw (medians) | {measured:.2f}x "
            f"| {verdict(measured <= LATENCY_GOAL)} |"
        )
    units = next(measured.usage.read_units for measured in reads if measured.name == LIST)
    print(f"| {LIST}: <= {LIST_RCU_GOAL:g} RCU | {units:g} | {verdict(units <= LIST_RCU_GOAL)} |")


def print_capacity(title: str, results: Sequence[Measured]) -> None:
    print(f"\n## {title}\n")
    print("| request | DynamoDB calls | RCU | WCU | of which indexes |")
    print("|---|---|---:|---:|---:|")
    for measured in results:
        usage = measured.usage
        print(
            f"| {measured.name} | {usage.describe_calls()} | {usage.read_units:g} "
            f"| {usage.write_units:g} | {usage.index_units:g} |"
        )


# ----- main -----


def run(*, profile: bool) -> None:
    with scans_forbidden(), DynamoDBLocal() as dynamodb:
        uncached = PageCache(clock=SystemClock(), max_bytes=0)
        stack = build_stack(endpoint_url=dynamodb.endpoint_url, pages=uncached)
        post = seed(stack.posts)[POST_COUNT // 2]
        page_ids = first_page_ids(stack)
        print_setup(stack, post=post)
        scenarios = latency_scenarios(stack, post=post, page_ids=page_ids)
        timings = measure_latency(scenarios)
        print_latency(timings)
        if profile:
            print_profiles(scenarios)
        # Installed only now, so the latency figures carry no ReturnConsumedCapacity.
        meter = CapacityMeter(stack.client)
        reads = read_capacity(stack, meter, post=post, page_ids=page_ids)
        print_capacity("Read capacity per request (anonymous caller)", reads)
        writes = write_capacity(stack, meter)
        print_capacity("Capacity per write request (owner; includes the auth reads)", writes)
        print_goals(timings, reads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile both requests through the handler"
    )
    arguments = parser.parse_args()
    isolated_environment()
    run(profile=arguments.profile)


if __name__ == "__main__":
    main()
