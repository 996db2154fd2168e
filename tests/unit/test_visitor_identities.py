"""Daily identities on in-process moto and a fake clock: the salt of each UTC day, the hashes made
with it (docs/DYNAMODB-DESIGN.md#privacy), the day's moments, and the lapsed salt's deletion."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from portfolio_api.models.analytics import VisitorSignal
from portfolio_api.repositories.attributes import EXPIRES_AT, key
from portfolio_api.repositories.salts import SaltRepository
from portfolio_api.services.identities import VisitorIdentities
from tests.helpers.analytics import daily_hash, folded_agent, visitor
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock
from tests.helpers.in_process import in_process_dynamodb, new_client, recorded_calls

NOON = datetime(2026, 11, 26, 12, tzinfo=UTC)
ONE_DAY = 86_400
# What a container's first identity of a day costs: read the day's salt, store it (nobody had),
# delete the one that lapsed at midnight.
FIRST_OF_THE_DAY = ["GetItem", "PutItem", "DeleteItem"]


@pytest.fixture
def backend() -> Iterator[Backend]:
    with in_process_dynamodb() as backend:
        yield backend


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOON)


def _identities(backend: Backend, clock: FakeClock) -> VisitorIdentities:
    """The identities of one container (one Lambda instance: a client and a memory of its own)."""
    salts = SaltRepository(client=backend.client, table_name=backend.ephemeral)
    return VisitorIdentities(salts=salts, clock=clock)


@pytest.fixture
def identities(backend: Backend, clock: FakeClock) -> VisitorIdentities:
    return _identities(backend, clock)


def _salt_item(backend: Backend, day: str) -> dict[str, Any] | None:
    response = backend.client.get_item(
        TableName=backend.ephemeral, Key=key(f"SALT#{day}", "SALT"), ConsistentRead=True
    )
    item: dict[str, Any] | None = response.get("Item")
    return item


def _salt(backend: Backend, day: str) -> bytes:
    item = _salt_item(backend, day)
    assert item is not None, f"no salt stored for {day}"
    return bytes(item["salt"]["B"])


def test_a_visitor_is_the_sha256_of_the_days_salt_the_address_and_the_browser(
    identities: VisitorIdentities, backend: Backend
) -> None:
    # WHEN a visitor is identified
    hashed = identities.of(signal=visitor(1), today=identities.today())
    # THEN it is SHA-256 over the day's stored salt, then the IP and the folded User-Agent, framed
    salt = _salt(backend, "2026-11-26")
    assert hashed == daily_hash(salt, visitor(1).ip, folded_agent(visitor(1).user_agent))


def test_case_and_whitespace_variants_of_one_browser_are_one_visitor(
    identities: VisitorIdentities,
) -> None:
    # GIVEN a browser
    today = identities.today()
    ip, agent = visitor(1).ip, visitor(1).user_agent
    original = identities.of(signal=visitor(1), today=today)
    # WHEN its User-Agent comes upper-cased, lower-cased, padded or with its spaces doubled
    variants = [agent.upper(), agent.lower(), f"  {agent}\t", agent.replace(" ", " \t ")]
    hashed = {
        identities.of(signal=VisitorSignal(ip=ip, user_agent=v), today=today) for v in variants
    }
    # THEN every variant is the same visitor
    assert hashed == {original}


def test_a_client_is_the_same_hash_of_the_address_alone_apart_from_every_visitor(
    identities: VisitorIdentities, backend: Backend
) -> None:
    # GIVEN an address
    today = identities.today()
    ip = "198.51.100.7"
    # WHEN it is identified as a client (the sign-in limit's key)
    client = identities.client_of(ip=ip, today=today)
    # THEN it is "client" and the IP under the day's salt: no browser of that address shares it
    assert client == daily_hash(_salt(backend, "2026-11-26"), "client", ip)
    assert client != identities.of(signal=VisitorSignal(ip=ip, user_agent=""), today=today)
    assert identities.client_of(ip="198.51.100.8", today=today) != client


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            VisitorSignal(ip="10.0.0.1", user_agent="23"),
            VisitorSignal(ip="10.0.0.12", user_agent="3"),
        ),
        (
            VisitorSignal(ip="10.0.0.1", user_agent="A"),
            VisitorSignal(ip="10.0.0.2", user_agent="A"),
        ),
        (
            VisitorSignal(ip="10.0.0.1", user_agent="A"),
            VisitorSignal(ip="10.0.0.1", user_agent="B"),
        ),
        (
            VisitorSignal(ip="10.0.0.1", user_agent="Firefox \udcff"),
            VisitorSignal(ip="10.0.0.1", user_agent="Firefox \udcfe"),
        ),
    ],
)
def test_visitors_differing_in_any_part_differ(
    identities: VisitorIdentities, backend: Backend, one: VisitorSignal, other: VisitorSignal
) -> None:
    # WHEN two visitors that differ only in the address, the browser, or where one ends
    # (a header's undecodable bytes included) are identified the same day
    today = identities.today()
    first, second = identities.of(signal=one, today=today), identities.of(signal=other, today=today)
    # THEN they are two, each the hash of its own parts
    salt = _salt(backend, "2026-11-26")
    assert first == daily_hash(salt, one.ip, folded_agent(one.user_agent))
    assert second == daily_hash(salt, other.ip, folded_agent(other.user_agent))
    assert first != second


def test_the_days_salt_is_32_random_bytes_kept_until_two_days_after_its_day_began(
    identities: VisitorIdentities, backend: Backend, clock: FakeClock
) -> None:
    # WHEN visitors are identified on two days
    identities.of(signal=visitor(1), today=identities.today())
    clock.advance(ONE_DAY)
    identities.of(signal=visitor(1), today=identities.today())
    # THEN each day has its own salt of 32 random bytes, lapsing at 00:00 UTC two days on
    first, second = _salt_item(backend, "2026-11-26"), _salt_item(backend, "2026-11-27")
    assert first is not None
    assert second is not None
    assert [len(bytes(item["salt"]["B"])) for item in (first, second)] == [32, 32]
    assert first["salt"] != second["salt"]
    assert int(first[EXPIRES_AT]["N"]) == int(datetime(2026, 11, 28, tzinfo=UTC).timestamp())
    assert int(second[EXPIRES_AT]["N"]) == int(datetime(2026, 11, 29, tzinfo=UTC).timestamp())


def test_the_same_visitor_is_another_hash_the_next_day(
    identities: VisitorIdentities, backend: Backend, clock: FakeClock
) -> None:
    # GIVEN a visitor, hashed the same way all day
    today = identities.of(signal=visitor(1), today=identities.today())
    assert identities.of(signal=visitor(1), today=identities.today()) == today
    # WHEN the same visitor comes the next day
    clock.advance(ONE_DAY)
    tomorrow = identities.of(signal=visitor(1), today=identities.today())
    # THEN it is hashed under that day's salt, and matches nothing of the day before
    assert tomorrow == daily_hash(
        _salt(backend, "2026-11-27"), visitor(1).ip, folded_agent(visitor(1).user_agent)
    )
    assert tomorrow != today


def test_a_container_reads_the_days_salt_once_and_other_containers_share_it(
    identities: VisitorIdentities, backend: Backend, clock: FakeClock
) -> None:
    # WHEN one container identifies two visitors and a client, the same day
    with recorded_calls(backend.client) as first:
        hashed = identities.of(signal=visitor(1), today=identities.today())
    with recorded_calls(backend.client) as later:
        identities.of(signal=visitor(2), today=identities.today())
        identities.client_of(ip="198.51.100.7", today=identities.today())
    # THEN only the first asked DynamoDB for the salt
    assert first.operations == FIRST_OF_THE_DAY
    assert later.operations == []
    # AND another container finds the stored salt, and makes the same hash
    other = _identities(backend._replace(client=new_client()), clock)
    assert other.of(signal=visitor(1), today=other.today()) == hashed
    # AND the next day, the container asks again
    clock.advance(ONE_DAY)
    with recorded_calls(backend.client) as next_day:
        identities.of(signal=visitor(1), today=identities.today())
    assert next_day.operations == FIRST_OF_THE_DAY


def test_the_salt_that_lapsed_at_midnight_is_deleted_by_the_days_first_identity(
    identities: VisitorIdentities, backend: Backend, clock: FakeClock
) -> None:
    # GIVEN the salts of the two days before today, stored by another container
    other = _identities(backend._replace(client=new_client()), clock)
    for _ in range(2):
        other.of(signal=visitor(1), today=other.today())
        clock.advance(ONE_DAY)
    assert _salt_item(backend, "2026-11-26") is not None
    # WHEN this container identifies its first visitor of 28 November
    identities.of(signal=visitor(1), today=identities.today())
    # THEN the salt of 26 November, which lapsed at midnight, is gone; the others stay
    assert _salt_item(backend, "2026-11-26") is None
    assert _salt_item(backend, "2026-11-27") is not None
    assert _salt_item(backend, "2026-11-28") is not None


@pytest.mark.parametrize(
    ("moment", "day", "month", "midnight"),
    [
        (datetime(2026, 11, 26, 0, 0, 0, tzinfo=UTC), "2026-11-26", "2026-11", (2026, 11, 27)),
        (datetime(2026, 11, 26, 23, 59, 59, tzinfo=UTC), "2026-11-26", "2026-11", (2026, 11, 27)),
        (datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), "2026-12-31", "2026-12", (2027, 1, 1)),
        (datetime(2027, 1, 1, 0, 0, 0, tzinfo=UTC), "2027-01-01", "2027-01", (2027, 1, 2)),
    ],
)
def test_today_is_the_utc_day_of_the_clock_and_ends_at_the_next_utc_midnight(
    backend: Backend, moment: datetime, day: str, month: str, midnight: tuple[int, int, int]
) -> None:
    # WHEN a container's clock reads a moment at either end of a day, a month or a year
    today = _identities(backend, FakeClock(moment)).today()
    # THEN today is that UTC day and month, now is that second, and the day ends at midnight
    assert (today.key, today.month, today.now) == (day, month, int(moment.timestamp()))
    assert today.midnight == int(datetime(*midnight, tzinfo=UTC).timestamp())
