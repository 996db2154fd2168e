"""Counted visits and views: the dedup record and every counter an event moves, in one transaction.

Items (per-item view counters are in `views.py`):
  seen     PK `VISITOR#<hash>`           SK `VISIT` or `VIEW#<ENTITY>#<id>`   expiresAt
           in the ephemeral table, which no backup keeps: a hash never outlives its day's salt
  quota    PK `CLIENT#<client hash>`     SK `VISITS#<midnight>` or `VIEWS#<ENTITY>#<id>#<midnight>`
           count (N), expiresAt; ephemeral too: the new visitors (viewers) one IP brought today
  counter  PK `COUNT#<counter>#<shard>`  SK `ALL`, `<YYYY-MM-DD>` or `<YYYY-MM>`  count (N)

A dedup record lapses at the next UTC midnight. Its condition lets an expired one be
overwritten, since TTL deletes it days late. A quota cannot be overwritten (an ADD keeps the
count), so its key holds the midnight it lapses at: tomorrow's is another item.
"""

import secrets
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.models.analytics import ContentType, Counter, Outcome, View, Visit
from portfolio_api.repositories.attributes import (
    ENTITY_TYPE,
    EXPIRES_AT,
    PK,
    SK,
    Item,
    key,
    number,
    text,
)
from portfolio_api.repositories.content import PUBLISHED
from portfolio_api.repositories.reads import batch_get_items, query_items
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.repositories.writes import Collided, Refused, Step, write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ALL_TIME = "ALL"
TRANSACT_ATTEMPTS = 8
SEEN = "seen"
QUOTA = "quota"
# What a refused step means: the content is not published, the visitor was counted today, or
# its client brought as many new ones today as one client may.
OUTCOME_IF_REFUSED = {PUBLISHED: Outcome.NO_CONTENT, SEEN: Outcome.REPEAT, QUOTA: Outcome.CAPPED}


class ContentChecks(Protocol):
    """A content repository, as a counted view needs it."""

    @property
    def entity(self) -> str: ...

    def published_check(self, *, item_id: str) -> Step: ...


class AnalyticsRepository:
    def __init__(
        self,
        *,
        client: "DynamoDBClient",
        table_name: str,
        ephemeral_table_name: str,
        shards: int,
        per_client: int,
        views: ViewCounters,
        content: Mapping[ContentType, ContentChecks],
        clock: Clock,
    ) -> None:
        self._client = client
        self._table = table_name
        self._ephemeral_table = ephemeral_table_name
        self._shards = shards
        self._per_client = per_client
        self._views = views
        self._content = content
        self._clock = clock

    @staticmethod
    def _key(counter: Counter, shard: int, period: str) -> Item:
        return key(f"COUNT#{counter}#{shard}", period)

    @staticmethod
    def _seen_key(visitor: str, what: str) -> Item:
        return key(f"VISITOR#{visitor}", what)

    @staticmethod
    def _quota_key(client: str, what: str, expires_at: int) -> Item:
        return key(f"CLIENT#{client}", f"{what}#{expires_at}")

    def record_visit(self, *, visit: Visit) -> Outcome:
        def steps() -> list[Step]:
            shard = secrets.randbelow(self._shards)
            return [
                self._first_sighting(self._seen_key(visit.visitor, "VISIT"), visit),
                self._within_quota(visit, "VISITS"),
                self._add(Counter.VISITS, shard, ALL_TIME),
                self._add(Counter.VISITS_BY_DAY, shard, visit.day),
                self._add(Counter.VISITS_BY_MONTH, shard, visit.month),
            ]

        return self._transact(steps)

    def record_view(self, *, view: View) -> Outcome:
        content = self._content[view.content_type]
        seen = self._seen_key(view.visitor, f"VIEW#{content.entity}#{view.content_id}")

        def steps() -> list[Step]:
            return [
                content.published_check(item_id=view.content_id),
                self._first_sighting(seen, view),
                self._within_quota(view, f"VIEWS#{content.entity}#{view.content_id}"),
                self._views.increment(entity=content.entity, item_id=view.content_id),
                self._add(Counter.VIEWS, secrets.randbelow(self._shards), ALL_TIME),
            ]

        return self._transact(steps)

    def total(self, *, counter: Counter) -> int:
        """The sum of the counter's shards, read strongly consistent in one BatchGet."""
        keys = [self._key(counter, shard, ALL_TIME) for shard in range(self._shards)]
        items = batch_get_items(
            self._client, table=self._table, keys=keys, clock=self._clock, consistent=True
        )
        return sum(int(item["count"]["N"]) for item in items)

    def series(self, *, counter: Counter, first: str, last: str) -> dict[str, int]:
        """Counts by period from `first` to `last` (inclusive): one Query per shard."""
        totals: dict[str, int] = {}
        for shard in range(self._shards):
            items = query_items(
                self._client,
                {
                    "TableName": self._table,
                    "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :first AND :last",
                    "ExpressionAttributeNames": {"#pk": PK, "#sk": SK},
                    "ExpressionAttributeValues": {
                        ":pk": self._key(counter, shard, ALL_TIME)[PK],
                        ":first": text(first),
                        ":last": text(last),
                    },
                },
            )
            for item in items:
                period = item[SK]["S"]
                totals[period] = totals.get(period, 0) + int(item["count"]["N"])
        return totals

    def _first_sighting(self, seen: Item, event: Visit | View) -> Step:
        sighting = {**seen, EXPIRES_AT: number(event.expires_at), ENTITY_TYPE: text("Sighting")}
        return Step(
            SEEN,
            {
                "Put": {
                    "TableName": self._ephemeral_table,
                    "Item": sighting,
                    "ConditionExpression": f"attribute_not_exists({PK}) OR #expires <= :now",
                    "ExpressionAttributeNames": {"#expires": EXPIRES_AT},
                    "ExpressionAttributeValues": {":now": number(event.now)},
                }
            },
        )

    def _within_quota(self, event: Visit | View, what: str) -> Step:
        """One more new visitor (or viewer) from the event's client, refused at `per_client`."""
        return Step(
            QUOTA,
            {
                "Update": {
                    "TableName": self._ephemeral_table,
                    "Key": self._quota_key(event.client, what, event.expires_at),
                    "UpdateExpression": "ADD #count :one SET #expires = :expires, #type = :type",
                    "ConditionExpression": "attribute_not_exists(#count) OR #count < :cap",
                    "ExpressionAttributeNames": {
                        "#count": "count",
                        "#expires": EXPIRES_AT,
                        "#type": ENTITY_TYPE,
                    },
                    "ExpressionAttributeValues": {
                        ":one": number(1),
                        ":cap": number(self._per_client),
                        ":expires": number(event.expires_at),
                        ":type": text("ClientQuota"),
                    },
                }
            },
        )

    def _add(self, counter: Counter, shard: int, period: str) -> Step:
        return Step(
            f"{counter} {period}",
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(counter, shard, period),
                    "UpdateExpression": "ADD #count :one SET #type = :type",
                    "ExpressionAttributeNames": {"#count": "count", "#type": ENTITY_TYPE},
                    "ExpressionAttributeValues": {":one": number(1), ":type": text("Counter")},
                }
            },
        )

    def _transact(self, steps: Callable[[], list[Step]]) -> Outcome:
        """Runs the steps; a refused step gives its outcome, named in OUTCOME_IF_REFUSED.

        A transaction that collided with another one on a counter wrote nothing, so it is
        tried again (on a fresh shard) after a jittered pause.
        """
        for attempt in range(TRANSACT_ATTEMPTS):
            try:
                write(self._client, steps(), token=uuid.uuid4().hex)
            except Refused as refused:
                return OUTCOME_IF_REFUSED[refused.step]
            except Collided:
                self._clock.sleep(0.01 * 2**attempt * secrets.randbelow(1000) / 1000)
                continue
            return Outcome.COUNTED
        raise DependencyUnavailable("Too many concurrent updates; retry shortly")
