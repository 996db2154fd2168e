"""Capacity as DynamoDB reports it: every data call on a client asks for ReturnConsumedCapacity,
and the units of the calls made inside `measure()` are added up."""

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.model import OperationModel

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

READS = frozenset({"GetItem", "Query", "BatchGetItem"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems"})


@dataclass(kw_only=True)
class Usage:
    read_units: float = 0.0
    write_units: float = 0.0
    index_units: float = 0.0  # the part of the above spent on global secondary indexes
    calls: Counter[str] = field(default_factory=Counter)

    def add(self, *, operation: str, consumed: Mapping[str, Any]) -> None:
        units = float(consumed.get("CapacityUnits", 0.0))
        if operation in WRITES:
            self.write_units += units
        else:
            self.read_units += units
        indexes: Mapping[str, Mapping[str, Any]] = consumed.get("GlobalSecondaryIndexes", {})
        self.index_units += sum(
            float(index.get("CapacityUnits", 0.0)) for index in indexes.values()
        )

    def describe_calls(self) -> str:
        return ", ".join(f"{name} x{count}" for name, count in sorted(self.calls.items()))


class CapacityMeter:
    """Installed once on a client; from then on each of its calls reports what it consumed."""

    def __init__(self, client: "DynamoDBClient") -> None:
        self._current: Usage | None = None
        events = client.meta.events
        for operation in READS | WRITES:
            events.register(f"provide-client-params.dynamodb.{operation}", self._ask)
        events.register("after-call.dynamodb", self._count)

    @contextmanager
    def measure(self) -> Iterator[Usage]:
        usage = Usage()
        self._current = usage
        try:
            yield usage
        finally:
            self._current = None

    def _ask(self, params: dict[str, Any], **_: Any) -> None:
        # INDEXES: the total, plus how much of it each index took.
        params["ReturnConsumedCapacity"] = "INDEXES"

    def _count(self, parsed: Mapping[str, Any], model: OperationModel, **_: Any) -> None:
        if self._current is None:
            return
        self._current.calls[model.name] += 1
        consumed = parsed.get("ConsumedCapacity", [])
        for entry in consumed if isinstance(consumed, list) else [consumed]:
            self._current.add(operation=model.name, consumed=entry)


class TransactionCost:
    """What AWS bills the committed transactions of `measure()`: 2 WCU per KB (rounded up) of
    each item written or checked, taken after the write (an ADD or a Put only grows an item).
    DynamoDB Local reports 2 WCU per table and transaction, whatever it writes (a 10-item
    transaction reads 2), so this reads the items back, on a client of its own, and sizes them."""

    def __init__(self, client: "DynamoDBClient", *, reader: "DynamoDBClient") -> None:
        self._reader = reader
        self._pending: list[tuple[str, dict[str, Any]]] = []
        self._keys: list[tuple[str, dict[str, Any]]] | None = None
        client.meta.events.register("provide-client-params.dynamodb.TransactWriteItems", self._keep)
        client.meta.events.register("after-call.dynamodb.TransactWriteItems", self._commit)

    @contextmanager
    def measure(self) -> Iterator[list[int]]:
        """Yields a list that holds, once the block is done, the WCU of each committed one."""
        billed: list[int] = []
        self._keys = []
        try:
            yield billed
        finally:
            billed.append(sum(self._units(table, key) for table, key in self._keys))
            self._keys = None

    def _keep(self, params: dict[str, Any], **_: Any) -> None:
        self._pending = [
            (operation["TableName"], operation["Key"] if "Key" in operation else _key_of(operation))
            for entry in params["TransactItems"]
            for operation in entry.values()
        ]

    def _commit(self, http_response: Any, **_: Any) -> None:
        if self._keys is not None and http_response.status_code == 200:
            self._keys.extend(self._pending)

    def _units(self, table: str, key: dict[str, Any]) -> int:
        item = self._reader.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        return 2 * max(1, -(-item_bytes(item or key) // 1024))


def _key_of(operation: dict[str, Any]) -> dict[str, Any]:
    return {name: operation["Item"][name] for name in ("PK", "SK")}


def item_bytes(item: Mapping[str, Any]) -> int:
    """DynamoDB's item size: each name's UTF-8 bytes plus its value's (a number: one byte per
    two significant digits, plus one)."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: Mapping[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        return -(-len(str(inner).strip("-").replace(".", "").strip("0") or "0") // 2) + 1
    if kind == "B":
        return len(inner)
    if kind in ("SS", "NS"):
        return sum(_value_bytes({kind[0]: element}) for element in inner)
    return 1
