"""Who is calling, and what Cognito handed out: domain types, not HTTP schemas."""

from dataclasses import dataclass


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
