"""Each content item's view counter, and the index that ranks a kind's items by views.

Item: PK `VIEWS#<ENTITY>#<id>`, SK `VIEWS`, `contentId`, `views` (N); GSI2PK `VIEWS#<ENTITY>`.
`views` is GSI2's sort key, so the ADD that counts a view also moves the item in the ranking.
"""

from typing import TYPE_CHECKING

from portfolio_api.repositories.attributes import (
    ENTITY_TYPE,
    RANKING_INDEX,
    RANKING_INDEX_PK,
    RANKING_INDEX_SK,
    Item,
    key,
    number,
    text,
)
from portfolio_api.repositories.aws import dynamodb_errors
from portfolio_api.repositories.reads import query_items
from portfolio_api.repositories.writes import Step

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import DeleteTypeDef

CONTENT_ID = "contentId"


class ViewCounters:
    """Counted, ranked and read here; deleted with their item by the content repositories."""

    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(entity: str, item_id: str) -> Item:
        return key(f"VIEWS#{entity}#{item_id}", "VIEWS")

    @staticmethod
    def _ranking_partition(entity: str) -> str:
        return f"VIEWS#{entity}"

    def increment(self, *, entity: str, item_id: str) -> Step:
        return Step(
            "views",
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(entity, item_id),
                    "UpdateExpression": "ADD #views :one "
                    "SET #rank = :rank, #id = :id, #type = :type",
                    "ExpressionAttributeNames": {
                        "#views": RANKING_INDEX_SK,
                        "#rank": RANKING_INDEX_PK,
                        "#id": CONTENT_ID,
                        "#type": ENTITY_TYPE,
                    },
                    "ExpressionAttributeValues": {
                        ":one": number(1),
                        ":rank": text(self._ranking_partition(entity)),
                        ":id": text(item_id),
                        ":type": text("ViewCounter"),
                    },
                }
            },
        )

    def deletions(self, *, entity: str, item_id: str) -> list[Step]:
        """A deleted item's counter goes in the same transaction: no ranking lists it again."""
        delete: DeleteTypeDef = {"TableName": self._table, "Key": self._key(entity, item_id)}
        return [Step("view counter", {"Delete": delete})]

    def views(self, *, entity: str, item_id: str) -> int:
        """Strongly consistent: a count just written is read back."""
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table,
                Key=self._key(entity, item_id),
                ConsistentRead=True,
                ProjectionExpression="#views",
                ExpressionAttributeNames={"#views": RANKING_INDEX_SK},
            )
        item = response.get("Item")
        return int(item[RANKING_INDEX_SK]["N"]) if item else 0

    def ranked(self, *, entity: str, limit: int | None = None) -> list[tuple[str, int]]:
        """(id, views) of this kind's counted items, most viewed first: one Query of GSI2."""
        items = query_items(
            self._client,
            {
                "TableName": self._table,
                "IndexName": RANKING_INDEX,
                "KeyConditionExpression": "#rank = :rank",
                "ExpressionAttributeNames": {"#rank": RANKING_INDEX_PK},
                "ExpressionAttributeValues": {":rank": text(self._ranking_partition(entity))},
                "ScanIndexForward": False,
            },
            most=limit,
        )
        return [(item[CONTENT_ID]["S"], int(item[RANKING_INDEX_SK]["N"])) for item in items]
