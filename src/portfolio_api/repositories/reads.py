"""Reads that take more than one call: a Query's pages, a BatchGet's unprocessed keys."""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.repositories.attributes import Item
from portfolio_api.repositories.aws import dynamodb_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputPaginateTypeDef

BATCH_GET_LIMIT = 100
BATCH_GET_ATTEMPTS = 6


def query_items(
    client: "DynamoDBClient", request: "QueryInputPaginateTypeDef", *, most: int | None = None
) -> Iterator[Item]:
    """The items a Query matches, page after page (boto3's paginator), `most` of them at most
    (then read in pages of that size: a Query is billed for what it reads, not returns)."""
    paginated: QueryInputPaginateTypeDef = {**request}
    if most is not None:
        paginated["PaginationConfig"] = {"MaxItems": most, "PageSize": most}
    pages = client.get_paginator("query").paginate(**paginated)
    with dynamodb_errors():
        for page in pages:
            yield from page.get("Items", [])


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
