"""Per-user token revocation: ID tokens issued at or before `revokedAt` are refused."""

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portfolio_api.repositories.aws import dynamodb_errors, error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


class SessionRepository:
    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(user_id: str) -> dict[str, "AttributeValueTypeDef"]:
        return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "REVOCATION"}}

    def revoke_tokens_issued_until(self, *, user_id: str, revoked_at: int, expires_at: int) -> None:
        """Store the cut-off. It only moves forward, so racing logouts keep the latest one."""
        with dynamodb_errors():
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(user_id),
                    UpdateExpression=(
                        "SET #revokedAt = :revokedAt, #expiresAt = :expiresAt, #type = :type"
                    ),
                    ConditionExpression=(
                        "attribute_not_exists(#revokedAt) OR #revokedAt < :revokedAt"
                    ),
                    ExpressionAttributeNames={
                        "#revokedAt": "revokedAt",
                        "#expiresAt": "expiresAt",
                        "#type": "entityType",
                    },
                    ExpressionAttributeValues={
                        ":revokedAt": {"N": str(revoked_at)},
                        ":expiresAt": {"N": str(expires_at)},
                        ":type": {"S": "Revocation"},
                    },
                )
            except ClientError as exc:
                if error_code(exc) != "ConditionalCheckFailedException":
                    raise
                # A later cut-off is already stored, and it covers this one.

    def revoked_at(self, *, user_id: str) -> int | None:
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table,
                Key=self._key(user_id),
                ConsistentRead=True,
                ProjectionExpression="#revokedAt",
                ExpressionAttributeNames={"#revokedAt": "revokedAt"},
            )
        item = response.get("Item")
        return int(item["revokedAt"]["N"]) if item else None
