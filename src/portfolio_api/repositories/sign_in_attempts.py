"""Sign-in attempts per client and time window, so one client's guessing locks out that client.

Item, in the ephemeral table: PK `SIGNIN#<client hash>`, SK `<window start, epoch seconds>`,
`attempts` (N), `expiresAt` (the window's end: TTL). The client hash is salted with the day's
salt, so no stored value names an address.
"""

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portfolio_api.repositories.aws import dynamodb_errors, error_code
from portfolio_api.repositories.reads import Item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class SignInAttempts:
    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(client_hash: str, window_start: int) -> Item:
        return {"PK": {"S": f"SIGNIN#{client_hash}"}, "SK": {"S": str(window_start)}}

    def reserve(self, *, client_hash: str, window_start: int, limit: int, expires_at: int) -> bool:
        """Count one more attempt unless `limit` are counted already; False when refused.

        The condition is checked by DynamoDB, so racing attempts never pass the limit together.
        """
        try:
            with dynamodb_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(client_hash, window_start),
                    UpdateExpression="ADD #attempts :one SET #expiresAt = :expiresAt",
                    ConditionExpression="attribute_not_exists(#attempts) OR #attempts < :limit",
                    ExpressionAttributeNames={"#attempts": "attempts", "#expiresAt": "expiresAt"},
                    ExpressionAttributeValues={
                        ":one": {"N": "1"},
                        ":limit": {"N": str(limit)},
                        ":expiresAt": {"N": str(expires_at)},
                    },
                )
        except ClientError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def release(self, *, client_hash: str, window_start: int) -> None:
        """Take back a reserved attempt that did not fail (a sign-in that worked)."""
        try:
            with dynamodb_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(client_hash, window_start),
                    UpdateExpression="ADD #attempts :minusOne",
                    ConditionExpression="#attempts > :zero",
                    ExpressionAttributeNames={"#attempts": "attempts"},
                    ExpressionAttributeValues={":minusOne": {"N": "-1"}, ":zero": {"N": "0"}},
                )
        except ClientError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            # The window's item lapsed meanwhile (TTL), so there is nothing to take back.
