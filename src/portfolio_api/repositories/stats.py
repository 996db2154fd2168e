"""A day's visitors by dimension (referrer, UTM tags, page, browser, OS, device, country).

Item: PK `STATS#<dimension>#<shard>`, SK `<YYYY-MM-DD>`; one number attribute per key,
`k:<key>`, moved by `ADD` (it works on top-level attributes only, hence not a map); `keys`, a
string set of an 8-character digest per key, whose size is the item's distinct keys;
`expiresAt`, the day plus the retention (TTL). A key beyond `cap` distinct keys a day is refused
by the step's condition, and the caller counts it under `other` instead: no item grows past
`cap` keys of bounded length, however many a visitor invents. A full item never takes a new
key again that day, so the item a refusal hands back (`learn`) tells this container which
names to send as `other` at once, without one refused transaction per call.
"""

import hashlib
from typing import TYPE_CHECKING

from portfolio_api.models.analytics import Dimension
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
from portfolio_api.repositories.reads import query_items
from portfolio_api.repositories.writes import Step

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import UpdateTypeDef

OTHER = "other"
KEY_PREFIX = "k:"
KEYS = "keys"
STEP_PREFIX = "stats "


def step_dimension(step: str) -> Dimension | None:
    """The dimension a refused step counted, None for any other step."""
    if not step.startswith(STEP_PREFIX):
        return None
    return Dimension(step.removeprefix(STEP_PREFIX))


class DailyStats:
    def __init__(self, *, client: "DynamoDBClient", table_name: str, shards: int, cap: int) -> None:
        self._client = client
        self._table = table_name
        self._shards = shards
        self._cap = cap
        # (PK, SK) of today's full items -> the names they hold. Only ever today's: at most
        # dimensions x shards entries of `cap` short names.
        self._full: dict[tuple[str, str], frozenset[str]] = {}

    @staticmethod
    def _key(dimension: Dimension, shard: int, day: str) -> Item:
        return key(f"STATS#{dimension}#{shard}", day)

    def count(
        self, *, dimension: Dimension, name: str, shard: int, day: str, kept_until: int
    ) -> Step:
        """+1 for `name` today; `other` is never refused, any other new name past the cap is."""
        names = {"#key": KEY_PREFIX + name, "#type": ENTITY_TYPE}
        values = {":one": number(1), ":type": text("DailyStats")}
        adds, sets = ["#key :one"], ["#type = :type"]
        if kept_until:
            sets.append("#expires = :expires")
            names["#expires"] = EXPIRES_AT
            values[":expires"] = number(kept_until)
        update: UpdateTypeDef = {
            "TableName": self._table,
            "Key": self._key(dimension, shard, day),
            "UpdateExpression": "",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if name != OTHER:
            adds.append("#keys :tag")
            names["#keys"] = KEYS
            values[":tag"] = {"SS": [_tag(name)]}
            values[":cap"] = number(self._cap)
            update["ConditionExpression"] = (
                "attribute_exists(#key) OR attribute_not_exists(#keys) OR size(#keys) < :cap"
            )
        update["UpdateExpression"] = f"ADD {', '.join(adds)} SET {', '.join(sets)}"
        return Step(STEP_PREFIX + dimension, {"Update": update})

    def name_for(self, *, dimension: Dimension, name: str, shard: int, day: str) -> str:
        """`name`, or `other` where the item is known to be full without it."""
        item = self._key(dimension, shard, day)
        held = self._full.get((item[PK]["S"], item[SK]["S"]))
        return OTHER if held is not None and name not in held else name

    def learn(self, *, full: Item | None) -> None:
        """Remembers the names a full item holds (the item a refused step handed back)."""
        if full is None or PK not in full or SK not in full:
            return
        day = full[SK].get("S", "")
        names = frozenset(a.removeprefix(KEY_PREFIX) for a in full if a.startswith(KEY_PREFIX))
        kept = {slot: held for slot, held in self._full.items() if slot[1] == day}
        kept[(full[PK].get("S", ""), day)] = names
        self._full = kept

    def totals(self, *, dimension: Dimension, first: str, last: str) -> dict[str, int]:
        """Each key's count from day `first` to `last` (inclusive): one Query per shard."""
        totals: dict[str, int] = {}
        for shard in range(self._shards):
            for item in self._days(dimension, shard, first, last):
                for attribute, value in item.items():
                    if attribute.startswith(KEY_PREFIX) and "N" in value:
                        name = attribute.removeprefix(KEY_PREFIX)
                        totals[name] = totals.get(name, 0) + int(value["N"])
        return totals

    def _days(self, dimension: Dimension, shard: int, first: str, last: str) -> list[Item]:
        return list(
            query_items(
                self._client,
                {
                    "TableName": self._table,
                    "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :first AND :last",
                    "ExpressionAttributeNames": {"#pk": PK, "#sk": SK},
                    "ExpressionAttributeValues": {
                        ":pk": self._key(dimension, shard, first)[PK],
                        ":first": text(first),
                        ":last": text(last),
                    },
                },
            )
        )


def _tag(name: str) -> str:
    """Eight hex digits tell 30 keys apart: the set counts keys, it never names them."""
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
