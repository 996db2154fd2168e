"""boto3 clients for tests, and the guard that fails any Scan, whoever issues it."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest
from botocore.client import BaseClient

from portfolio_api.devstack.dynamodb_local import local_dynamodb_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REGION = "eu-west-1"


class Backend(NamedTuple):
    """A DynamoDB endpoint with both of the template's tables on it."""

    client: "DynamoDBClient"
    table: str
    ephemeral: str


class ScanAttempted(AssertionError):
    """Every access pattern must be a Get, Query, BatchGet or transaction."""


def dynamodb_client(endpoint_url: str) -> "DynamoDBClient":
    return local_dynamodb_client(endpoint_url=endpoint_url, region=REGION)


@contextmanager
def scans_forbidden() -> Iterator[None]:
    """Patches the one method every boto3 client call goes through, the app's clients included."""
    original = BaseClient.__dict__["_make_api_call"]

    def guarded(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        if operation_name == "Scan":
            raise ScanAttempted(f"Scan of {api_params.get('TableName')!r} attempted")
        return original(self, operation_name, api_params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseClient, "_make_api_call", guarded)
        yield


def transaction_collided() -> dict[str, Any]:
    """Stubber's arguments for DynamoDB cancelling a transaction: another one held an item."""
    return {
        "service_error_code": "TransactionCanceledException",
        "service_message": "Transaction cancelled",
        "http_status_code": 400,
        "service_error_meta": {"Code": "TransactionCanceledException"},
        "modeled_fields": {
            "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}],
        },
    }
