"""Reads that take more than one call: a Query's pages, a BatchGet's unprocessed keys."""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.repositories.aws import dynamodb_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, "AttributeValueTypeDef"]
BATCH_GET_LIMIT = 100
BATCH_GET_ATTEMPTS = 6


def query_items(client: "DynamoDBClient", request: dict[str, Any]) -> Iterator[Item]:
    """Every item a Query matches, page after page."""
    request = dict(request)
    while True:
        with dynamodb_errors():
            response = client.query(**request)
        yield from response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def batch_get_items(
    client: "DynamoDBClient",
    *,
    table: str,
    keys: list[Item],
    clock: Clock,
    consistent: bool = False,
) -> list[Item]:
    """The items found for these keys, in no order; unprocessed keys are retried with backoff."""
    items: list[Item] = []
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        pending = keys[start : start + BATCH_GET_LIMIT]
        for attempt in range(BATCH_GET_ATTEMPTS):
            with dynamodb_errors():
                response = client.batch_get_item(
                    RequestItems={table: {"Keys": pending, "ConsistentRead": consistent}}
                )
            items.extend(response.get("Responses", {}).get(table, []))
            unprocessed = response.get("UnprocessedKeys", {})
            pending = list(unprocessed[table]["Keys"]) if table in unprocessed else []
            if not pending:
                break
            clock.sleep(0.05 * 2**attempt)
        else:
            raise DependencyUnavailable("The database is busy; retry shortly")
    return items
