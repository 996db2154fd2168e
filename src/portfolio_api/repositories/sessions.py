"""Per-user token revocation: ID tokens issued at or before `revokedAt` are refused."""

from typing import TYPE_CHECKING

from portfolio_api.repositories.attributes import ENTITY_TYPE, EXPIRES_AT, Item, key, number, text
from portfolio_api.repositories.aws import dynamodb_errors
from portfolio_api.repositories.writes import Refused, Step, write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REVOKED_AT = "revokedAt"


class SessionRepository:
    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(user_id: str) -> Item:
        return key(f"USER#{user_id}", "REVOCATION")

    def revoke_tokens_issued_until(self, *, user_id: str, revoked_at: int, expires_at: int) -> None:
        """Store the cut-off. It only moves forward, so racing logouts keep the latest one."""
        update: Step = Step(
            "revocation",
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(user_id),
                    "UpdateExpression": "SET #revokedAt = :revokedAt, #expiresAt = :expiresAt, "
                    "#type = :type",
                    "ConditionExpression": "attribute_not_exists(#revokedAt) "
                    "OR #revokedAt < :revokedAt",
                    "ExpressionAttributeNames": {
                        "#revokedAt": REVOKED_AT,
                        "#expiresAt": EXPIRES_AT,
                        "#type": ENTITY_TYPE,
                    },
                    "ExpressionAttributeValues": {
                        ":revokedAt": number(revoked_at),
                        ":expiresAt": number(expires_at),
                        ":type": text("Revocation"),
                    },
                }
            },
        )
        try:
            write(self._client, [update])
        except Refused:
            return  # a later cut-off is stored already, and it covers this one

    def revoked_at(self, *, user_id: str) -> int | None:
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table,
                Key=self._key(user_id),
                ConsistentRead=True,
                ProjectionExpression="#revokedAt",
                ExpressionAttributeNames={"#revokedAt": REVOKED_AT},
            )
        item = response.get("Item")
        return int(item[REVOKED_AT]["N"]) if item else None
