"""`make owner`: the site's owner in a deployed user pool, signed in for the first time by e-mail.

python -m portfolio_api.devstack.owner --env dev --email you@example.com [--name ..] [--pool-id ..]

Cognito e-mails the user a temporary password: none is chosen, printed or passed on a command
line here. An existing user is left as it is and only (re)added to the owner group.
"""

import argparse
import json
import logging
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from portfolio_api.devstack.aws import NoCredentialsError, session_with_credentials
from portfolio_api.devstack.samconfig import (
    SAMCONFIG,
    SamConfigError,
    deploy_target,
    load_samconfig,
)

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

logger = logging.getLogger("devstack")

OWNER_GROUP = "owner"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Where a deployed stack says its API is: the custom domain when it has one.
API_URL_OUTPUTS = ("CustomDomainUrl", "ApiUrl")
UNKNOWN_API = "<the stack's ApiUrl or CustomDomainUrl output>"


class OwnerError(RuntimeError):
    """The owner cannot be created; the message says what to give or fix."""


@dataclass(frozen=True, kw_only=True)
class OwnerResult:
    email: str
    pool_id: str
    created: bool  # False: the user existed and was left as it is


def normalized_email(raw: str) -> str:
    """Cognito's usernames are case-insensitive in this pool; store them one way."""
    email = raw.strip().lower()
    if not EMAIL.fullmatch(email):
        raise OwnerError(f"{raw!r} is no e-mail address: make owner EMAIL=you@example.com")
    return email


def stack_outputs(cloudformation: "CloudFormationClient", *, stack_name: str) -> dict[str, str]:
    try:
        (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        raise OwnerError(
            f"stack {stack_name} cannot be read ({exc}): deploy it first with make deploy, "
            "or give the pool's id as POOL_ID="
        ) from exc
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def ensure_owner(
    cognito: "CognitoIdentityProviderClient", *, pool_id: str, email: str, name: str
) -> OwnerResult:
    """Create the user (Cognito e-mails a temporary password), then put it in the owner group."""
    attributes: list[AttributeTypeTypeDef] = [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true"},
    ]
    if name:
        attributes.append({"Name": "name", "Value": name})
    try:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=email,
            UserAttributes=attributes,
            DesiredDeliveryMediums=["EMAIL"],
        )
        created = True
    except cognito.exceptions.UsernameExistsException:
        created = False
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=OWNER_GROUP)
    return OwnerResult(email=email, pool_id=pool_id, created=created)


def first_sign_in(*, email: str, api_url: str) -> str:
    """How the owner signs in the first time, then turns on TOTP MFA (docs/AUTHENTICATION.md)."""
    login = json.dumps({"email": email, "password": "<the temporary password>"})
    challenge = json.dumps(
        {
            "email": email,
            "session": "<details.session>",
            "challenge": "NEW_PASSWORD_REQUIRED",
            "newPassword": "<12+ characters: upper, lower, digit, symbol>",
        }
    )
    enrol = json.dumps({"accessToken": "<accessToken>"})
    verify = json.dumps({"accessToken": "<accessToken>", "code": "<6 digits>"})
    return (
        f"First sign-in, against {api_url}:\n"
        f"  1. POST {api_url}/auth/login  {login}\n"
        '     answers 403 with details: {"challenge": "NEW_PASSWORD_REQUIRED", "session": "..."}\n'
        f"  2. POST {api_url}/auth/challenge  {challenge}\n"
        "     answers 200 with the same body as a login: {user, token, accessToken, ...}\n"
        "  3. TOTP MFA, with Authorization: Bearer <token> from that body:\n"
        f"     POST {api_url}/auth/mfa/totp  {enrol}\n"
        "     answers {secretCode, otpauthUri} for an authenticator app; then\n"
        f"     POST {api_url}/auth/mfa/totp/verify  {verify}\n"
        "     turns it on: later sign-ins answer 403 SOFTWARE_TOKEN_MFA, sent to /auth/challenge\n"
        '     with {"code": "<6 digits>"} instead of newPassword.'
    )


def _report(result: OwnerResult, *, api_url: str) -> None:
    if result.created:
        status = "created; Cognito is e-mailing it a temporary password, valid a few days"
    else:
        status = (
            "already existed and was left as it is. If its temporary password expired:\n"
            f"  aws cognito-idp admin-create-user --user-pool-id {result.pool_id} "
            f"--username {result.email} --message-action RESEND"
        )
    logger.info(
        "\nOwner %s in pool %s: %s. It is in the %s group.\n\n%s\n\n"
        "docs/DEPLOYMENT.md (The owner) has these steps as curl commands.\n",
        result.email,
        result.pool_id,
        status,
        OWNER_GROUP,
        first_sign_in(email=result.email, api_url=api_url),
    )


@dataclass(frozen=True, kw_only=True)
class PoolLocation:
    pool_id: str
    region: str
    api_url: str


def locate_pool(
    *, config: Mapping[str, object], environment: str, pool_id: str, session: boto3.Session
) -> PoolLocation:
    """POOL_ID when given (its region is its prefix), else the stack's UserPoolId output."""
    if pool_id:
        region = pool_id.partition("_")[0]
        return PoolLocation(pool_id=pool_id, region=region, api_url=UNKNOWN_API)
    target = deploy_target(config, environment=environment)
    client = session.client("cloudformation", region_name=target.region)
    outputs = stack_outputs(client, stack_name=target.stack_name)
    if "UserPoolId" not in outputs:
        raise OwnerError(f"stack {target.stack_name} has no UserPoolId output")
    api_url = next((outputs[key] for key in API_URL_OUTPUTS if key in outputs), UNKNOWN_API)
    return PoolLocation(pool_id=outputs["UserPoolId"], region=target.region, api_url=api_url)


def create_owner(
    *,
    config: Mapping[str, object],
    args: argparse.Namespace,
    email: str,
    session: boto3.Session,
) -> None:
    where = locate_pool(
        config=config, environment=args.env, pool_id=args.pool_id.strip(), session=session
    )
    cognito = session.client("cognito-idp", region_name=where.region)
    result = ensure_owner(cognito, pool_id=where.pool_id, email=email, name=args.name.strip())
    _report(result, api_url=where.api_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portfolio_api.devstack.owner")
    parser.add_argument("--env", required=True, help="the samconfig.toml section: dev, ...")
    parser.add_argument("--email", required=True, help="the owner's e-mail, their username")
    parser.add_argument("--name", default="", help="the owner's name attribute")
    parser.add_argument("--pool-id", default="", help="a pool id instead of the stack's output")
    parser.add_argument("--samconfig", type=Path, default=SAMCONFIG)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    try:
        email = normalized_email(args.email)
        config = load_samconfig(args.samconfig)
        session = session_with_credentials()
        create_owner(config=config, args=args, email=email, session=session)
    except (OwnerError, SamConfigError, NoCredentialsError) as exc:
        logger.error("make owner: %s", exc)
        return 1
    except (ClientError, BotoCoreError) as exc:
        logger.error("make owner: AWS refused: %s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
