from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from portfolio_api.core.security import MAX_TOKEN_LENGTH
from portfolio_api.models.base import RequestSchema, ResponseSchema
from portfolio_api.models.identity import Challenge, ChallengeAnswer, Principal, SignIn, TokenSet

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
# Cognito's own limits: passwords up to 256 characters, sessions of 20 to 2048.
Password = Annotated[str, Field(min_length=1, max_length=256)]
Session = Annotated[
    str,
    Field(
        min_length=20,
        max_length=2048,
        description="The `session` from the 403 that named the challenge.",
    ),
]
# [0-9], not \d: the pattern engine's \d also matches other scripts' digits.
TotpCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{6}$"),
    Field(description="The 6-digit code the authenticator app shows now."),
]
AccessToken = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_TOKEN_LENGTH,
        description="The `accessToken` from the caller's own sign-in.",
    ),
]
Role = Literal["owner", "public"]


class LoginRequest(RequestSchema):
    email: Email
    password: Password


class ChallengeRequest(RequestSchema):
    """`newPassword` answers NEW_PASSWORD_REQUIRED, `code` SOFTWARE_TOKEN_MFA; never both."""

    email: Email
    session: Session
    challenge: Challenge
    new_password: Password | None = None
    code: TotpCode | None = None

    @model_validator(mode="after")
    def _one_answer_for_the_challenge(self) -> Self:
        wanted = "newPassword" if self.challenge is Challenge.NEW_PASSWORD_REQUIRED else "code"
        given = [
            name
            for name, value in (("newPassword", self.new_password), ("code", self.code))
            if value is not None
        ]
        if given != [wanted]:
            raise PydanticCustomError(
                "challenge_answer",
                "{challenge} is answered with {field} alone",
                {"challenge": self.challenge.value, "field": wanted},
            )
        return self

    def answer(self) -> ChallengeAnswer:
        given = self.new_password if self.new_password is not None else self.code
        return ChallengeAnswer(
            email=self.email, challenge=self.challenge, session=self.session, answer=given or ""
        )


class TotpSetupRequest(RequestSchema):
    access_token: AccessToken


class TotpVerifyRequest(RequestSchema):
    access_token: AccessToken
    code: TotpCode


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


class TotpSetupResponse(ResponseSchema):
    secret_code: str = Field(description="The shared secret (base32), for typing in by hand.")
    otpauth_uri: str = Field(description="The same secret as an `otpauth://` URI, for a QR code.")


class MfaResponse(MessageResponse):
    mfa: Literal["SOFTWARE_TOKEN_MFA"]
