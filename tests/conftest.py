"""Shared fixtures: DynamoDB Local and moto start once per session; tables and pools per test."""

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

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
from tests.helpers.app import serve, settings_for
from tests.helpers.aws import REGION, Backend, dynamodb_client, scans_forbidden
from tests.helpers.clock import FastForwardClock
from tests.helpers.cognito import Account, UserPoolFixture, sign_in
from tests.helpers.content import Callers

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


@pytest.fixture
def user_pool(moto_server: MotoServer) -> UserPoolFixture:
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
