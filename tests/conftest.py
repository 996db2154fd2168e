"""Shared fixtures: DynamoDB Local and moto start once per session; a table per test; one user
pool for the session, and a pool of its own for a test that changes Cognito's side.

Tests are marked by the servers their fixtures need (`dynamodb_local`, `moto_server`, and
`browser` for Chromium); `--unit` (make unit) runs tests/unit without them, and fails any test
that starts one anyway.
"""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.devstack.cognito import (
    MotoServer,
    bootstrap_owner_pool,
    cognito_client,
    create_user,
)
from portfolio_api.devstack.dynamodb_local import DynamoDBLocal
from portfolio_api.devstack.table_spec import (
    EPHEMERAL_TABLE,
    MAIN_TABLE,
    TableSpec,
    ensure_table,
    load_table_spec,
)
from portfolio_api.factory import create_app
from portfolio_api.repositories.aws import create_dynamodb_client
from tests.helpers.app import serve, settings_for
from tests.helpers.aws import REGION, Backend, dynamodb_client, scans_forbidden
from tests.helpers.clock import FakeClock, FastForwardClock
from tests.helpers.cognito import Account, UserPoolFixture, pool_state, sign_in
from tests.helpers.content import Callers
from tests.helpers.lambda_events import closing_mangums_loop
from tests.helpers.no_servers import servers_refused
from tests.helpers.reader import Reader

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Tests never reach real AWS, and the developer's own settings never leak into them.
for _name in Settings.model_fields:
    os.environ.pop(_name.upper(), None)
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION
)

OWNER = Account(email="owner@example.com", password="Owner-Passw0rd!-test")
READER = Account(email="reader@example.com", password="Reader-Passw0rd!-test")

UNIT_TESTS = Path(__file__).parent / "unit"
# The markers a test gets from its fixtures. any_dynamodb picks its server at run time, so its
# closure names neither; the guard of --unit catches any other fixture that does the same.
SERVER_MARKERS = {
    "dynamodb_local": ("dynamodb_local",),
    "moto_server": ("moto_server",),
    "any_dynamodb": ("dynamodb_local", "moto_server"),
    "browser": ("browser",),
}
SLOW_MARKERS = {"dynamodb_local", "moto_server", "e2e", "browser"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--unit",
        action="store_true",
        help="make unit: tests/unit without DynamoDB Local, moto's server, SAM or a stack; a "
        "test that starts one anyway fails",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Beside pyproject's dynamodb_local and e2e; --strict-markers wants each one declared.
    config.addinivalue_line("markers", "moto_server: needs moto's server (once per session)")
    config.addinivalue_line("markers", "browser: drives the system's Chromium (make browser)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            for marker in SERVER_MARKERS.get(fixture, ()):
                item.add_marker(marker)
    if not config.getoption("--unit"):
        return
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        fast = item.path.is_relative_to(UNIT_TESTS)
        fast = fast and not any(item.get_closest_marker(name) for name in SLOW_MARKERS)
        (kept if fast else deselected).append(item)
    config.hook.pytest_deselected(items=deselected)
    items[:] = kept


@pytest.fixture
def mangum_loop() -> Iterator[None]:
    """For a test that builds a Mangum handler: the event loop Mangum sets is closed after it."""
    with closing_mangums_loop():
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_servers_in_unit_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    if not request.config.getoption("--unit"):
        yield
        return
    with servers_refused():
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_scans() -> Iterator[None]:
    with scans_forbidden():
        yield


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[DynamoDBLocal]:
    with DynamoDBLocal() as instance:
        yield instance


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


def _without_ttl(spec: TableSpec) -> TableSpec:
    """The template's table with TTL off. DynamoDB Local's sweeper deletes lapsed items by the
    real clock within a second, and tests write them on fake clocks set in the past: a sweep
    between two requests once took a visitor's record mid-test. The app never relies on TTL
    (every read and condition compares `expiresAt` itself), and test_table_from_template checks
    that the local stack's tables have it on."""
    return replace(spec, ttl_attribute=None)


@pytest.fixture(scope="session")
def table_spec() -> TableSpec:
    return _without_ttl(load_table_spec(MAIN_TABLE))


@pytest.fixture(scope="session")
def ephemeral_spec() -> TableSpec:
    return _without_ttl(load_table_spec(EPHEMERAL_TABLE))


@pytest.fixture
def dynamodb(dynamodb_local: DynamoDBLocal) -> "DynamoDBClient":
    return dynamodb_client(dynamodb_local.endpoint_url)


def _create_table(client: "DynamoDBClient", spec: TableSpec) -> str:
    name = f"portfolio-test-{uuid.uuid4().hex[:12]}"
    ensure_table(client, table_name=name, spec=spec)
    return name


@pytest.fixture
def table(dynamodb: "DynamoDBClient", table_spec: TableSpec) -> Iterator[str]:
    """A fresh table in DynamoDB Local, created from template.yaml."""
    name = _create_table(dynamodb, table_spec)
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture
def ephemeral_table(dynamodb: "DynamoDBClient", ephemeral_spec: TableSpec) -> Iterator[str]:
    """A fresh ephemeral table (salts, dedup records) in DynamoDB Local, from template.yaml."""
    name = _create_table(dynamodb, ephemeral_spec)
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture(params=["moto", "dynamodb-local"])
def any_dynamodb(
    request: pytest.FixtureRequest, table_spec: TableSpec, ephemeral_spec: TableSpec
) -> Iterator[Backend]:
    """The same test against moto and against AWS's own DynamoDB Local: both tables."""
    server = request.getfixturevalue("moto_server" if request.param == "moto" else "dynamodb_local")
    client = dynamodb_client(server.endpoint_url)
    backend = Backend(
        client=client,
        table=_create_table(client, table_spec),
        ephemeral=_create_table(client, ephemeral_spec),
    )
    yield backend
    client.delete_table(TableName=backend.table)
    client.delete_table(TableName=backend.ephemeral)


def _owner_and_reader(moto_server: MotoServer) -> UserPoolFixture:
    pool = bootstrap_owner_pool(
        endpoint_url=moto_server.endpoint_url,
        region=REGION,
        owner_email=OWNER.email,
        owner_password=OWNER.password,
        owner_name="Test Owner",
        owner_group="owner",
    )
    client = cognito_client(endpoint_url=pool.endpoint_url, region=REGION)
    create_user(client, pool=pool, email=READER.email, password=READER.password, name="Reader")
    return UserPoolFixture(pool=pool, owner=OWNER, reader=READER)


@dataclass
class _SessionUserPool:
    """The session's owner and reader, made on first use, and again should they vanish: a test
    under moto's `mock_aws` resets every moto backend in the process, the server's included."""

    moto_server: MotoServer
    current: UserPoolFixture | None = None

    def get(self) -> tuple[UserPoolFixture, dict[str, Any]]:
        state = pool_state(self.current.pool) if self.current else None
        if self.current is None or state is None:
            self.current = _owner_and_reader(self.moto_server)
            state = pool_state(self.current.pool)
        assert state is not None, "moto lost a pool it has just made"
        return self.current, state


@pytest.fixture(scope="session")
def _session_user_pool(moto_server: MotoServer) -> _SessionUserPool:
    return _SessionUserPool(moto_server)


@pytest.fixture
def own_user_pool(moto_server: MotoServer) -> UserPoolFixture:
    """A pool for this test alone. Ask for it (`@pytest.mark.usefixtures("own_user_pool")`) when
    the test changes Cognito's side: users created, deleted or re-passworded, MFA, challenges,
    a logout (Cognito signs the user out everywhere). `user_pool` is then this one."""
    return _owner_and_reader(moto_server)


@pytest.fixture
def user_pool(request: pytest.FixtureRequest, moto_server: MotoServer) -> Iterator[UserPoolFixture]:
    """The owner and a reader: the session's pool, or the test's own if it asked for one.

    Signing in and reading leave a pool as it was; the session's pool is checked after each test
    that had it, and a test that changed it fails, saying to take `own_user_pool`.
    """
    if "own_user_pool" in request.fixturenames:
        yield request.getfixturevalue("own_user_pool")
        return
    session: _SessionUserPool = request.getfixturevalue("_session_user_pool")
    shared, before = session.get()
    yield shared
    after = pool_state(shared.pool)
    if after is not None and after != before:
        pytest.fail(
            f"{request.node.nodeid} changed the session's user pool (a user, a password, MFA, "
            "a sign-out): give it a pool of its own, @pytest.mark.usefixtures('own_user_pool')",
            pytrace=False,
        )


@pytest.fixture
def settings(
    dynamodb_local: DynamoDBLocal, table: str, ephemeral_table: str, user_pool: UserPoolFixture
) -> Settings:
    return settings_for(
        table=table,
        ephemeral_table=ephemeral_table,
        dynamodb_url=dynamodb_local.endpoint_url,
        pool=user_pool.pool,
    )


@pytest.fixture
def api(settings: Settings) -> Iterator[httpx.Client]:
    """The real app over real HTTP, on DynamoDB Local and moto's Cognito."""
    with serve(create_app(settings=settings)) as client:
        yield client


@pytest.fixture
def clock() -> FastForwardClock:
    return FastForwardClock()


@pytest.fixture
def stopped_clock() -> FakeClock:
    """The real time at the test's start, moved only by the test."""
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def stopped_api(settings: Settings, stopped_clock: FakeClock) -> Iterator[httpx.Client]:
    """`api` on `stopped_clock`: what a test counts today it reads today, even across UTC
    midnight. Cognito's tokens follow real time, so they get five minutes' leeway."""
    lenient = settings.model_copy(update={"token_leeway_seconds": 300})
    app = create_app(settings=lenient, container=build_container(lenient, clock=stopped_clock))
    with serve(app) as client:
        yield client


@pytest.fixture
def reader(settings: Settings, clock: FastForwardClock) -> Iterator[Reader]:
    """Reads by a warm app of their own, on `clock`, its DynamoDB calls recorded; writes go
    through `api`, as another Lambda's would."""
    client = create_dynamodb_client(settings)
    container = build_container(settings, dynamodb=client, clock=clock)
    with serve(create_app(settings=settings, container=container)) as http:
        yield Reader(http=http, client=client, clock=clock)


@pytest.fixture
def timed_api(settings: Settings, clock: FastForwardClock) -> Iterator[httpx.Client]:
    """`api` on a clock that `clock.sleep(n)` moves n seconds ahead at once.

    Not for sign-in tests: Cognito's tokens follow real time.
    """
    app = create_app(settings=settings, container=build_container(settings, clock=clock))
    with serve(app) as client:
        yield client


@pytest.fixture
def callers(api: httpx.Client, user_pool: UserPoolFixture) -> Callers:
    return Callers(
        anonymous={},
        reader=sign_in(api, user_pool.reader),
        owner=sign_in(api, user_pool.owner),
    )
