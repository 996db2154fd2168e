"""Sign-in attempts per client and time window, so one client's guessing locks out that client.

Item, in the ephemeral table: PK `SIGNIN#<client hash>`, SK `<window start, epoch seconds>`,
`attempts` (N), `expiresAt` (the window's end: TTL). The client hash is salted with the day's
salt, so no stored value names an address.
"""

from typing import TYPE_CHECKING

from portfolio_api.repositories.attributes import EXPIRES_AT, Item, key, number
from portfolio_api.repositories.writes import Refused, Step, write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ATTEMPTS = "attempts"


class SignInAttempts:
    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(client_hash: str, window_start: int) -> Item:
        return key(f"SIGNIN#{client_hash}", str(window_start))

    def reserve(self, *, client_hash: str, window_start: int, limit: int, expires_at: int) -> bool:
        """Count one more attempt unless `limit` are counted already; False when refused.

        The condition is checked by DynamoDB, so racing attempts never pass the limit together.
        """
        reserve = Step(
            "reserve",
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(client_hash, window_start),
                    "UpdateExpression": "ADD #attempts :one SET #expiresAt = :expiresAt",
                    "ConditionExpression": "attribute_not_exists(#attempts) OR #attempts < :limit",
                    "ExpressionAttributeNames": {"#attempts": ATTEMPTS, "#expiresAt": EXPIRES_AT},
                    "ExpressionAttributeValues": {
                        ":one": number(1),
                        ":limit": number(limit),
                        ":expiresAt": number(expires_at),
                    },
                }
            },
        )
        try:
            write(self._client, [reserve])
        except Refused:
            return False
        return True

    def release(self, *, client_hash: str, window_start: int) -> None:
        """Take back a reserved attempt that did not fail (a sign-in that worked)."""
        release = Step(
            "release",
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(client_hash, window_start),
                    "UpdateExpression": "ADD #attempts :minusOne",
                    "ConditionExpression": "#attempts > :zero",
                    "ExpressionAttributeNames": {"#attempts": ATTEMPTS},
                    "ExpressionAttributeValues": {":minusOne": number(-1), ":zero": number(0)},
                }
            },
        )
        try:
            write(self._client, [release])
        except Refused:
            return  # the window's item lapsed meanwhile (TTL): nothing to take back
