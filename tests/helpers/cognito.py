from dataclasses import dataclass
from typing import Any

import httpx

from portfolio_api.devstack.cognito import LocalUserPool


@dataclass(frozen=True)
class Account:
    email: str
    password: str


@dataclass(frozen=True)
class UserPoolFixture:
    """A fresh user pool on the session's moto server: the owner, and a reader outside `owner`."""

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
