"""A warm Lambda's reads, apart from the writes: an app of its own on a client whose calls the
test records, and on a clock the test moves past the settling time."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from tests.helpers.clock import FastForwardClock
from tests.helpers.in_process import recorded_calls

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Past the five seconds a page built after a write waits before it stands for its generation.
SETTLED = 6
ONE_GET = ["GetItem"]


@dataclass(frozen=True)
class Reader:
    http: httpx.Client
    client: "DynamoDBClient"
    clock: FastForwardClock

    def settle(self) -> None:
        self.clock.sleep(SETTLED)

    def get(self, path: str, **headers: str) -> tuple[httpx.Response, list[str]]:
        """The answer, and the DynamoDB operations the app made for it."""
        with recorded_calls(self.client) as calls:
            response = self.http.get(path, headers=headers)
        return response, calls.operations
