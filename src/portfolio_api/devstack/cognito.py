"""A local Cognito: moto's server, with the user pool, app client, group and owner of production.

moto signs RS256 tokens with one static key and puts the AWS-form issuer in `iss`, but serves
the JWKS itself, at `<endpoint>/<pool-id>/.well-known/jwks.json`.
"""

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

import boto3
from moto.server import ThreadedMotoServer

from portfolio_api.devstack.aws import local_endpoint
from portfolio_api.devstack.processes import Service, free_port

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import PasswordPolicyTypeTypeDef

PASSWORD_POLICY: "PasswordPolicyTypeTypeDef" = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
}


@dataclass(frozen=True, kw_only=True)
class LocalUserPool:
    endpoint_url: str
    region: str
    user_pool_id: str
    client_id: str

    @property
    def jwks_url(self) -> str:
        return f"{self.endpoint_url}/{self.user_pool_id}/.well-known/jwks.json"


class MotoServer(Service):
    """moto in a thread of this process: it goes away with the process, never orphaned."""

    def __init__(self, *, port: int = 0) -> None:
        self.port = port or free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()


def cognito_client(*, endpoint_url: str, region: str) -> "CognitoIdentityProviderClient":
    return boto3.client("cognito-idp", **local_endpoint(endpoint_url=endpoint_url, region=region))


def create_user_pool(
    client: "CognitoIdentityProviderClient", *, name: str, endpoint_url: str, region: str
) -> LocalUserPool:
    """Email as username, admin-created users only, the app client the frontend uses."""
    pool = client.create_user_pool(
        PoolName=name,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Policies={"PasswordPolicy": PASSWORD_POLICY},
    )["UserPool"]
    app_client = client.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=f"{name}-web",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "email_verified", "name"],
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
    )["UserPoolClient"]
    return LocalUserPool(
        endpoint_url=endpoint_url,
        region=region,
        user_pool_id=pool["Id"],
        client_id=app_client["ClientId"],
    )


def create_user(
    client: "CognitoIdentityProviderClient",
    *,
    pool: LocalUserPool,
    email: str,
    password: str,
    name: str,
    groups: tuple[str, ...] = (),
) -> str:
    """A confirmed user with a permanent password; returns its `sub`."""
    # Lowercase, as the API sends every email: moto compares usernames case-sensitively.
    email = email.lower()
    user = client.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": name},
        ],
        MessageAction="SUPPRESS",
    )["User"]
    client.admin_set_user_password(
        UserPoolId=pool.user_pool_id, Username=email, Password=password, Permanent=True
    )
    for group in groups:
        client.admin_add_user_to_group(
            UserPoolId=pool.user_pool_id, Username=email, GroupName=group
        )
    attributes = {attribute["Name"]: attribute["Value"] for attribute in user.get("Attributes", [])}
    return attributes.get("sub") or user["Username"]


def bootstrap_owner_pool(
    *,
    endpoint_url: str,
    region: str,
    owner_email: str,
    owner_password: str,
    owner_name: str,
    owner_group: str,
) -> LocalUserPool:
    client = cognito_client(endpoint_url=endpoint_url, region=region)
    pool = create_user_pool(
        client, name="portfolio-local", endpoint_url=endpoint_url, region=region
    )
    client.create_group(GroupName=owner_group, UserPoolId=pool.user_pool_id)
    create_user(
        client,
        pool=pool,
        email=owner_email,
        password=owner_password,
        name=owner_name,
        groups=(owner_group,),
    )
    return pool
