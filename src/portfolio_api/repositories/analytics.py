"""Counted visits and views: the dedup record and every counter an event moves, in one transaction.

Items (per-item view counters are in `views.py`, a day's visitors by dimension in `stats.py`):
  seen     PK `VISITOR#<hash>`           SK `VISIT` (+ `pageviews` N), `PAGE#<path digest>` or
           `VIEW#<ENTITY>#<id>`; expiresAt. In the ephemeral table, which no backup keeps: a
           hash never outlives its day's salt
  quota    PK `CLIENT#<client hash>`     SK `VISITS#<midnight>` or `VIEWS#<ENTITY>#<id>#<midnight>`
           count (N), expiresAt; ephemeral too: the new visitors (viewers) one IP brought today
  counter  PK `COUNT#<counter>#<shard>`  SK `ALL`, `<YYYY-MM-DD>` or `<YYYY-MM>`  count (N);
           `VIEWS#DAY` holds one number per content type instead

A dedup record lapses at the next UTC midnight. Its condition lets an expired one be
overwritten, since TTL deletes it days late. A quota cannot be overwritten (an ADD keeps the
count), so its key holds the midnight it lapses at: tomorrow's is another item.
"""

import hashlib
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from portfolio_api.core.calendar import epoch_seconds, start_of
from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.models.analytics import (
    ContentType,
    Counter,
    Dimension,
    Outcome,
    View,
    Visit,
)
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
from portfolio_api.repositories.stats import OTHER, DailyStats, step_dimension
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.repositories.writes import Collided, Refused, Step, write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ALL_TIME = "ALL"
TRANSACT_ATTEMPTS = 8
# A visit is refused at most once per dimension it folds, once at `seen`, once at `page seen`.
MAX_REFUSALS = 16
SEEN = "seen"
QUOTA = "quota"
PAGE_SEEN = "page seen"
PAGEVIEWS = "pageviews"
PAGEVIEWS_ATTRIBUTE = "pageviews"
# A refused step that ends the call: the content is not published, the visitor was counted
# today (and sent no page), the visitor's pageviews today reached the bound, or its client
# (one IP) brought as many new visitors (viewers) today as one client may.
OUTCOME_IF_REFUSED = {
    PUBLISHED: Outcome.NO_CONTENT,
    SEEN: Outcome.REPEAT,
    PAGEVIEWS: Outcome.REPEAT,
    QUOTA: Outcome.CAPPED,
}


@dataclass(kw_only=True)
class _Progress:
    """What refused attempts taught about a visit: each refusal changes the next attempt."""

    first_of_day: bool = True
    new_page: bool = True
    folded: set[Dimension] = field(default_factory=set)
    shard: int = 0
    keep_shard: bool = False


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
        stats: DailyStats,
        pageviews_per_visitor: int,
        retention_days: int,
        content: Mapping[ContentType, ContentChecks],
        clock: Clock,
    ) -> None:
        self._client = client
        self._table = table_name
        self._ephemeral_table = ephemeral_table_name
        self._shards = shards
        self._per_client = per_client
        self._stats = stats
        self._pageviews_per_visitor = pageviews_per_visitor
        self._retention = timedelta(days=retention_days)
        self._views = views
        self._content = content
        self._clock = clock

    @staticmethod
    def _key(counter: Counter, shard: int, period: str) -> Item:
        return key(f"COUNT#{counter}#{shard}", period)

    def _kept_until(self, day: str) -> int:
        """TTL of a day's aggregates: the retention setting, counted from the day."""
        return epoch_seconds(start_of(date.fromisoformat(day) + self._retention))

    @staticmethod
    def _seen_key(visitor: str, what: str) -> Item:
        return key(f"VISITOR#{visitor}", what)

    @staticmethod
    def _quota_key(client: str, what: str, expires_at: int) -> Item:
        return key(f"CLIENT#{client}", f"{what}#{expires_at}")

    def record_visit(self, *, visit: Visit) -> Outcome:
        """The first call of a visitor's day counts a visitor, its pageview and its traits;
        a later one with a page counts a pageview (and the page's visitor, if new to it),
        up to the per-visitor bound. Each refusal shapes the next attempt (`_Progress`)."""
        progress = _Progress()

        def steps() -> list[Step]:
            # A fold names a full item of this shard: the retry after a refusal keeps it; one
            # after a collision moves on, as every collided transaction does.
            shard = progress.shard if progress.keep_shard else secrets.randbelow(self._shards)
            progress.shard, progress.keep_shard = shard, False
            if progress.first_of_day:
                return self._first_visit(visit, shard=shard, progress=progress)
            return self._pageview(visit, shard=shard, progress=progress)

        def refused(refusal: Refused) -> Outcome | None:
            progress.keep_shard = True
            dimension = step_dimension(refusal.step)
            if dimension is not None:
                self._stats.learn(full=refusal.current)
                progress.folded.add(dimension)
            elif refusal.step == SEEN and visit.page is not None and progress.first_of_day:
                progress.first_of_day = False
            elif refusal.step == PAGE_SEEN:
                progress.new_page = False
            else:
                return OUTCOME_IF_REFUSED[refusal.step]
            return None

        outcome = self._transact(steps, refused=refused)
        repeat = outcome is Outcome.COUNTED and not progress.first_of_day
        return Outcome.PAGEVIEW if repeat else outcome

    def _first_visit(self, visit: Visit, *, shard: int, progress: _Progress) -> list[Step]:
        steps = [
            self._first_sighting(self._seen_key(visit.visitor, "VISIT"), visit, pageviews=1),
            self._within_quota(visit, "VISITS"),
            self._add(Counter.VISITS, shard, ALL_TIME),
            self._add(Counter.VISITS_BY_DAY, shard, visit.day),
            self._add(Counter.VISITS_BY_MONTH, shard, visit.month),
            *self._pageview_counters(visit, shard=shard),
        ]
        for dimension, name in visit.traits.counted_under():
            steps.append(self._count(visit, dimension, name, shard=shard, progress=progress))
        return steps + self._page_steps(visit, shard=shard, progress=progress)

    def _pageview(self, visit: Visit, *, shard: int, progress: _Progress) -> list[Step]:
        return [
            self._another_pageview(visit),
            *self._pageview_counters(visit, shard=shard),
            *self._page_steps(visit, shard=shard, progress=progress),
        ]

    def _page_steps(self, visit: Visit, *, shard: int, progress: _Progress) -> list[Step]:
        if visit.page is None:
            return []
        steps = [
            self._count(visit, Dimension.PAGE_VIEWS, visit.page, shard=shard, progress=progress)
        ]
        if progress.new_page:
            digest = hashlib.sha256(visit.page.encode()).hexdigest()[:32]
            seen = self._seen_key(visit.visitor, f"PAGE#{digest}")
            steps.append(self._first_sighting(seen, visit, step=PAGE_SEEN))
            steps.append(
                self._count(
                    visit, Dimension.PAGE_VISITORS, visit.page, shard=shard, progress=progress
                )
            )
        return steps

    def _count(
        self, visit: Visit, dimension: Dimension, name: str, *, shard: int, progress: _Progress
    ) -> Step:
        if dimension in progress.folded:
            name = OTHER
        else:
            name = self._stats.name_for(dimension=dimension, name=name, shard=shard, day=visit.day)
        return self._stats.count(
            dimension=dimension,
            name=name,
            shard=shard,
            day=visit.day,
            kept_until=self._kept_until(visit.day),
        )

    def _pageview_counters(self, visit: Visit, *, shard: int) -> list[Step]:
        return [
            self._add(
                Counter.PAGEVIEWS_BY_DAY, shard, visit.day, kept_until=self._kept_until(visit.day)
            ),
            self._add(
                Counter.PAGEVIEWS_BY_MONTH,
                shard,
                visit.month,
                kept_until=self._kept_until(visit.day),
            ),
        ]

    def _another_pageview(self, visit: Visit) -> Step:
        """+1 on the visitor's pageviews today, refused at the bound: one visitor cannot
        inflate pageviews without limit either."""
        return Step(
            PAGEVIEWS,
            {
                "Update": {
                    "TableName": self._ephemeral_table,
                    "Key": self._seen_key(visit.visitor, "VISIT"),
                    "UpdateExpression": "ADD #views :one",
                    "ConditionExpression": "attribute_exists(#pk) AND #expires > :now"
                    " AND (attribute_not_exists(#views) OR #views < :most)",
                    "ExpressionAttributeNames": {
                        "#pk": PK,
                        "#expires": EXPIRES_AT,
                        "#views": PAGEVIEWS_ATTRIBUTE,
                    },
                    "ExpressionAttributeValues": {
                        ":one": number(1),
                        ":now": number(visit.now),
                        ":most": number(self._pageviews_per_visitor),
                    },
                }
            },
        )

    def record_view(self, *, view: View) -> Outcome:
        content = self._content[view.content_type]
        seen = self._seen_key(view.visitor, f"VIEW#{content.entity}#{view.content_id}")

        def steps() -> list[Step]:
            shard = secrets.randbelow(self._shards)
            return [
                content.published_check(item_id=view.content_id),
                self._first_sighting(seen, view),
                self._within_quota(view, f"VIEWS#{content.entity}#{view.content_id}"),
                self._views.increment(entity=content.entity, item_id=view.content_id),
                self._add(Counter.VIEWS, shard, ALL_TIME),
                self._add(
                    Counter.VIEWS_BY_DAY,
                    shard,
                    view.day,
                    kept_until=self._kept_until(view.day),
                    attribute=view.content_type.value,
                ),
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
        return self.series_of(counter=counter, first=first, last=last, attributes=("count",))[
            "count"
        ]

    def series_of(
        self, *, counter: Counter, first: str, last: str, attributes: tuple[str, ...]
    ) -> dict[str, dict[str, int]]:
        """Each of the items' `attributes` by period (VIEWS#DAY holds one number per content
        type): still one Query per shard, whatever the number of attributes."""
        totals: dict[str, dict[str, int]] = {attribute: {} for attribute in attributes}
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
                for attribute in attributes:
                    if attribute in item:
                        counts = totals[attribute]
                        period = item[SK]["S"]
                        counts[period] = counts.get(period, 0) + int(item[attribute]["N"])
        return totals

    def ranked(self, *, dimension: Dimension, first: str, last: str) -> dict[str, int]:
        """Each key's count of the dimension from day `first` to `last`."""
        return self._stats.totals(dimension=dimension, first=first, last=last)

    def _first_sighting(
        self, seen: Item, event: Visit | View, *, step: str = SEEN, pageviews: int = 0
    ) -> Step:
        sighting = {**seen, EXPIRES_AT: number(event.expires_at), ENTITY_TYPE: text("Sighting")}
        if pageviews:
            sighting[PAGEVIEWS_ATTRIBUTE] = number(pageviews)
        return Step(
            step,
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

    def _add(
        self,
        counter: Counter,
        shard: int,
        period: str,
        *,
        kept_until: int = 0,
        attribute: str = "count",
    ) -> Step:
        names = {"#count": attribute, "#type": ENTITY_TYPE}
        values = {":one": number(1), ":type": text("Counter")}
        expression = "ADD #count :one SET #type = :type"
        if kept_until:
            expression += ", #expires = :expires"
            names["#expires"] = EXPIRES_AT
            values[":expires"] = number(kept_until)
        return Step(
            f"{counter} {period}",
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(counter, shard, period),
                    "UpdateExpression": expression,
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            },
        )

    def _transact(
        self,
        steps: Callable[[], list[Step]],
        *,
        refused: Callable[[Refused], Outcome | None] | None = None,
    ) -> Outcome:
        """Runs the steps; a refused step gives its outcome, named in OUTCOME_IF_REFUSED, unless
        `refused` says to try again (None) with the steps it has changed.

        A transaction that collided with another one on a counter wrote nothing, so it is
        tried again (on a fresh shard) after a jittered pause.
        """
        collisions = refusals = 0
        while collisions < TRANSACT_ATTEMPTS and refusals <= MAX_REFUSALS:
            try:
                write(self._client, steps(), token=uuid.uuid4().hex)
            except Refused as refusal:
                outcome = refused(refusal) if refused else OUTCOME_IF_REFUSED[refusal.step]
                if outcome is not None:
                    return outcome
                refusals += 1
                continue
            except Collided:
                self._clock.sleep(0.01 * 2**collisions * secrets.randbelow(1000) / 1000)
                collisions += 1
                continue
            return Outcome.COUNTED
        raise DependencyUnavailable("Too many concurrent updates; retry shortly")
