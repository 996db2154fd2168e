"""Dedup records, counters and salts on the single table, against moto and DynamoDB Local."""

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from portfolio_api.core.clock import iso_utc
from portfolio_api.models.analytics import (
    ContentType,
    Counter,
    Dimension,
    Outcome,
    View,
    Visit,
    VisitorSignal,
)
from portfolio_api.models.content import Status
from portfolio_api.repositories.attributes import EXPIRES_AT, key
from tests.helpers.analytics import SIGNAL, Analytics, analytics_on
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock
from tests.helpers.content import stored_post

if TYPE_CHECKING:
    pass

NOON = int(datetime(2026, 11, 26, 12, tzinfo=UTC).timestamp())
MIDNIGHT = int(datetime(2026, 11, 27, tzinfo=UTC).timestamp())


@pytest.fixture
def analytics(any_dynamodb: Backend) -> Analytics:
    return analytics_on(any_dynamodb, clock=FakeClock())


def _visit(
    visitor: str, *, client: str | None = None, now: int = NOON, expires_at: int = MIDNIGHT
) -> Visit:
    """Visitor `visitor`, from a client of its own unless `client` names one."""
    return Visit(
        visitor=visitor,
        client=client or visitor,
        day="2026-11-26",
        month="2026-11",
        now=now,
        expires_at=expires_at,
    )


def _view(content_id: str, visitor: str = "v1", *, client: str | None = None) -> View:
    return View(
        visitor=visitor,
        client=client or visitor,
        content_type=ContentType.BLOG,
        content_id=content_id,
        day="2026-11-26",
        now=NOON,
        expires_at=MIDNIGHT,
    )


def test_a_visit_counts_once_and_moves_every_visit_counter(analytics: Analytics) -> None:
    # WHEN one visitor's visit is recorded twice
    first = analytics.counts.record_visit(visit=_visit("a"))
    second = analytics.counts.record_visit(visit=_visit("a"))
    # THEN it counted once, in the all-time, the day's and the month's counters
    assert (first, second) == (Outcome.COUNTED, Outcome.REPEAT)
    counts = analytics.counts
    assert counts.total(counter=Counter.VISITS) == 1
    days = counts.series(counter=Counter.VISITS_BY_DAY, first="2026-11-01", last="2026-11-30")
    assert days == {"2026-11-26": 1}
    months = counts.series(counter=Counter.VISITS_BY_MONTH, first="2026-01", last="2026-12")
    assert months == {"2026-11": 1}


def test_totals_sum_every_shard(analytics: Analytics) -> None:
    # WHEN 12 different visitors are counted, each on a shard picked at random
    for number in range(12):
        analytics.counts.record_visit(visit=_visit(f"visitor-{number}"))
    # THEN the shards add up to 12
    assert analytics.counts.total(counter=Counter.VISITS) == 12


def test_an_expired_dedup_record_that_ttl_has_not_deleted_yet_does_not_block(
    analytics: Analytics,
) -> None:
    # GIVEN a visit whose dedup record lapsed at midnight, still in the table (TTL is lazy)
    analytics.counts.record_visit(visit=_visit("a"))
    # WHEN the same hash is seen after the lapse
    late = analytics.counts.record_visit(visit=_visit("a", now=MIDNIGHT))
    # THEN it counts
    assert late is Outcome.COUNTED
    assert analytics.counts.total(counter=Counter.VISITS) == 2


def test_a_client_adds_at_most_its_quota_of_new_visitors_a_day(any_dynamodb: Backend) -> None:
    # GIVEN a quota of 3 new visitors per client and day
    analytics = analytics_on(any_dynamodb, clock=FakeClock(), per_client=3)
    # WHEN one client brings 5 new visitors, then its first again
    outcomes = [analytics.counts.record_visit(visit=_visit(f"v{n}", client="c")) for n in range(5)]
    again = analytics.counts.record_visit(visit=_visit("v0", client="c"))
    # THEN 3 counted and 2 were capped; the repeat is a repeat, not a new visitor
    assert outcomes == [Outcome.COUNTED] * 3 + [Outcome.CAPPED] * 2
    assert again is Outcome.REPEAT
    assert analytics.counts.total(counter=Counter.VISITS) == 3
    # AND a capped visitor left no dedup record behind: from another client it counts
    assert analytics.counts.record_visit(visit=_visit("v3", client="d")) is Outcome.COUNTED
    # AND the next day (another midnight) the client's quota starts again
    tomorrow = _visit("v5", client="c", now=MIDNIGHT, expires_at=MIDNIGHT + 86_400)
    assert analytics.counts.record_visit(visit=tomorrow) is Outcome.COUNTED
    assert analytics.counts.total(counter=Counter.VISITS) == 5


def test_a_client_adds_at_most_its_quota_of_new_viewers_of_each_item(
    any_dynamodb: Backend,
) -> None:
    # GIVEN a quota of 2 and two published posts
    analytics = analytics_on(any_dynamodb, clock=FakeClock(), per_client=2)
    first, second = (stored_post(number, status=Status.PUBLISHED) for number in (1, 2))
    for post in (first, second):
        analytics.posts.create(item=post)
    # WHEN one client's 3 visitors view the first post, and its third the second post
    outcomes = [
        analytics.counts.record_view(view=_view(first.id, f"v{n}", client="c")) for n in range(3)
    ]
    other = analytics.counts.record_view(view=_view(second.id, "v2", client="c"))
    # THEN the first post took 2, and the quota of the second is its own
    assert outcomes == [Outcome.COUNTED, Outcome.COUNTED, Outcome.CAPPED]
    assert other is Outcome.COUNTED
    assert analytics.counters.views(entity="POST", item_id=first.id) == 2
    assert analytics.counts.total(counter=Counter.VIEWS) == 3


def test_a_clients_quota_is_an_ephemeral_item_that_lapses_at_midnight(
    any_dynamodb: Backend,
) -> None:
    # WHEN a client's visitor is counted
    analytics = analytics_on(any_dynamodb, clock=FakeClock())
    analytics.counts.record_visit(visit=_visit("v", client="c"))
    # THEN its quota is in the ephemeral table, counted, lapsing at midnight; none in the main one
    client, table, ephemeral = any_dynamodb
    quota = key("CLIENT#c", f"VISITS#{MIDNIGHT}")
    item = client.get_item(TableName=ephemeral, Key=quota, ConsistentRead=True)["Item"]
    assert (item["count"], item[EXPIRES_AT]) == ({"N": "1"}, {"N": str(MIDNIGHT)})
    assert "Item" not in client.get_item(TableName=table, Key=quota, ConsistentRead=True)


def test_a_view_of_a_draft_or_a_missing_item_writes_nothing(analytics: Analytics) -> None:
    # GIVEN a draft
    draft = stored_post(1)
    analytics.posts.create(item=draft)
    for content_id in (draft.id, "01jd0000000000000000000999"):
        # WHEN a view of it is recorded
        outcome = analytics.counts.record_view(view=_view(content_id))
        # THEN the content check refused it, and nothing was counted
        assert outcome is Outcome.NO_CONTENT
        assert analytics.counters.views(entity="POST", item_id=content_id) == 0
    assert analytics.counts.total(counter=Counter.VIEWS) == 0
    # AND no dedup record was left: once published, the same visitor's view counts
    analytics.posts.replace(
        item=draft.model_copy(update={"status": Status.PUBLISHED, "version": 2}), previous=draft
    )
    assert analytics.counts.record_view(view=_view(draft.id)) is Outcome.COUNTED


def test_a_transaction_failing_at_its_last_step_leaves_no_partial_counts(
    any_dynamodb: Backend,
) -> None:
    # GIVEN one shard of total views that an ADD cannot add to (a string, not a number)
    client, table, _ = any_dynamodb
    analytics = analytics_on(any_dynamodb, clock=FakeClock(), shards=1)
    post = stored_post(1, status=Status.PUBLISHED)
    analytics.posts.create(item=post)
    broken = {"PK": {"S": "COUNT#VIEWS#0"}, "SK": {"S": "ALL"}}
    client.put_item(TableName=table, Item={**broken, "count": {"S": "not a number"}})
    # WHEN a view is recorded
    with pytest.raises(ClientError):
        analytics.counts.record_view(view=_view(post.id))
    # THEN neither the dedup record nor the item's counter was written
    assert analytics.counters.views(entity="POST", item_id=post.id) == 0
    client.put_item(TableName=table, Item={**broken, "count": {"N": "0"}})
    assert analytics.counts.record_view(view=_view(post.id)) is Outcome.COUNTED
    assert analytics.counters.views(entity="POST", item_id=post.id) == 1


def test_views_rank_items_most_viewed_first(analytics: Analytics) -> None:
    # GIVEN three published posts viewed 1, 3 and 2 times
    posts = [stored_post(number, status=Status.PUBLISHED) for number in (1, 2, 3)]
    for post, views in zip(posts, (1, 3, 2), strict=True):
        analytics.posts.create(item=post)
        for visitor in range(views):
            analytics.counts.record_view(view=_view(post.id, visitor=f"v{visitor}"))
    # WHEN the posts are ranked, in full and cut at two
    ranking = analytics.counters.ranked(entity="POST", limit=None)
    top_two = analytics.counters.ranked(entity="POST", limit=2)
    # THEN the order follows the counts the ADDs left in the index
    assert ranking == [(posts[1].id, 3), (posts[2].id, 2), (posts[0].id, 1)]
    assert top_two == ranking[:2]
    assert analytics.counts.total(counter=Counter.VIEWS) == 6


def test_deleting_a_post_deletes_its_counter_in_the_same_transaction(
    analytics: Analytics,
) -> None:
    post = stored_post(1, status=Status.PUBLISHED)
    analytics.posts.create(item=post)
    analytics.counts.record_view(view=_view(post.id))
    analytics.posts.delete(item=post)
    assert analytics.counters.views(entity="POST", item_id=post.id) == 0
    assert analytics.counters.ranked(entity="POST", limit=None) == []


def test_a_days_salt_is_made_once_even_when_first_requests_race(analytics: Analytics) -> None:
    # WHEN eight first requests of the day each offer their own salt at once
    barrier = threading.Barrier(8)
    salts: list[bytes] = []

    def first_request(number: int) -> None:
        barrier.wait()
        offered = number.to_bytes(32, "big")
        salts.append(analytics.salts.salt_for(day="2026-11-26", candidate=offered, expires_at=1))

    threads = [threading.Thread(target=first_request, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN all of them use the one salt that was stored
    assert len(salts) == 8
    assert len(set(salts)) == 1
    # AND another day gets its own
    other = analytics.salts.salt_for(day="2026-11-27", candidate=b"\x01" * 32, expires_at=1)
    assert other != salts[0]


def test_a_visitors_identity_changes_with_the_day_and_reveals_nothing(
    analytics: Analytics, any_dynamodb: Backend
) -> None:
    identities = analytics.identities
    today = identities.today()
    # WHEN the same visitor is identified today, then tomorrow
    first = identities.of(signal=SIGNAL, today=today)
    again = identities.of(signal=SIGNAL, today=identities.today())
    analytics.clock.advance(86_400)
    tomorrow = identities.of(signal=SIGNAL, today=identities.today())
    # THEN today's hash is stable and tomorrow's does not match it
    assert first == again
    assert tomorrow != first
    # AND another address or browser is another visitor; the browser's case and spacing are not
    other_ip = VisitorSignal(ip="198.51.100.8", user_agent=SIGNAL.user_agent)
    other_agent = VisitorSignal(ip=SIGNAL.ip, user_agent=SIGNAL.user_agent + " Visitor/2")
    variant = VisitorSignal(ip=SIGNAL.ip, user_agent=f" {SIGNAL.user_agent.upper()}\t")
    assert identities.of(signal=other_ip, today=today) != first
    assert identities.of(signal=other_agent, today=today) != first
    assert identities.of(signal=variant, today=today) == first
    # AND the stored salt lapses two days after its day began
    client, _, ephemeral = any_dynamodb
    salt = client.get_item(
        TableName=ephemeral, Key={"PK": {"S": "SALT#2026-11-26"}, "SK": {"S": "SALT"}}
    )["Item"]
    assert int(salt["expiresAt"]["N"]) == int(datetime(2026, 11, 28, tzinfo=UTC).timestamp())
    assert "198.51.100.7" not in repr(SIGNAL)
    assert "Firefox" not in repr(SIGNAL)


def test_a_lapsed_salt_is_deleted_by_the_first_request_of_a_later_day(
    analytics: Analytics, any_dynamodb: Backend
) -> None:
    # GIVEN a visitor identified on 26 November, which stores that day's salt
    client, _, ephemeral = any_dynamodb
    identities = analytics.identities
    identities.of(signal=SIGNAL, today=identities.today())

    def salt_of(day: str) -> bool:
        key = {"PK": {"S": f"SALT#{day}"}, "SK": {"S": "SALT"}}
        return "Item" in client.get_item(TableName=ephemeral, Key=key, ConsistentRead=True)

    # WHEN the next day's first visitor comes, then the one of the day after
    analytics.clock.advance(86_400)
    identities.of(signal=SIGNAL, today=identities.today())
    assert salt_of("2026-11-26")
    assert salt_of("2026-11-27")
    analytics.clock.advance(86_400)
    identities.of(signal=SIGNAL, today=identities.today())
    # THEN the salt that lapsed at midnight is gone at once, not whenever TTL gets to it
    assert not salt_of("2026-11-26")
    assert salt_of("2026-11-27")
    assert salt_of("2026-11-28")


def test_a_view_of_a_scheduled_item_counts_only_once_its_time_has_come(
    analytics: Analytics,
) -> None:
    # GIVEN a post published for a minute after the clock's time
    clock = analytics.clock
    at = clock.now() + timedelta(seconds=60)
    post = stored_post(1).published(now=iso_utc(clock.now()), at=iso_utc(at))
    analytics.posts.create(item=post)
    # WHEN a view is recorded a second before that time, then at it
    clock.move_to(at - timedelta(seconds=1))
    early = analytics.counts.record_view(view=_view(post.id))
    clock.move_to(at)
    on_time = analytics.counts.record_view(view=_view(post.id))
    # THEN the content check refused the first (its publishedTime is later) and not the second
    assert (early, on_time) == (Outcome.NO_CONTENT, Outcome.COUNTED)
    assert analytics.counters.views(entity="POST", item_id=post.id) == 1


def test_a_days_aggregates_carry_the_retention_as_their_ttl(
    analytics: Analytics, any_dynamodb: Backend
) -> None:
    # WHEN a visit with a page is recorded on 2026-11-26, then a view
    visit = _visit("a")
    with_page = replace(visit, page="/blog/x")
    assert analytics.counts.record_visit(visit=with_page) is Outcome.COUNTED
    # THEN the day's page item, on whichever shard it went, lapses 730 days after its day
    lapses = int(datetime(2028, 11, 25, tzinfo=UTC).timestamp())
    items = [
        any_dynamodb.client.get_item(
            TableName=any_dynamodb.table,
            Key={"PK": {"S": f"STATS#PAGE#VIEWS#{shard}"}, "SK": {"S": "2026-11-26"}},
        ).get("Item")
        for shard in range(4)
    ]
    [item] = [item for item in items if item]
    assert item["expiresAt"] == {"N": str(lapses)}
    assert item["k:/blog/x"] == {"N": "1"}
    # AND the ranking reads it back
    assert analytics.counts.ranked(
        dimension=Dimension.PAGE_VIEWS, first="2026-11-01", last="2026-11-30"
    ) == {"/blog/x": 1}
