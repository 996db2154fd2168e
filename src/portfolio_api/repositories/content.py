"""Posts, projects and certifications on the main table: one item each, listed through GSI1.

Item:  PK `<ENTITY>#<id>`, SK `<ENTITY>`; GSI1PK `<ENTITY>`, GSI1SK `<id>`.
Guard: PK `<PREFIX>#<value>`, SK `<PREFIX>`, the holder's id: one per value of a unique field
       (a post's slug), written and removed in the same transaction as its item.
Generation: PK `GENERATION#<ENTITY>`, SK `GENERATION`: a count of the kind's writes and the time
       of the last, added to in every write's transaction; lists are dated by it. And
       `scheduled:<id>`, the time of each item published for later, set and removed in its
       item's write; the next write of the kind removes those whose time has passed.
The index keys live on the item itself, so one write changes both or neither.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypedDict, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import TypeAdapter
from pydantic.fields import FieldInfo

from portfolio_api.core.clock import Clock, iso_utc
from portfolio_api.core.errors import DomainError, WriteConflict
from portfolio_api.models.conditional import Generation
from portfolio_api.models.content import Status, StoredContent
from portfolio_api.repositories.attributes import (
    CHANGED_AT,
    CONTENT_INDEX,
    CONTENT_INDEX_PK,
    CONTENT_INDEX_SK,
    ENTITY_TYPE,
    GENERATION,
    PK,
    PUBLISHED_TIME,
    SCHEDULED_PREFIX,
    Item,
    key,
    number,
    text,
)
from portfolio_api.repositories.aws import dynamodb_errors
from portfolio_api.repositories.reads import batch_get_items, query_items
from portfolio_api.repositories.writes import Collided, Refused, Step, write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import DeleteTypeDef, PutTypeDef, UpdateTypeDef

ITEM = "item"
PUBLISHED = "published"
BUMP = "bump"  # the step that adds one to the kind's generation; it has no condition
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


@dataclass(frozen=True, slots=True, kw_only=True)
class Unique:
    """A field no two items of a kind share: DynamoDB itself keeps it unique, by guard items."""

    field: str
    prefix: str
    holder: str  # the guard's attribute naming the item that holds the value
    taken: Callable[[], DomainError]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentKind[M: StoredContent]:
    """One kind of content: the prefix of its keys, its stored model, its unique field."""

    entity: str
    model: type[M]
    unique: Unique | None = None


class Dependent(Protocol):
    """Items that belong to a content item and go in its delete (its view counter)."""

    def deletions(self, *, entity: str, item_id: str) -> list[Step]: ...


class ContentRepository[M: StoredContent]:
    def __init__(
        self,
        *,
        client: "DynamoDBClient",
        table_name: str,
        kind: ContentKind[M],
        clock: Clock,
        dependents: Sequence[Dependent] = (),
    ) -> None:
        self._client = client
        self._table = table_name
        self._kind = kind
        self._clock = clock
        self._dependents = tuple(dependents)

    @property
    def entity(self) -> str:
        return self._kind.entity

    @property
    def model(self) -> type[M]:
        return self._kind.model

    def _key(self, item_id: str) -> Item:
        return key(f"{self.entity}#{item_id}", self.entity)

    def _guard_key(self, unique: Unique, value: str) -> Item:
        return key(f"{unique.prefix}#{value}", unique.prefix)

    def _generation_key(self) -> Item:
        return key(f"GENERATION#{self.entity}", "GENERATION")

    def _to_item(self, model: M) -> Item:
        # `publish_at` is the service's note to the owner, never stored.
        values = model.model_dump(mode="json", exclude_none=True, exclude={"publish_at"})
        item = {name: _serializer.serialize(value) for name, value in values.items()}
        index = {CONTENT_INDEX_PK: text(self.entity), CONTENT_INDEX_SK: text(model.id)}
        return {**item, ENTITY_TYPE: text(self.entity.title()), **self._key(model.id), **index}

    def _to_model(self, item: Mapping[str, Any]) -> M:
        return self._kind.model.model_validate(_plain(item))

    @cached_property
    def _indexed_fields(self) -> dict[str, tuple[str, TypeAdapter[Any]]]:
        """Each INDEXED field by its stored name: its model name and a validator of its type."""
        fields = self._kind.model.model_fields
        return {
            fields[name].alias or name: (name, _adapter(fields[name]))
            for name in ("id", *self._kind.model.INDEXED)
        }

    def _to_partial(self, item: Mapping[str, Any]) -> M:
        """The model holding only what GSI1 projects: enough to filter and order a list."""
        values = {
            name: adapter.validate_python(value)
            for stored, value in _plain(item).items()
            if stored in self._indexed_fields
            for name, adapter in [self._indexed_fields[stored]]
        }
        # Pydantic's mypy plugin types model_construct by the bound, StoredContent.
        return cast(M, self._kind.model.model_construct(**values))

    def get(self, *, item_id: str) -> M | None:
        """Strongly consistent: an owner reads back what was just written, ETag included."""
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table, Key=self._key(item_id), ConsistentRead=True
            )
        item = response.get("Item")
        return self._to_model(item) if item else None

    def indexed(self) -> list[M]:
        """Every item of this kind holding its INDEXED fields alone: one Query of GSI1, paged."""
        items = query_items(
            self._client,
            {
                "TableName": self._table,
                "IndexName": CONTENT_INDEX,
                "KeyConditionExpression": "#pk = :pk",
                "ExpressionAttributeNames": {"#pk": CONTENT_INDEX_PK},
                "ExpressionAttributeValues": {":pk": text(self.entity)},
            },
        )
        return [self._to_partial(item) for item in items]

    def generation(self) -> Generation:
        """Strongly consistent, so a list is never dated before a write already answered."""
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table, Key=self._generation_key(), ConsistentRead=True
            )
        item = response.get("Item")
        if not item:
            return Generation(number=0, changed_at=None)
        changed = item.get(CHANGED_AT)
        schedule = sorted(
            (name.removeprefix(SCHEDULED_PREFIX), datetime.fromisoformat(value["S"]))
            for name, value in item.items()
            if name.startswith(SCHEDULED_PREFIX) and "S" in value
        )
        return Generation(
            number=int(item[GENERATION]["N"]),
            changed_at=datetime.fromisoformat(changed["S"]) if changed else None,
            schedule=tuple(schedule),
        )

    def get_many(self, *, ids: Sequence[str]) -> list[M]:
        """The full items, in the order asked; ids deleted since the index was read drop out."""
        keys = [self._key(item_id) for item_id in ids]
        items = batch_get_items(self._client, table=self._table, keys=keys, clock=self._clock)
        found = {model.id: model for model in map(self._to_model, items)}
        return [found[item_id] for item_id in ids if item_id in found]

    def create(self, *, item: M) -> None:
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": self._to_item(item),
            "ConditionExpression": f"attribute_not_exists({PK})",
        }
        steps = [Step(ITEM, {"Put": put}), *self._claims(item, previous=None)]
        self._write([*steps, self._bump(item_id=item.id, release=self._release(item))])

    def replace(self, *, item: M, previous: M) -> None:
        """Write `item` only if the stored version is still `previous`'s."""
        put: PutTypeDef = {"TableName": self._table, "Item": self._to_item(item)}
        steps = [Step(ITEM, {"Put": {**put, **_version_is(previous)}})]
        steps += self._claims(item, previous=previous)
        self._write([*steps, self._bump(item_id=item.id, release=self._release(item))])

    def delete(self, *, item: M) -> None:
        """Delete `item` at its version, with all that belongs to it. Another request's delete
        of the same item means it is done; another request's change is a WriteConflict."""
        delete: DeleteTypeDef = {"TableName": self._table, "Key": self._key(item.id)}
        dependents = [
            step
            for dependent in self._dependents
            for step in dependent.deletions(entity=self.entity, item_id=item.id)
        ]
        steps = [Step(ITEM, {"Delete": {**delete, **_version_is(item)}}), *self._releases(item)]
        try:
            write(self._client, [*steps, *dependents, self._bump(item_id=item.id, release=None)])
        except Refused as refused:
            if refused.step == ITEM and refused.current is None:
                return
            raise self._conflict() from refused
        except Collided as exc:
            raise self._conflict() from exc

    def published_check(self, *, item_id: str) -> Step:
        """A transaction step that holds only while the item exists, is published, and its
        time has come (ISO-8601 texts in one form compare as the times they name)."""
        return Step(
            PUBLISHED,
            {
                "ConditionCheck": {
                    "TableName": self._table,
                    "Key": self._key(item_id),
                    "ConditionExpression": f"attribute_exists({PK}) AND #status = :published "
                    "AND (attribute_not_exists(#time) OR #time <= :now)",
                    "ExpressionAttributeNames": {"#status": "status", "#time": PUBLISHED_TIME},
                    "ExpressionAttributeValues": {
                        ":published": text(Status.PUBLISHED.value),
                        ":now": text(iso_utc(self._clock.now())),
                    },
                }
            },
        )

    def holder_of(self, *, value: str) -> str | None:
        """The id of the item whose unique field is `value` (a strongly consistent read)."""
        unique = self._unique()
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table, Key=self._guard_key(unique, value), ConsistentRead=True
            )
        item = response.get("Item")
        return item[unique.holder]["S"] if item else None

    def taken(self, *, values: Sequence[str]) -> set[str]:
        """Which of these unique values an item holds now (one consistent BatchGet).

        Guards left unread count as taken: the create's transaction has the last word anyway.
        """
        unique = self._unique()
        keys = [self._guard_key(unique, value) for value in values]
        with dynamodb_errors():
            response = self._client.batch_get_item(
                RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}}
            )
        read = response.get("Responses", {}).get(self._table, [])
        unprocessed = response.get("UnprocessedKeys", {})
        unread = list(unprocessed[self._table]["Keys"]) if self._table in unprocessed else []
        held = {str(guard[PK]["S"]) for guard in [*read, *unread]}
        return {value for value in values if self._guard_key(unique, value)[PK]["S"] in held}

    def _release(self, item: M) -> str | None:
        """When `item`, as it is written, goes live, if that is still to come."""
        return item.scheduled_for(now=iso_utc(self._clock.now()))

    def _bump(self, *, item_id: str, release: str | None) -> Step:
        """Adds one to the kind's generation, and keeps its schedule: `item_id`'s time is set
        (`release`) or removed. A write that sets one also prunes the times that have passed,
        so the item holds at most the times pending at the last such write; other writes need
        no read. Two writes bumping at once may collide: the transaction then writes nothing
        (`Collided`) and the service tries again."""
        now = iso_utc(self._clock.now())
        prune = _NO_PRUNING if release is None else self._pruning(item_id=item_id, now=now)
        names = {
            **prune.names,
            "#generation": GENERATION,
            "#changed": CHANGED_AT,
            "#type": ENTITY_TYPE,
            "#item": f"{SCHEDULED_PREFIX}{item_id}",
        }
        values: Item = {
            **prune.values,
            ":one": number(1),
            ":now": text(now),
            ":type": text(f"{self.entity.title()}Generation"),
        }
        sets, removes = ["#changed = :now", "#type = :type"], list(prune.removes)
        if release is None:
            removes.append("#item")
        else:
            sets.append("#item = :release")
            values[":release"] = text(release)
        expression = f"ADD #generation :one SET {', '.join(sets)}"
        if removes:
            expression += f" REMOVE {', '.join(removes)}"
        update: UpdateTypeDef = {
            "TableName": self._table,
            "Key": self._generation_key(),
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if prune.condition:
            update["ConditionExpression"] = prune.condition
        return Step(BUMP, {"Update": update})

    def _pruning(self, *, item_id: str, now: str) -> "_Pruning":
        """The removal of the other items' times that have passed (one read of the generation),
        each only while it still holds the time read: a write that rescheduled one meanwhile
        makes this one a WriteConflict, retried, rather than lose the new time."""
        passed = [
            (other, iso_utc(moment))
            for other, moment in self.generation().schedule
            if other != item_id and iso_utc(moment) <= now
        ]
        names = {
            f"#p{index}": f"{SCHEDULED_PREFIX}{other}" for index, (other, _) in enumerate(passed)
        }
        values: Item = {f":p{index}": text(moment) for index, (_, moment) in enumerate(passed)}
        return _Pruning(
            names=names,
            values=values,
            removes=tuple(names),
            condition=" AND ".join(f"#p{index} = :p{index}" for index in range(len(passed))),
        )

    def _unique(self) -> Unique:
        if self._kind.unique is None:
            raise TypeError(f"{self.entity} has no unique field")
        return self._kind.unique

    def _claims(self, item: M, *, previous: M | None) -> list[Step]:
        """The guard of a new unique value, and the release of the one it replaces."""
        unique = self._kind.unique
        if unique is None:
            return []
        value = str(getattr(item, unique.field))
        if previous is not None and value == str(getattr(previous, unique.field)):
            return []
        guard = {**self._guard_key(unique, value), unique.holder: text(item.id)}
        claim: PutTypeDef = {
            "TableName": self._table,
            "Item": {**guard, ENTITY_TYPE: text(f"{self.entity.title()}{unique.field.title()}")},
            "ConditionExpression": f"attribute_not_exists({PK})",
        }
        return [Step(unique.field, {"Put": claim}), *self._releases(previous)]

    def _releases(self, item: M | None) -> list[Step]:
        unique = self._kind.unique
        if unique is None or item is None:
            return []
        guard = self._guard_key(unique, str(getattr(item, unique.field)))
        return [
            Step(f"release {unique.field}", {"Delete": {"TableName": self._table, "Key": guard}})
        ]

    def _write(self, steps: list[Step]) -> None:
        try:
            write(self._client, steps)
        except Refused as refused:
            unique = self._kind.unique
            if unique is not None and refused.step == unique.field:
                raise unique.taken() from refused
            raise self._conflict() from refused
        except Collided as exc:
            raise self._conflict() from exc

    def _conflict(self) -> WriteConflict:
        return WriteConflict(f"The {self.entity.lower()} changed while it was being written")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Pruning:
    names: dict[str, str]
    values: Item
    removes: tuple[str, ...]
    condition: str


_NO_PRUNING = _Pruning(names={}, values={}, removes=(), condition="")


class _Condition(TypedDict):
    ConditionExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: Item


def _version_is(item: StoredContent) -> _Condition:
    return {
        "ConditionExpression": "#version = :version",
        "ExpressionAttributeNames": {"#version": "version"},
        "ExpressionAttributeValues": {":version": number(item.version)},
    }


def _adapter(field: FieldInfo) -> TypeAdapter[Any]:
    """A validator of one field's type, constraints included, for an item read in part."""
    annotated: Any = (
        Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    )
    return TypeAdapter(annotated)


def _plain(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}
