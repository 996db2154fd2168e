"""DynamoDB inside the test's own process (moto's `mock_aws`), for fast unit tests of services.

No server, no JVM: both tables of template.yaml on moto's in-memory backend, the real
repositories on top. What the tests do to a client comes through botocore's own event hooks:
`ApiCalls` records the operations a client sends, and `interloping` lets "another request" write
just before each of a client's next calls of one operation, so that our call meets the item
another request has changed (a lost race, settled by DynamoDB's conditions, never by timing).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from moto import mock_aws

from portfolio_api.devstack.table_spec import (
    EPHEMERAL_TABLE,
    MAIN_TABLE,
    TableSpec,
    ensure_table,
    load_table_spec,
)
from tests.helpers.aws import REGION, Backend

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

MAIN = "portfolio-unit"
EPHEMERAL = "portfolio-unit-ephemeral"


@cache
def _spec(resource: str) -> TableSpec:
    """The template's table with TTL off, as in tests/conftest.py: tests move fake clocks."""
    return replace(load_table_spec(resource), ttl_attribute=None)


@cache
def _session() -> boto3.session.Session:
    return boto3.session.Session()


def new_client() -> "DynamoDBClient":
    """A client of its own, as another Lambda instance has: hooks on one never fire on another
    (botocore copies the session's event emitter into each client). The session is shared only
    so that DynamoDB's service model is parsed once, not for every test (70 ms each time)."""
    return _session().client("dynamodb", region_name=REGION)


@contextmanager
def in_process_dynamodb() -> Iterator[Backend]:
    """Both tables, empty, on moto's in-process backend; gone when the block ends."""
    with mock_aws():
        client = new_client()
        ensure_table(client, table_name=MAIN, spec=_spec(MAIN_TABLE))
        ensure_table(client, table_name=EPHEMERAL, spec=_spec(EPHEMERAL_TABLE))
        yield Backend(client=client, table=MAIN, ephemeral=EPHEMERAL)


@dataclass
class ApiCalls:
    """The DynamoDB operations one client sent, in order (`GetItem`, `TransactWriteItems`...)."""

    operations: list[str] = field(default_factory=list)

    def _record(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)


@contextmanager
def recorded_calls(client: "DynamoDBClient") -> Iterator[ApiCalls]:
    calls = ApiCalls()
    client.meta.events.register("before-call.dynamodb", calls._record)
    try:
        yield calls
    finally:
        client.meta.events.unregister("before-call.dynamodb", calls._record)


@dataclass
class Interloper:
    """Another request: before each of our first `times` calls of one operation, it writes."""

    write: Callable[[int], object]  # called with 1, 2, ...: its n-th write
    times: int
    calls: int = 0  # our calls of the operation, the ones it preceded included
    writes: int = 0

    def _before(self, **_: Any) -> None:
        self.calls += 1
        if self.writes < self.times:
            self.writes += 1
            self.write(self.writes)


@contextmanager
def interloping(
    client: "DynamoDBClient", *, operation: str, write: Callable[[int], object], times: int
) -> Iterator[Interloper]:
    """While the block runs, `write` goes first before `client`'s next `times` `operation`s.

    `write` must use a client of its own (`new_client()`), or its calls would set it off again.
    """
    interloper = Interloper(write=write, times=times)
    event = f"before-call.dynamodb.{operation}"
    client.meta.events.register(event, interloper._before)
    try:
        yield interloper
    finally:
        client.meta.events.unregister(event, interloper._before)
