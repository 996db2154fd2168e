"""The daily salt of visitor identities: random, one per UTC day, gone after about two days.

Item: PK `SALT#<YYYY-MM-DD>`, SK `SALT`, `salt` (B), `expiresAt`; in the ephemeral table, which
no backup keeps.
"""

from typing import TYPE_CHECKING

from portfolio_api.repositories.attributes import (
    ENTITY_TYPE,
    EXPIRES_AT,
    PK,
    Item,
    key,
    number,
    text,
)
from portfolio_api.repositories.aws import dynamodb_errors
from portfolio_api.repositories.writes import Refused, Step, write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PutTypeDef


class SaltRepository:
    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    @staticmethod
    def _key(day: str) -> Item:
        return key(f"SALT#{day}", "SALT")

    def salt_for(self, *, day: str, candidate: bytes, expires_at: int) -> bytes:
        """The day's salt; `candidate` becomes it when this is the day's first request.

        The conditional put settles a race between first requests: the loser gets the winner's,
        which DynamoDB hands back with the refusal.
        """
        stored = self._read(day)
        if stored is not None:
            return stored
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": {
                **self._key(day),
                "salt": {"B": candidate},
                EXPIRES_AT: number(expires_at),
                ENTITY_TYPE: text("Salt"),
            },
            "ConditionExpression": f"attribute_not_exists({PK})",
        }
        try:
            write(self._client, [Step("salt", {"Put": put})])
        except Refused as refused:
            if refused.current is None:
                raise
            return bytes(refused.current["salt"]["B"])
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
