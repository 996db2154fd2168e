"""Whether the table answers: one GetItem of a key that never exists (0.5 RCU)."""

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from portfolio_api.core.logging import logger
from portfolio_api.repositories.attributes import PK, key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class TableProbe:
    def __init__(self, *, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    def table_answers(self) -> bool:
        try:
            self._client.get_item(
                TableName=self._table,
                Key=key("HEALTH", "PROBE"),
                ProjectionExpression=PK,
            )
        except (BotoCoreError, ClientError):
            logger.warning("health probe: the table did not answer", exc_info=True)
            return False
        return True
