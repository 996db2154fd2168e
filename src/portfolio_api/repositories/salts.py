"""The daily salt of visitor identities: random, one per UTC day, gone after about two days.

Item: PK `SALT#<YYYY-MM-DD>`, SK `SALT`, `salt` (B), `expiresAt`; in the ephemeral table, which
no backup keeps.
"""

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portfolio_api.repositories.aws import dynamodb_errors, error_code
from portfolio_api.repositories.reads import Item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class SaltRepository:
    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(day: str) -> Item:
        return {"PK": {"S": f"SALT#{day}"}, "SK": {"S": "SALT"}}

    def salt_for(self, *, day: str, candidate: bytes, expires_at: int) -> bytes:
        """The day's salt; `candidate` becomes it when this is the day's first request.

        The conditional put settles a race between first requests: the loser reads the winner's.
        """
        stored = self._read(day)
        if stored is not None:
            return stored
        try:
            with dynamodb_errors():
                self._client.put_item(
                    TableName=self._table,
                    Item={
                        **self._key(day),
                        "salt": {"B": candidate},
                        "expiresAt": {"N": str(expires_at)},
                        "entityType": {"S": "Salt"},
                    },
                    ConditionExpression="attribute_not_exists(PK)",
                )
        except ClientError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            winner = self._read(day)
            if winner is None:
                raise
            return winner
        return candidate

    def forget(self, *, day: str) -> None:
        """Delete the day's salt, if it is still there; every hash made with it is dead."""
        with dynamodb_errors():
            self._client.delete_item(TableName=self._table, Key=self._key(day))

    def _read(self, day: str) -> bytes | None:
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table, Key=self._key(day), ConsistentRead=True
            )
        item = response.get("Item")
        return bytes(item["salt"]["B"]) if item else None
