"""SnapStart, played with fork: one init, two restores, each unique and living in the present.

The init runs with the app's clock at 2001-01-01 (the SnapStart init happens at publish time,
the restores at any later date); every time the app reads goes through that clock (AGENTS.md).
So a day, salt or id captured at init would show 2001 in the restores: they must show today.
"""

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from portfolio_api.core.calendar import day_key
from portfolio_api.core.ids import ID_PATTERN
from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.dynamodb_local import DynamoDBLocal
from tests.helpers.app import REQUIRED_ENVIRONMENT
from tests.helpers.aws import REGION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

SCRIPT = REPO_ROOT / "tests" / "helpers" / "snapshot_and_restore.py"
VISIT = REPO_ROOT / "events" / "post-visitors-track.json"
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def _restored(dynamodb_local: DynamoDBLocal, *, table: str, ephemeral: str) -> list[Any]:
    environment = (
        os.environ
        | REQUIRED_ENVIRONMENT
        | {
            "DYNAMODB_TABLE_NAME": table,
            "DYNAMODB_EPHEMERAL_TABLE_NAME": ephemeral,
            "DYNAMODB_ENDPOINT_URL": dynamodb_local.endpoint_url,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_LAMBDA_FUNCTION_NAME": "snapstart",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(VISIT), "2"],
        env=environment,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reports: list[Any] = json.loads(result.stdout.splitlines()[-1])
    return reports


def _milliseconds(item_id: str) -> int:
    value = 0
    for character in item_id:
        value = value * 32 + _CROCKFORD.index(character)
    return value >> 80


def _salt_days(dynamodb: "DynamoDBClient", ephemeral: str, *days: str) -> set[str]:
    return {
        day
        for day in days
        if "Item"
        in dynamodb.get_item(
            TableName=ephemeral, Key={"PK": {"S": f"SALT#{day}"}, "SK": {"S": "SALT"}}
        )
    }


def test_two_restores_of_one_init_make_distinct_ids_and_read_the_current_day(
    dynamodb_local: DynamoDBLocal,
    dynamodb: "DynamoDBClient",
    table: str,
    ephemeral_table: str,
) -> None:
    # GIVEN one init at 2001-01-01, restored twice now, each serving a visit
    before = datetime.now(UTC)
    first, second = _restored(dynamodb_local, table=table, ephemeral=ephemeral_table)
    after = datetime.now(UTC)
    # THEN both restores served the visit through their own, new clients
    assert first["status"] == second["status"] == 200
    for report in (first, second):
        assert report["new_container"]
        assert report["new_clients"]
    # AND their ids differ, and so do their `random` draws: no state shared from the snapshot
    assert first["id"] != second["id"]
    assert all(re.fullmatch(ID_PATTERN, report["id"]) for report in (first, second))
    assert first["random"] != second["random"]
    # AND each id holds the present time, not the init's
    for report in (first, second):
        assert before.timestamp() * 1000 - 1 <= _milliseconds(report["id"])
        assert _milliseconds(report["id"]) <= after.timestamp() * 1000 + 1
    # AND the visits salted today's hashes: today's salt exists, the init day's does not
    today = {day_key(before.date()), day_key(after.date())}
    assert _salt_days(dynamodb, ephemeral_table, *today)
    assert not _salt_days(dynamodb, ephemeral_table, "2001-01-01", "2000-12-31")
