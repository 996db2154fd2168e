"""Posts, projects and certifications on the single table: one item each, listed through GSI1.

Item:  PK `<ENTITY>#<id>`, SK `<ENTITY>`; GSI1PK `<ENTITY>`, GSI1SK `<id>`.
The index keys live on the item itself, so one write changes both or neither.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import DomainError, WriteConflict
from portfolio_api.models.content import ContentSummary, Status, StoredContent
from portfolio_api.repositories.aws import cancellation_codes, dynamodb_errors, error_code
from portfolio_api.repositories.reads import Item, batch_get_items, query_items

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        TransactWriteItemTypeDef,
    )

INDEX_NAME = "GSI1"
VERSION_IS = "#version = :version"
VERSION_NAMES = {"#version": "version"}

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_attributes(values: Mapping[str, Any]) -> Item:
    return {name: _serializer.serialize(value) for name, value in values.items()}


def from_attributes(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


@dataclass(frozen=True, slots=True)
class ContentKind[M: StoredContent, S: ContentSummary]:
    """One kind of content: the prefix of its keys, its stored model, its index projection."""

    entity: str
    model: type[M]
    summary: type[S]


class Dependent(Protocol):
    """Items that belong to a content item and go when it goes (its view counter)."""

    def deletions(self, *, entity: str, item_id: str) -> list["TransactWriteItemTypeDef"]: ...


class ContentRepository[M: StoredContent, S: ContentSummary]:
    def __init__(
        self,
        *,
        client: "DynamoDBClient",
        table_name: str,
        kind: ContentKind[M, S],
        clock: Clock,
        dependents: Sequence[Dependent] = (),
    ) -> None:
        self._client = client
        self._dependents = tuple(dependents)
        self._table = table_name
        self._entity = kind.entity
        self._model = kind.model
        self._summary = kind.summary
        self._clock = clock

    @property
    def model(self) -> type[M]:
        return self._model

    @property
    def entity(self) -> str:
        return self._entity

    def _key(self, item_id: str) -> Item:
        return {"PK": {"S": f"{self._entity}#{item_id}"}, "SK": {"S": self._entity}}

    def _index_key(self, item_id: str) -> Item:
        return {"GSI1PK": {"S": self._entity}, "GSI1SK": {"S": item_id}}

    def _to_item(self, model: M) -> Item:
        values = to_attributes(model.model_dump(mode="json", exclude_none=True))
        kind: Item = {"entityType": {"S": self._entity.title()}}
        return {**values, **kind, **self._key(model.id), **self._index_key(model.id)}

    def _to_model(self, item: Mapping[str, Any]) -> M:
        return self._model.model_validate(from_attributes(item))

    def get(self, *, item_id: str) -> M | None:
        """Strongly consistent: an owner reads back what was just written, ETag included."""
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table, Key=self._key(item_id), ConsistentRead=True
            )
        item = response.get("Item")
        return self._to_model(item) if item else None

    def summaries(self) -> list[S]:
        """Every item of this entity, as the small projection GSI1 holds (one Query, paged)."""
        request = {
            "TableName": self._table,
            "IndexName": INDEX_NAME,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": "GSI1PK"},
            "ExpressionAttributeValues": {":pk": {"S": self._entity}},
        }
        return [
            self._summary.model_validate(from_attributes(item))
            for item in query_items(self._client, request)
        ]

    def get_many(self, *, ids: Sequence[str]) -> list[M]:
        """The full items, in the order asked; ids deleted since the index was read drop out."""
        keys = [self._key(item_id) for item_id in ids]
        items = batch_get_items(self._client, table=self._table, keys=keys, clock=self._clock)
        found = {model.id: model for model in map(self._to_model, items)}
        return [found[item_id] for item_id in ids if item_id in found]

    def create(self, *, item: M) -> None:
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._to_item(item),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        self._write([put, *self._create_extras(item)])

    def replace(self, *, item: M, previous: M) -> None:
        """Write `item` only if the stored version is still `previous`'s."""
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._to_item(item),
                "ConditionExpression": VERSION_IS,
                "ExpressionAttributeNames": VERSION_NAMES,
                "ExpressionAttributeValues": {":version": {"N": str(previous.version)}},
            }
        }
        self._write([put, *self._replace_extras(item, previous)])

    def delete(self, *, item: M) -> None:
        delete: TransactWriteItemTypeDef = {
            "Delete": {
                "TableName": self._table,
                "Key": self._key(item.id),
                "ConditionExpression": VERSION_IS,
                "ExpressionAttributeNames": VERSION_NAMES,
                "ExpressionAttributeValues": {":version": {"N": str(item.version)}},
            }
        }
        dependents = [
            operation
            for dependent in self._dependents
            for operation in dependent.deletions(entity=self._entity, item_id=item.id)
        ]
        self._write([delete, *self._delete_extras(item), *dependents])

    def published_check(self, *, item_id: str) -> "TransactWriteItemTypeDef":
        """A transaction step that holds only while the item exists and is published."""
        return {
            "ConditionCheck": {
                "TableName": self._table,
                "Key": self._key(item_id),
                "ConditionExpression": "attribute_exists(PK) AND #status = :published",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":published": {"S": Status.PUBLISHED.value}},
            }
        }

    def _conflict(self) -> WriteConflict:
        return WriteConflict(f"The {self._entity.lower()} changed while it was being written")

    def _create_extras(self, item: M) -> list["TransactWriteItemTypeDef"]:
        """Items written in the same transaction as a new item (a post's slug guard)."""
        return []

    def _replace_extras(self, item: M, previous: M) -> list["TransactWriteItemTypeDef"]:
        return []

    def _delete_extras(self, item: M) -> list["TransactWriteItemTypeDef"]:
        return []

    def _extra_failed(self) -> DomainError:
        """The error for a failed condition on one of the extra items."""
        return self._conflict()

    def _write(self, operations: list["TransactWriteItemTypeDef"]) -> None:
        """A lone item is a plain conditional write, at half a transaction's cost."""
        with dynamodb_errors():
            try:
                if len(operations) == 1:
                    self._write_one(operations[0])
                else:
                    self._client.transact_write_items(TransactItems=operations)
            except ClientError as exc:
                failed = _failed_operation(exc)
                if failed is None:
                    raise
                raise self._conflict() if failed == 0 else self._extra_failed() from exc

    def _write_one(self, operation: "TransactWriteItemTypeDef") -> None:
        if "Put" in operation:
            self._client.put_item(**operation["Put"])
        elif "Delete" in operation:
            self._client.delete_item(**operation["Delete"])
        else:
            raise ValueError(f"Unsupported single write: {sorted(operation)}")


def _failed_operation(exc: ClientError) -> int | None:
    """Which write's condition failed (0 for a single write), or None for any other error.

    A transaction that lost a race with another one on the same item counts as the first write
    failing: the caller rereads and tries again.
    """
    if error_code(exc) == "ConditionalCheckFailedException":
        return 0
    codes = cancellation_codes(exc)
    if "ConditionalCheckFailed" in codes:
        return codes.index("ConditionalCheckFailed")
    return 0 if "TransactionConflict" in codes else None
