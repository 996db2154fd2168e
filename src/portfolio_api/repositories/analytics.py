"""Counted visits and views: the dedup record and every counter an event moves, in one transaction.

Items (per-item view counters are in `views.py`):
  seen     PK `VISITOR#<hash>`           SK `VISIT` or `VIEW#<ENTITY>#<id>`   expiresAt
           in the ephemeral table, which no backup keeps: a hash never outlives its day's salt
  counter  PK `COUNT#<counter>#<shard>`  SK `ALL`, `<YYYY-MM-DD>` or `<YYYY-MM>`  count (N)

A dedup record lapses at the next UTC midnight. The transaction's condition lets an expired one
be overwritten, since TTL deletes it up to two days late.
"""

import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.models.analytics import ContentType
from portfolio_api.repositories.aws import cancellation_codes, dynamodb_errors, error_code
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.reads import Item, batch_get_items, query_items
from portfolio_api.repositories.views import ViewCounters

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

ALL_TIME = "ALL"
TRANSACT_ATTEMPTS = 8
# Cancellation reasons, and (last) the error of an attempt whose token is still being processed.
RETRYABLE = frozenset(
    {
        "TransactionConflict",
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "TransactionInProgressException",
    }
)
type Steps = Callable[[], list["TransactWriteItemTypeDef"]]


class Counter(StrEnum):
    VISITS = "VISITS"
    VISITS_BY_DAY = "VISITS#DAY"
    VISITS_BY_MONTH = "VISITS#MONTH"
    VIEWS = "VIEWS"


class Outcome(Enum):
    COUNTED = "counted"
    REPEAT = "repeat"
    NO_CONTENT = "no-content"


@dataclass(frozen=True, kw_only=True)
class Visit:
    visitor: str
    day: str
    month: str
    now: int
    expires_at: int


@dataclass(frozen=True, kw_only=True)
class View:
    visitor: str
    content_type: ContentType
    content_id: str
    now: int
    expires_at: int


class AnalyticsRepository:
    def __init__(
        self,
        *,
        client: "DynamoDBClient",
        table_name: str,
        ephemeral_table_name: str,
        shards: int,
        views: ViewCounters,
        content: Mapping[ContentType, ContentRepository[Any, Any]],
        clock: Clock,
    ) -> None:
        self._client = client
        self._table = table_name
        self._ephemeral_table = ephemeral_table_name
        self._shards = shards
        self._views = views
        self._content = content
        self._clock = clock

    @staticmethod
    def _key(counter: Counter, shard: int, period: str) -> Item:
        return {"PK": {"S": f"COUNT#{counter}#{shard}"}, "SK": {"S": period}}

    @staticmethod
    def _seen_key(visitor: str, what: str) -> Item:
        return {"PK": {"S": f"VISITOR#{visitor}"}, "SK": {"S": what}}

    def record_visit(self, *, visit: Visit) -> Outcome:
        def steps() -> list["TransactWriteItemTypeDef"]:
            shard = secrets.randbelow(self._shards)
            return [
                self._first_sighting(self._seen_key(visit.visitor, "VISIT"), visit),
                self._add(Counter.VISITS, shard, ALL_TIME),
                self._add(Counter.VISITS_BY_DAY, shard, visit.day),
                self._add(Counter.VISITS_BY_MONTH, shard, visit.month),
            ]

        return self._transact(steps, outcome_if_refused=(Outcome.REPEAT,))

    def record_view(self, *, view: View) -> Outcome:
        content = self._content[view.content_type]
        seen = self._seen_key(view.visitor, f"VIEW#{content.entity}#{view.content_id}")

        def steps() -> list["TransactWriteItemTypeDef"]:
            return [
                content.published_check(item_id=view.content_id),
                self._first_sighting(seen, view),
                self._views.increment(entity=content.entity, item_id=view.content_id),
                self._add(Counter.VIEWS, secrets.randbelow(self._shards), ALL_TIME),
            ]

        return self._transact(steps, outcome_if_refused=(Outcome.NO_CONTENT, Outcome.REPEAT))

    def views(self, *, content_type: ContentType, content_id: str) -> int:
        return self._views.views(entity=self._content[content_type].entity, item_id=content_id)

    def ranked(self, *, content_type: ContentType, limit: int | None) -> list[tuple[str, int]]:
        return self._views.ranked(entity=self._content[content_type].entity, limit=limit)

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
            request = {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :first AND :last",
                "ExpressionAttributeNames": {"#pk": "PK", "#sk": "SK"},
                "ExpressionAttributeValues": {
                    ":pk": self._key(counter, shard, ALL_TIME)["PK"],
                    ":first": {"S": first},
                    ":last": {"S": last},
                },
            }
            for item in query_items(self._client, request):
                period = item["SK"]["S"]
                totals[period] = totals.get(period, 0) + int(item["count"]["N"])
        return totals

    def _first_sighting(self, key: Item, event: Visit | View) -> "TransactWriteItemTypeDef":
        return {
            "Put": {
                "TableName": self._ephemeral_table,
                "Item": {
                    **key,
                    "expiresAt": {"N": str(event.expires_at)},
                    "entityType": {"S": "Sighting"},
                },
                "ConditionExpression": "attribute_not_exists(PK) OR #expires <= :now",
                "ExpressionAttributeNames": {"#expires": "expiresAt"},
                "ExpressionAttributeValues": {":now": {"N": str(event.now)}},
            }
        }

    def _add(self, counter: Counter, shard: int, period: str) -> "TransactWriteItemTypeDef":
        return {
            "Update": {
                "TableName": self._table,
                "Key": self._key(counter, shard, period),
                "UpdateExpression": "ADD #count :one SET #type = :type",
                "ExpressionAttributeNames": {"#count": "count", "#type": "entityType"},
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":type": {"S": "Counter"}},
            }
        }

    def _transact(self, steps: Steps, *, outcome_if_refused: Sequence[Outcome]) -> Outcome:
        """Runs the steps; a refused condition at index i gives `outcome_if_refused[i]`.

        A transaction that collided with another one on a counter wrote nothing, so it is
        tried again (on a fresh shard) after a jittered pause.
        """
        for attempt in range(TRANSACT_ATTEMPTS):
            try:
                with dynamodb_errors():
                    self._client.transact_write_items(
                        TransactItems=steps(), ClientRequestToken=uuid.uuid4().hex
                    )
            except ClientError as exc:
                codes = cancellation_codes(exc) or [error_code(exc)]
                refused = [i for i, code in enumerate(codes) if code == "ConditionalCheckFailed"]
                if refused and refused[0] < len(outcome_if_refused):
                    return outcome_if_refused[refused[0]]
                if not RETRYABLE.intersection(codes):
                    raise
                self._clock.sleep(0.01 * 2**attempt * secrets.randbelow(1000) / 1000)
                continue
            return Outcome.COUNTED
        raise DependencyUnavailable("Too many concurrent updates; retry shortly")
