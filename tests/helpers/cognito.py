from dataclasses import dataclass

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
