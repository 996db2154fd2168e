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
