"""Each content item's preview link: at most one live, kept by its token's digest alone.

Item: PK `PREVIEW#<ENTITY>#<id>`, SK `PREVIEW`, `tokenDigest` (SHA-256 hex), `expiresAt`
(epoch seconds: TTL cleans up; reads compare it with the clock), `createdAt`.
"""

from typing import TYPE_CHECKING

from portfolio_api.models.previews import PreviewRecord
from portfolio_api.repositories.attributes import (
    ENTITY_TYPE,
    EXPIRES_AT,
    Item,
    key,
    number,
    text,
)
from portfolio_api.repositories.aws import dynamodb_errors
from portfolio_api.repositories.writes import Step

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import DeleteTypeDef

DIGEST = "tokenDigest"
CREATED_AT = "createdAt"


class PreviewLinks:
    """Written, read and revoked here; deleted with their item by the content repositories."""

    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(entity: str, item_id: str) -> Item:
        return key(f"PREVIEW#{entity}#{item_id}", "PREVIEW")

    def put(self, *, entity: str, item_id: str, record: PreviewRecord, created_at: str) -> None:
        """Replaces the item's link, if it had one: its old token dies with this write."""
        item = {
            **self._key(entity, item_id),
            ENTITY_TYPE: text("PreviewLink"),
            DIGEST: text(record.token_digest),
            EXPIRES_AT: number(record.expires_at),
            CREATED_AT: text(created_at),
        }
        with dynamodb_errors():
            self._client.put_item(TableName=self._table, Item=item)

    def get(self, *, entity: str, item_id: str) -> PreviewRecord | None:
        """Strongly consistent: a link revoked or replaced a moment ago no longer reads."""
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table,
                Key=self._key(entity, item_id),
                ConsistentRead=True,
                ProjectionExpression="#digest, #expires",
                ExpressionAttributeNames={"#digest": DIGEST, "#expires": EXPIRES_AT},
            )
        item = response.get("Item")
        if not item:
            return None
        return PreviewRecord(token_digest=item[DIGEST]["S"], expires_at=int(item[EXPIRES_AT]["N"]))

    def revoke(self, *, entity: str, item_id: str) -> None:
        """Idempotent: no link left is what was asked, whether or not there was one."""
        with dynamodb_errors():
            self._client.delete_item(TableName=self._table, Key=self._key(entity, item_id))

    def deletions(self, *, entity: str, item_id: str) -> list[Step]:
        """A deleted item's link goes in its delete's transaction: no token outlives it."""
        delete: DeleteTypeDef = {"TableName": self._table, "Key": self._key(entity, item_id)}
        return [Step("preview link", {"Delete": delete})]
