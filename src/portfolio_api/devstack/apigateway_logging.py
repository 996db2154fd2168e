"""API Gateway's account-level CloudWatch role: `make deploy`'s preflight, outside any stack.

A REST stage writes access logs only once the region's API Gateway account setting names a role
that API Gateway may assume to reach CloudWatch Logs. It is one setting per account and region,
shared by every API in it, so no stack owns it: a stack's `AWS::ApiGateway::Account` made
dev, staging and prod overwrite one another's, and raced IAM's propagation of a new role. The
preflight sets it only when it is unset, never changes one that is set, and its role belongs to
no stack, so deleting an environment's stack breaks no other.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_iam import IAMClient

ROLE_NAME = "portfolio-api-apigateway-cloudwatch"
MANAGED_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "apigateway.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
# A new role reaches API Gateway within seconds, rarely a minute; until then it answers
# BadRequestException ("The role ARN does not have required permissions...").
MAX_WAIT_SECONDS = 120.0
FIRST_DELAY_SECONDS = 2.0
MAX_DELAY_SECONDS = 20.0


class PreflightError(RuntimeError):
    """API Gateway's logging role could not be set; the message says what to do."""


@dataclass(frozen=True, kw_only=True)
class LoggingRole:
    arn: str
    changed: bool  # False: the account already named a role, which was left as it is


def ensure_cloudwatch_role(
    *,
    apigateway: "APIGatewayClient",
    iam: "IAMClient",
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float = MAX_WAIT_SECONDS,
) -> LoggingRole:
    """The role API Gateway logs with in this region: the one already set, or ours."""
    current = apigateway.get_account().get("cloudwatchRoleArn")
    if current:
        return LoggingRole(arn=current, changed=False)
    arn = ensure_role(iam)
    _set_account_role(apigateway, role_arn=arn, sleep=sleep, max_wait=max_wait)
    return LoggingRole(arn=arn, changed=True)


def ensure_role(iam: "IAMClient") -> str:
    """Our role, made once per account (IAM is global) and reused by every region."""
    try:
        arn = iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        arn = _create_role(iam)
    # Idempotent; it also repairs a role that someone stripped of the policy.
    iam.attach_role_policy(RoleName=ROLE_NAME, PolicyArn=MANAGED_POLICY_ARN)
    return arn


def _create_role(iam: "IAMClient") -> str:
    try:
        return iam.create_role(
            RoleName=ROLE_NAME,
            AssumeRolePolicyDocument=TRUST_POLICY,
            Description="Lets API Gateway write this account's API logs to CloudWatch Logs",
        )["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        # Another environment's deploy made it a moment ago.
        return iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"]


def _set_account_role(
    apigateway: "APIGatewayClient",
    *,
    role_arn: str,
    sleep: Callable[[float], None],
    max_wait: float,
) -> None:
    """Two deploys racing here write the same role, so no second read guards the write."""
    delays = backoff_delays(max_wait=max_wait)
    for attempt in range(len(delays) + 1):
        try:
            apigateway.update_account(
                patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role_arn}]
            )
            return
        except apigateway.exceptions.BadRequestException as exc:
            if attempt == len(delays):
                raise PreflightError(
                    f"API Gateway still refuses {role_arn} after {sum(delays):.0f} s "
                    f"({exc}); IAM may be slow today: run make deploy again in a minute"
                ) from exc
            sleep(delays[attempt])


def backoff_delays(*, max_wait: float) -> list[float]:
    """Doubling waits, each at most MAX_DELAY_SECONDS, adding up to at most max_wait."""
    delays: list[float] = []
    delay = FIRST_DELAY_SECONDS
    while sum(delays) + delay <= max_wait:
        delays.append(delay)
        delay = min(delay * 2, MAX_DELAY_SECONDS)
    return delays
