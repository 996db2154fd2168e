"""Each content item's view counter, and the index that ranks a kind's items by views.

Item: PK `VIEWS#<ENTITY>#<id>`, SK `VIEWS`, `contentId`, `views` (N); GSI2PK `VIEWS#<ENTITY>`.
`views` is GSI2's sort key, so the ADD that counts a view also moves the item in the ranking.
"""

from typing import TYPE_CHECKING, Any

from portfolio_api.repositories.aws import dynamodb_errors
from portfolio_api.repositories.reads import Item, query_items

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

RANKING_INDEX = "GSI2"


class ViewCounters:
    """The content repositories delete counters through it; the analytics one counts and ranks."""

    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(entity: str, item_id: str) -> Item:
        return {"PK": {"S": f"VIEWS#{entity}#{item_id}"}, "SK": {"S": "VIEWS"}}

    @staticmethod
    def _ranking_partition(entity: str) -> str:
        return f"VIEWS#{entity}"

    def increment(self, *, entity: str, item_id: str) -> "TransactWriteItemTypeDef":
        return {
            "Update": {
                "TableName": self._table,
                "Key": self._key(entity, item_id),
                "UpdateExpression": "ADD #views :one SET #rank = :rank, #id = :id, #type = :type",
                "ExpressionAttributeNames": {
                    "#views": "views",
                    "#rank": "GSI2PK",
                    "#id": "contentId",
                    "#type": "entityType",
                },
                "ExpressionAttributeValues": {
                    ":one": {"N": "1"},
                    ":rank": {"S": self._ranking_partition(entity)},
                    ":id": {"S": item_id},
                    ":type": {"S": "ViewCounter"},
                },
            }
        }

    def deletions(self, *, entity: str, item_id: str) -> list["TransactWriteItemTypeDef"]:
        """A deleted item's counter goes in the same transaction: no ranking lists it again."""
        return [{"Delete": {"TableName": self._table, "Key": self._key(entity, item_id)}}]

    def views(self, *, entity: str, item_id: str) -> int:
        """Strongly consistent: a count just written is read back."""
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table,
                Key=self._key(entity, item_id),
                ConsistentRead=True,
                ProjectionExpression="#views",
                ExpressionAttributeNames={"#views": "views"},
            )
        item = response.get("Item")
        return int(item["views"]["N"]) if item else 0

    def ranked(self, *, entity: str, limit: int | None = None) -> list[tuple[str, int]]:
        """(id, views) of this kind's counted items, most viewed first: one Query of GSI2."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": RANKING_INDEX,
            "KeyConditionExpression": "#rank = :rank",
            "ExpressionAttributeNames": {"#rank": "GSI2PK"},
            "ExpressionAttributeValues": {":rank": {"S": self._ranking_partition(entity)}},
            "ScanIndexForward": False,
        }
        if limit is not None:
            request["Limit"] = limit
        ranking: list[tuple[str, int]] = []
        for item in query_items(self._client, request):
            ranking.append((item["contentId"]["S"], int(item["views"]["N"])))
            if limit is not None and len(ranking) >= limit:
                break
        return ranking
