"""Conditional writes, one idiom for every repository: named steps, and a refusal naming one.

One step is a plain conditional write, at half a transaction's cost; several are one
`TransactWriteItems`. Each step with a condition asks DynamoDB for its item as it stood when the
condition failed (`ReturnValuesOnConditionCheckFailure`), so a caller tells "gone" from
"changed" without reading it again, and reacts to a step by its name, never its position.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from botocore.exceptions import ClientError

from portfolio_api.repositories.attributes import Item
from portfolio_api.repositories.aws import dynamodb_errors, error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# A cancelled transaction that wrote nothing and may be sent again as it was.
_RETRYABLE = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


@dataclass(frozen=True, slots=True)
class Step:
    """One write of a transaction (`Put`, `Update`, `Delete` or `ConditionCheck`), named."""

    name: str
    write: "TransactWriteItemTypeDef"


class Refused(Exception):
    """The condition of step `step` failed; `current` is its item then (None: there was none)."""

    def __init__(self, *, step: str, current: Item | None) -> None:
        super().__init__(f"the condition of step {step!r} failed")
        self.step = step
        self.current = current


class Collided(Exception):
    """The transaction met another on the same items, or was throttled: it wrote nothing."""


def write(client: "DynamoDBClient", steps: Sequence[Step], *, token: str | None = None) -> None:
    """Write `steps` all or none; `token` makes retries of one transaction idempotent."""
    with dynamodb_errors():
        if len(steps) == 1:
            _write_one(client, steps[0])
        else:
            _transact(client, steps, token=token)


def _asking_for_current(step: Step) -> "TransactWriteItemTypeDef":
    for kind in ("Put", "Update", "Delete"):
        operation = step.write.get(kind)
        if isinstance(operation, dict) and "ConditionExpression" in operation:
            asking = {**operation, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
            return cast("TransactWriteItemTypeDef", {kind: asking})
    return step.write


def _item(value: object) -> Item | None:
    return cast(Item, value) if isinstance(value, dict) else None


def _write_one(client: "DynamoDBClient", step: Step) -> None:
    write = _asking_for_current(step)
    try:
        if "Put" in write:
            client.put_item(**write["Put"])
        elif "Update" in write:
            client.update_item(**write["Update"])
        elif "Delete" in write:
            client.delete_item(**write["Delete"])
        else:
            raise ValueError(f"a lone step must write, not {sorted(write)}")
    except ClientError as exc:
        if error_code(exc) != "ConditionalCheckFailedException":
            raise
        current = _item(cast(dict[str, object], exc.response).get("Item"))
        raise Refused(step=step.name, current=current) from exc


def _transact(client: "DynamoDBClient", steps: Sequence[Step], *, token: str | None) -> None:
    request = [_asking_for_current(step) for step in steps]
    try:
        if token is None:
            client.transact_write_items(TransactItems=request)
        else:
            client.transact_write_items(TransactItems=request, ClientRequestToken=token)
    except ClientError as exc:
        if error_code(exc) == "TransactionInProgressException":
            raise Collided from exc
        if error_code(exc) != "TransactionCanceledException":
            raise
        reasons = exc.response.get("CancellationReasons", [])
        for step, reason in zip(steps, reasons, strict=False):
            if reason.get("Code") == "ConditionalCheckFailed":
                raise Refused(step=step.name, current=_item(reason.get("Item"))) from exc
        if _RETRYABLE.intersection(str(reason.get("Code")) for reason in reasons):
            raise Collided from exc
        raise
