"""Media records on the main table: one partition, sorted by id, so newest first is one Query.

Item: PK `MEDIA`, SK `<mediaId>`. Ids start with their creation time (core/ids.py), so the sort
key orders them by age. One owner writes a few a day: one partition holds far more than that.
"""

from typing import TYPE_CHECKING

from portfolio_api.models.media import MediaRecord, MediaType
from portfolio_api.repositories.attributes import ENTITY_TYPE, PK, SK, Item, key, number, text
from portfolio_api.repositories.aws import dynamodb_errors
from portfolio_api.repositories.reads import query_items
from portfolio_api.repositories.writes import Refused, Step, write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import DeleteTypeDef, PutTypeDef

PARTITION = "MEDIA"
RECORD = "record"


class MediaRecords:
    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(media_id: str) -> Item:
        return key(PARTITION, media_id)

    def get(self, *, media_id: str) -> MediaRecord | None:
        """Strongly consistent: a completion just answered is found by the next request."""
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table, Key=self._key(media_id), ConsistentRead=True
            )
        item = response.get("Item")
        return _record(item) if item else None

    def add(self, *, record: MediaRecord) -> MediaRecord:
        """Record a completed upload once: a second completion gets the first one's record."""
        item: Item = {
            **self._key(record.media_id),
            ENTITY_TYPE: text("Media"),
            "filename": text(record.filename),
            "contentType": text(record.content_type.value),
            "size": number(record.size),
            "createdAt": text(record.created_at),
        }
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": item,
            "ConditionExpression": f"attribute_not_exists({PK})",
        }
        try:
            write(self._client, [Step(RECORD, {"Put": put})])
        except Refused as refused:
            if refused.current is None:
                raise
            return _record(refused.current)
        return record

    def page(self, *, offset: int, limit: int) -> tuple[list[MediaRecord], bool]:
        """The records of one page, newest first, and whether more follow: reads `offset +
        limit + 1` records at most, never the whole partition."""
        items = query_items(
            self._client,
            {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :pk",
                "ExpressionAttributeNames": {"#pk": PK},
                "ExpressionAttributeValues": {":pk": text(PARTITION)},
                "ScanIndexForward": False,
                "ConsistentRead": True,
            },
            most=offset + limit + 1,
        )
        records = [_record(item) for item in items]
        return records[offset : offset + limit], len(records) > offset + limit

    def remove(self, *, media_id: str) -> None:
        """Delete the record; one already gone (a racing delete) is as good."""
        delete: DeleteTypeDef = {
            "TableName": self._table,
            "Key": self._key(media_id),
            "ConditionExpression": f"attribute_exists({PK})",
        }
        try:
            write(self._client, [Step(RECORD, {"Delete": delete})])
        except Refused:
            return


def _record(item: Item) -> MediaRecord:
    return MediaRecord(
        media_id=str(item[SK]["S"]),
        filename=str(item["filename"]["S"]),
        content_type=MediaType(item["contentType"]["S"]),
        size=int(item["size"]["N"]),
        created_at=str(item["createdAt"]["S"]),
    )
