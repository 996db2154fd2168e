from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from moto.cognitoidp.models import cognitoidp_backends

from portfolio_api.devstack.cognito import LocalUserPool

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


@dataclass(frozen=True)
class Account:
    email: str
    password: str


@dataclass(frozen=True)
class UserPoolFixture:
    """A user pool on the session's moto server: the owner, and a reader outside `owner`.

    Shared by the session's tests unless a test asks for `own_user_pool` (tests/conftest.py).
    """

    pool: LocalUserPool
    owner: Account
    reader: Account


def login(api: httpx.Client, account: Account) -> dict[str, Any]:
    """`POST /v1/auth/login` as this account; the whole response body."""
    response = api.post(
        "/v1/auth/login", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(api: httpx.Client, account: Account) -> dict[str, str]:
    """`Authorization` headers carrying a fresh ID token for this account."""
    return bearer(login(api, account)["token"])


def challenge_of(response: httpx.Response) -> dict[str, str]:
    """The `{challenge, session}` of a login's 403, checked to be one the API can finish."""
    assert response.status_code == 403, response.text
    details: dict[str, str] = response.json()["details"]
    assert set(details) == {"challenge", "session"}, details
    return details


def admin_created_user(
    client: "CognitoIdentityProviderClient",
    *,
    pool: LocalUserPool,
    account: Account,
    groups: tuple[str, ...] = (),
) -> str:
    """A user as an administrator makes one: a temporary password to replace at first sign-in.

    Returns its `sub`.
    """
    user = client.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=account.email,
        TemporaryPassword=account.password,
        UserAttributes=[
            {"Name": "email", "Value": account.email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": "New Owner"},
        ],
        MessageAction="SUPPRESS",
    )["User"]
    for group in groups:
        client.admin_add_user_to_group(
            UserPoolId=pool.user_pool_id, Username=account.email, GroupName=group
        )
    attributes = {item["Name"]: item["Value"] for item in user.get("Attributes", [])}
    return attributes["sub"]


def pool_state(pool: LocalUserPool) -> dict[str, Any] | None:
    """What a test could change in a pool of this process's moto server, read from moto itself:
    its users (passwords, status, attributes, MFA, groups), its groups and its sign-outs.

    A sign-out shows as refresh tokens set to None (moto keeps them), so a logout counts too.
    None when the pool is gone: a test under `mock_aws` resets every moto backend in the
    process, the server's included.
    """
    found = [
        backend.user_pools[pool.user_pool_id]
        for regions in cognitoidp_backends.values()
        for backend in regions.values()
        if pool.user_pool_id in backend.user_pools
    ]
    if not found:
        return None
    (state,) = found
    users = {
        name: (
            user.password,
            user.status,
            user.enabled,
            sorted(user.attribute_lookup.items()),
            (user.sms_mfa_enabled, user.software_token_mfa_enabled, user.token_verified),
            user.preferred_mfa_setting,
            sorted(group.group_name for group in user.groups),
        )
        for name, user in state.users.items()
    }
    revoked = sum(1 for token in state.refresh_tokens.values() if token is None)
    return {
        "users": users,
        "groups": sorted(state.groups),
        "mfa": state.mfa_config,
        "sign-outs": revoked,
    }
