"""Who is calling, and what Cognito handed out: domain types, not HTTP schemas."""

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    user_id: str
    username: str
    email: str
    name: str
    is_owner: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenSet:
    id_token: str
    access_token: str
    expires_in: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SignIn:
    principal: Principal
    tokens: TokenSet
    refresh_token: str


class Challenge(StrEnum):
    """The Cognito challenges this API completes; Cognito's names, as the login's 403 gives them."""

    NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"  # noqa: S105  # a step's name, not a secret
    SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"  # noqa: S105


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeAnswer:
    """`answer` is the new password or the TOTP code. Secrets stay out of the repr, hence logs."""

    email: str
    challenge: Challenge
    session: str = field(repr=False)
    answer: str = field(repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class TotpEnrolment:
    """The shared secret of an authenticator app being added, and the same as an otpauth:// URI."""

    secret: str = field(repr=False)
    uri: str = field(repr=False)
