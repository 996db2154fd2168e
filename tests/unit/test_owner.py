"""make owner: the owner in a deployed pool, Cognito's e-mailed temporary password, idempotent.

Cognito is moto's, in-process; the stack's outputs come from botocore's Stubber.
"""

import argparse
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from portfolio_api.devstack import owner
from portfolio_api.devstack.cognito import LocalUserPool, create_user_pool
from portfolio_api.devstack.samconfig import deploy_target, load_samconfig

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

API_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/dev/v1"
# What make owner prints of the first sign-in, on the stack's own URL.
FIRST_SIGN_IN = (
    f"POST {API_URL}/auth/login",
    '"challenge": "NEW_PASSWORD_REQUIRED", "session"',
    f"POST {API_URL}/auth/challenge",
    '"newPassword"',
    f"POST {API_URL}/auth/mfa/totp  {{",
    f"POST {API_URL}/auth/mfa/totp/verify  {{",
)
# Where samconfig.toml deploys dev, so where make owner looks.
REGION = deploy_target(load_samconfig(), environment="dev").region


@pytest.fixture
def cognito() -> Iterator["CognitoIdentityProviderClient"]:
    with mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def pool(cognito: "CognitoIdentityProviderClient") -> LocalUserPool:
    """A pool as the stack makes it: e-mail usernames, admin-created users, the owner group."""
    pool = create_user_pool(cognito, name="portfolio-dev", endpoint_url="", region=REGION)
    cognito.create_group(GroupName=owner.OWNER_GROUP, UserPoolId=pool.user_pool_id)
    return pool


def _user(
    cognito: "CognitoIdentityProviderClient", *, pool: LocalUserPool, email: str
) -> dict[str, str]:
    found = cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=email)
    attributes = {item["Name"]: item.get("Value", "") for item in found["UserAttributes"]}
    return attributes | {"status": found.get("UserStatus", "")}


def _groups(
    cognito: "CognitoIdentityProviderClient", *, pool: LocalUserPool, email: str
) -> list[str]:
    listed = cognito.admin_list_groups_for_user(UserPoolId=pool.user_pool_id, Username=email)
    return [group.get("GroupName", "") for group in listed["Groups"]]


def test_the_owner_is_created_with_an_emailed_password_and_put_in_the_group(
    cognito: "CognitoIdentityProviderClient", pool: LocalUserPool
) -> None:
    # GIVEN an address typed with capitals and spaces
    email = owner.normalized_email("  Ada@Example.COM ")
    # WHEN the owner is created
    result = owner.ensure_owner(cognito, pool_id=pool.user_pool_id, email=email, name="Ada")
    # THEN the user is lower-case, verified, named, waiting to change Cognito's temporary password
    assert (result.email, result.created) == ("ada@example.com", True)
    user = _user(cognito, pool=pool, email="ada@example.com")
    assert (user["email"], user["email_verified"], user["name"]) == (
        "ada@example.com",
        "true",
        "Ada",
    )
    assert user["status"] == "FORCE_CHANGE_PASSWORD"
    # AND the owner group holds it
    assert _groups(cognito, pool=pool, email="ada@example.com") == ["owner"]


def test_an_existing_user_is_left_as_is_and_only_added_to_the_group(
    cognito: "CognitoIdentityProviderClient", pool: LocalUserPool
) -> None:
    # GIVEN a user who already signed in once, outside the owner group
    cognito.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username="ada@example.com",
        UserAttributes=[
            {"Name": "email", "Value": "ada@example.com"},
            {"Name": "name", "Value": "A"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool.user_pool_id,
        Username="ada@example.com",
        Password="Ada-Passw0rd!-long",
        Permanent=True,
    )
    # WHEN make owner runs for them, twice
    for _ in range(2):
        result = owner.ensure_owner(
            cognito, pool_id=pool.user_pool_id, email="ada@example.com", name="Other Name"
        )
        # THEN the user is untouched, and in the group
        assert result.created is False
    user = _user(cognito, pool=pool, email="ada@example.com")
    assert (user["name"], user["status"]) == ("A", "CONFIRMED")
    assert _groups(cognito, pool=pool, email="ada@example.com") == ["owner"]


@pytest.mark.parametrize("raw", ["", "ada", "ada@example", "a da@example.com"])
def test_what_is_no_email_is_refused(raw: str) -> None:
    # GIVEN something that is no e-mail address, WHEN normalized, THEN refused with the usage
    with pytest.raises(owner.OwnerError, match="make owner EMAIL="):
        owner.normalized_email(raw)


def _outputs_stub(session: boto3.Session, *, outputs: dict[str, str]) -> Stubber:
    client = session.client("cloudformation", region_name=REGION)
    stubber = Stubber(client)
    stack = {
        "StackName": "portfolio-api-dev",
        "CreationTime": "2026-01-01T00:00:00Z",
        "StackStatus": "CREATE_COMPLETE",
        "Outputs": [{"OutputKey": key, "OutputValue": value} for key, value in outputs.items()],
    }
    stubber.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": "portfolio-api-dev"})
    return stubber


class StubbedSession(boto3.Session):
    """Hands out the stubbed CloudFormation client; every other client is moto's."""

    def __init__(self, cloudformation: object) -> None:
        super().__init__(region_name=REGION)
        self._cloudformation = cloudformation

    def client(self, service_name: str, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        if service_name == "cloudformation":
            return self._cloudformation
        return super().client(service_name, *args, **kwargs)  # type: ignore[call-overload]


def test_make_owner_finds_the_pool_in_the_stack_and_says_how_to_sign_in(
    cognito: "CognitoIdentityProviderClient",
    pool: LocalUserPool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="devstack")
    # GIVEN dev's stack, whose outputs name the pool and the API
    session = boto3.Session(region_name=REGION)
    stubber = _outputs_stub(session, outputs={"UserPoolId": pool.user_pool_id, "ApiUrl": API_URL})
    args = argparse.Namespace(env="dev", name="Ada", pool_id="")
    # WHEN make owner EMAIL=Ada@example.com runs
    with stubber:
        owner.create_owner(
            config=load_samconfig(),
            args=args,
            email=owner.normalized_email("Ada@example.com"),
            session=StubbedSession(stubber.client),
        )
        stubber.assert_no_pending_responses()
    # THEN the owner is in that pool and group
    assert _groups(cognito, pool=pool, email="ada@example.com") == ["owner"]
    # AND the first sign-in is spelt out on that API, with no password anywhere
    for step in FIRST_SIGN_IN:
        assert step in caplog.text
    assert "Passw0rd" not in caplog.text


def test_pool_id_skips_the_stack_and_gives_the_region(pool: LocalUserPool) -> None:
    # GIVEN POOL_ID=
    # WHEN the pool is located
    where = owner.locate_pool(
        config=load_samconfig(),
        environment="dev",
        pool_id=pool.user_pool_id,
        session=StubbedSession(object()),
    )
    # THEN no stack is read, and the region is the id's prefix
    assert (where.pool_id, where.region) == (pool.user_pool_id, REGION)


def test_a_missing_stack_says_to_deploy_first() -> None:
    # GIVEN no stack of that name
    session = boto3.Session(region_name=REGION)
    client = session.client("cloudformation", region_name=REGION)
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "describe_stacks",
            service_error_code="ValidationError",
            service_message="Stack with id portfolio-api-dev does not exist",
        )
        # WHEN its outputs are read THEN the error says what to do
        with pytest.raises(owner.OwnerError, match="make deploy, or give the pool's id"):
            owner.stack_outputs(client, stack_name="portfolio-api-dev")
