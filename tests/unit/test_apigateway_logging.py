"""make deploy's preflight: API Gateway's CloudWatch role, set once per region, never overwritten.

API Gateway and IAM are moto's, in-process. IAM's propagation delay, which moto does not have, is
botocore's Stubber refusing the role until it "arrives".
"""

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from portfolio_api.devstack.apigateway_logging import (
    MANAGED_POLICY_ARN,
    MAX_DELAY_SECONDS,
    ROLE_NAME,
    PreflightError,
    backoff_delays,
    ensure_cloudwatch_role,
)
from tests.helpers.aws import REGION

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_iam import IAMClient

OTHER_ROLE = "arn:aws:iam::123456789012:role/set-by-someone-else"
PROPAGATING = "The role ARN does not have required permissions set to API Gateway"


@pytest.fixture
def aws() -> Iterator[tuple["APIGatewayClient", "IAMClient"]]:
    # moto leaves AWS's managed policies out unless asked: the role attaches one.
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        yield boto3.client("apigateway", region_name=REGION), boto3.client("iam")


class Sleeps(list[float]):
    """Records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _attached(iam: "IAMClient") -> list[str]:
    policies = iam.list_attached_role_policies(RoleName=ROLE_NAME)["AttachedPolicies"]
    return [policy.get("PolicyArn", "") for policy in policies]


def test_a_fresh_account_gets_our_role(aws: tuple["APIGatewayClient", "IAMClient"]) -> None:
    apigateway, iam = aws
    # GIVEN a region whose API Gateway names no CloudWatch role
    assert "cloudwatchRoleArn" not in apigateway.get_account()
    # WHEN the preflight runs
    role = ensure_cloudwatch_role(apigateway=apigateway, iam=iam, sleep=Sleeps())
    # THEN the account names our role, which API Gateway may assume and push logs with
    assert role.changed is True
    assert apigateway.get_account()["cloudwatchRoleArn"] == role.arn
    created = iam.get_role(RoleName=ROLE_NAME)["Role"]
    assert created["Arn"] == role.arn
    # boto3 hands the trust policy back decoded, whatever its stubs say.
    trust: Any = created.get("AssumeRolePolicyDocument")
    assert trust["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
    assert _attached(iam) == [MANAGED_POLICY_ARN]


def test_an_account_that_has_a_role_is_left_alone(
    aws: tuple["APIGatewayClient", "IAMClient"],
) -> None:
    apigateway, iam = aws
    # GIVEN a region whose API Gateway already names someone else's role
    apigateway.update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": OTHER_ROLE}]
    )
    # WHEN the preflight runs
    role = ensure_cloudwatch_role(apigateway=apigateway, iam=iam, sleep=Sleeps())
    # THEN it changes nothing: the setting stays, and no role of ours is made
    assert (role.arn, role.changed) == (OTHER_ROLE, False)
    assert apigateway.get_account()["cloudwatchRoleArn"] == OTHER_ROLE
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName=ROLE_NAME)


def test_our_role_from_another_region_is_reused(
    aws: tuple["APIGatewayClient", "IAMClient"],
) -> None:
    apigateway, iam = aws
    # GIVEN our role, made by a deploy to another region (IAM is global), policy and all
    existing = iam.create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    iam.attach_role_policy(RoleName=ROLE_NAME, PolicyArn=MANAGED_POLICY_ARN)
    # WHEN the preflight runs in a region with no role set
    role = ensure_cloudwatch_role(apigateway=apigateway, iam=iam, sleep=Sleeps())
    # THEN that role is set, and the policy is attached once
    assert (role.arn, role.changed) == (existing, True)
    assert apigateway.get_account()["cloudwatchRoleArn"] == existing
    assert _attached(iam) == [MANAGED_POLICY_ARN]


def _refusing(apigateway: "APIGatewayClient", *, refusals: int, then_accept: bool) -> Stubber:
    """API Gateway as IAM's propagation makes it: it refuses a new role, then takes it."""
    stubber = Stubber(apigateway)
    stubber.add_response("get_account", {})
    for _ in range(refusals):
        stubber.add_client_error(
            "update_account", service_error_code="BadRequestException", service_message=PROPAGATING
        )
    if then_accept:
        stubber.add_response("update_account", {"cloudwatchRoleArn": "accepted"})
    return stubber


def test_the_role_is_retried_while_iam_propagates(
    aws: tuple["APIGatewayClient", "IAMClient"],
) -> None:
    apigateway, iam = aws
    sleeps = Sleeps()
    # GIVEN API Gateway refusing the new role twice, then accepting it
    with _refusing(apigateway, refusals=2, then_accept=True) as stubber:
        # WHEN the preflight runs
        role = ensure_cloudwatch_role(apigateway=apigateway, iam=iam, sleep=sleeps)
        # THEN it waited twice, longer the second time, and the third attempt went through
        stubber.assert_no_pending_responses()
    assert role.changed is True
    assert sleeps == [2.0, 4.0]


def test_the_wait_for_iam_is_bounded(aws: tuple["APIGatewayClient", "IAMClient"]) -> None:
    apigateway, iam = aws
    sleeps = Sleeps()
    attempts = len(backoff_delays(max_wait=30)) + 1
    # GIVEN API Gateway refusing the role for longer than the preflight waits
    # WHEN the preflight runs with a 30 s bound
    with (
        _refusing(apigateway, refusals=attempts, then_accept=False),
        pytest.raises(PreflightError, match="still refuses") as raised,
    ):
        ensure_cloudwatch_role(apigateway=apigateway, iam=iam, sleep=sleeps, max_wait=30)
    # THEN it gave up once its waits reached the bound, saying what to do
    assert sum(sleeps) <= 30
    assert "make deploy again" in str(raised.value)


def test_backoff_doubles_up_to_a_cap_within_the_bound() -> None:
    # GIVEN the default bound, WHEN the delays are laid out
    delays = backoff_delays(max_wait=120)
    # THEN they double from 2 s, never pass the cap, and add up to at most the bound
    assert delays[:4] == [2.0, 4.0, 8.0, 16.0]
    assert max(delays) == MAX_DELAY_SECONDS
    assert sum(delays) <= 120
