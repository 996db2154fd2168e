from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from portfolio_api.models.base import RequestSchema, ResponseSchema
from portfolio_api.models.identity import Principal, SignIn, TokenSet

# Lowercased: the user pool's usernames are emails, and `Owner@Example.com` is the same owner.
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=3,
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    ),
]
Role = Literal["owner", "public"]


class LoginRequest(RequestSchema):
    email: Email
    password: Annotated[str, Field(min_length=1, max_length=256)]


class RefreshRequest(RequestSchema):
    refresh_token: Annotated[str, Field(min_length=1, max_length=8192)]


class UserPublic(ResponseSchema):
    id: str
    email: str
    name: str
    role: Role

    @classmethod
    def of(cls, principal: Principal) -> "UserPublic":
        role: Role = "owner" if principal.is_owner else "public"
        return cls(id=principal.user_id, email=principal.email, name=principal.name, role=role)


class RefreshResponse(ResponseSchema):
    token: str = Field(description="The Cognito ID token: send it as `Authorization: Bearer`.")
    access_token: str
    expires_in: int = Field(description="Seconds until `token` expires.")

    @classmethod
    def of(cls, tokens: TokenSet) -> "RefreshResponse":
        return cls(
            token=tokens.id_token, access_token=tokens.access_token, expires_in=tokens.expires_in
        )


class LoginResponse(RefreshResponse):
    user: UserPublic
    refresh_token: str

    @classmethod
    def of_sign_in(cls, sign_in: SignIn) -> "LoginResponse":
        tokens = sign_in.tokens
        return cls(
            user=UserPublic.of(sign_in.principal),
            token=tokens.id_token,
            access_token=tokens.access_token,
            refresh_token=sign_in.refresh_token,
            expires_in=tokens.expires_in,
        )


class MessageResponse(ResponseSchema):
    message: str
