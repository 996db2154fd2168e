"""Failed sign-ins per client, counted in the ephemeral table: moto and DynamoDB Local alike."""

import contextlib
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from portfolio_api.core.errors import (
    DependencyUnavailable,
    InvalidCredentials,
    SignInChallenge,
    TooManySignInAttempts,
)
from portfolio_api.repositories.salts import SaltRepository
from portfolio_api.repositories.sign_in_attempts import SignInAttempts
from portfolio_api.services.identities import VisitorIdentities
from portfolio_api.services.sign_in_limit import SignInLimit
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LIMIT = 3
WINDOW = 900
# 12:00:00 UTC starts a window of 900 s, which ends at 12:15:00.
NOON = datetime(2026, 11, 26, 12, tzinfo=UTC)


@pytest.fixture
def attempts(any_dynamodb: Backend) -> SignInAttempts:
    return SignInAttempts(client=any_dynamodb.client, table_name=any_dynamodb.ephemeral)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOON)


@pytest.fixture
def identities(any_dynamodb: Backend, clock: FakeClock) -> VisitorIdentities:
    salts = SaltRepository(client=any_dynamodb.client, table_name=any_dynamodb.ephemeral)
    return VisitorIdentities(salts=salts, clock=clock)


@pytest.fixture
def limit(attempts: SignInAttempts, identities: VisitorIdentities, clock: FakeClock) -> SignInLimit:
    return SignInLimit(
        attempts=attempts,
        identities=identities,
        clock=clock,
        limit=LIMIT,
        window_seconds=WINDOW,
    )


def _fail(limit: SignInLimit, *, ip: str = "198.51.100.7") -> None:
    with pytest.raises(InvalidCredentials), limit.attempt(ip=ip):
        raise InvalidCredentials("Invalid email or password")


def test_attempts_are_counted_up_to_the_limit_per_window(attempts: SignInAttempts) -> None:
    # WHEN a client reserves four attempts in one window, and one in the next
    reserved = [
        attempts.reserve(client_hash="c", window_start=0, limit=LIMIT, expires_at=WINDOW)
        for _ in range(4)
    ]
    later = attempts.reserve(client_hash="c", window_start=WINDOW, limit=LIMIT, expires_at=1800)
    # THEN the fourth is refused, and the next window starts again
    assert reserved == [True, True, True, False]
    assert later is True
    # AND a released attempt makes room for one more
    attempts.release(client_hash="c", window_start=0)
    assert attempts.reserve(client_hash="c", window_start=0, limit=LIMIT, expires_at=WINDOW)


def test_releasing_in_a_lapsed_window_changes_nothing(attempts: SignInAttempts) -> None:
    # GIVEN no item for the window (TTL took it)
    # WHEN an attempt is taken back there
    attempts.release(client_hash="c", window_start=0)
    # THEN no negative count was left to widen the limit
    reserved = [
        attempts.reserve(client_hash="c", window_start=0, limit=LIMIT, expires_at=WINDOW)
        for _ in range(LIMIT + 1)
    ]
    assert reserved.count(True) == LIMIT


def test_racing_attempts_never_pass_the_limit_together(
    dynamodb: "DynamoDBClient", ephemeral_table: str
) -> None:
    """On DynamoDB Local alone: AWS's engine checks a condition atomically, moto does not."""
    attempts = SignInAttempts(client=dynamodb, table_name=ephemeral_table)
    # GIVEN twelve attempts of one client at once
    barrier = threading.Barrier(12)
    outcomes: list[bool] = []

    def attempt() -> None:
        barrier.wait()
        outcomes.append(
            attempts.reserve(client_hash="c", window_start=0, limit=LIMIT, expires_at=WINDOW)
        )

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN DynamoDB's condition let exactly the limit through
    assert sorted(outcomes) == [False] * (12 - LIMIT) + [True] * LIMIT


def test_a_client_that_keeps_failing_waits_for_the_window_to_end(
    limit: SignInLimit, clock: FakeClock
) -> None:
    # GIVEN a client that failed three times, ten seconds into the window
    clock.advance(10)
    for _ in range(LIMIT):
        _fail(limit)
    # WHEN it tries again
    with pytest.raises(TooManySignInAttempts) as refused, limit.attempt(ip="198.51.100.7"):
        pytest.fail("the attempt must not run")
    # THEN it is told when the window ends, and another address is not affected
    assert refused.value.retry_after_seconds == WINDOW - 10
    with limit.attempt(ip="198.51.100.8"):
        pass
    # AND once the window is over, it may try again
    clock.advance(WINDOW)
    with limit.attempt(ip="198.51.100.7"):
        pass


@pytest.mark.parametrize(
    "outcome",
    [None, SignInChallenge("SOFTWARE_TOKEN_MFA"), DependencyUnavailable("Cognito is down")],
    ids=["signed in", "challenge", "cognito down"],
)
def test_only_failures_count(limit: SignInLimit, outcome: Exception | None) -> None:
    # GIVEN a client whose attempts succeed, need a next step, or find Cognito down
    for _ in range(LIMIT + 2):
        with (
            contextlib.suppress(SignInChallenge, DependencyUnavailable),
            limit.attempt(ip="198.51.100.7"),
        ):
            if outcome is not None:
                raise outcome
    # THEN none of those used up its failures
    for _ in range(LIMIT):
        _fail(limit)


def test_the_stored_key_names_no_address(
    limit: SignInLimit, identities: VisitorIdentities, any_dynamodb: Backend
) -> None:
    # WHEN a client fails once
    _fail(limit, ip="203.0.113.99")
    # THEN the ephemeral table holds its count under a hash, with a TTL, and not its address
    client, _, ephemeral = any_dynamodb
    items = client.query(
        TableName=ephemeral,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={
            ":pk": {"S": f"SIGNIN#{_client_key(identities, '203.0.113.99')}"}
        },
    )["Items"]
    (item,) = items
    assert item["attempts"] == {"N": "1"}
    assert int(item["expiresAt"]["N"]) == int(NOON.timestamp()) + WINDOW
    assert "203.0.113.99" not in repr(item)


def _client_key(identities: VisitorIdentities, ip: str) -> str:
    return identities.client_of(ip=ip, today=identities.today())
