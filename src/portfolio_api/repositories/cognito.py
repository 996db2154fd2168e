"""The Cognito user pool: sign-in and its challenges, TOTP enrolment, and global sign-out."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portfolio_api.core.errors import (
    ChallengeRefused,
    ChallengeSessionExpired,
    DependencyUnavailable,
    DomainError,
    InvalidAccessToken,
    InvalidCredentials,
    PasswordRejected,
    RateLimited,
    SignInChallenge,
)
from portfolio_api.core.logging import logger
from portfolio_api.models.identity import Challenge, ChallengeAnswer, TokenSet
from portfolio_api.repositories.aws import UNREACHABLE, error_code

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import AuthFlowTypeType
    from mypy_boto3_cognito_idp.type_defs import (
        InitiateAuthResponseTypeDef,
        RespondToAuthChallengeResponseTypeDef,
    )

_REFUSED = frozenset({"NotAuthorizedException", "UserNotFoundException"})
_THROTTLED = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"}
)
_STEPS = {
    "PasswordResetRequiredException": "PASSWORD_RESET_REQUIRED",
    "UserNotConfirmedException": "USER_NOT_CONFIRMED",
}
# The ChallengeResponses key that carries each challenge's answer.
_ANSWER_KEY = {
    Challenge.NEW_PASSWORD_REQUIRED: "NEW_PASSWORD",
    Challenge.SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
}
WRONG_CODE = "The code does not match the authenticator app; check its clock and try again"

type Translation = Callable[[ClientError], DomainError]


def _refused_answer(exc: ClientError) -> DomainError:
    """AWS says "Invalid session for the user, session is expired." for an expired session and
    for one it never issued; any other refusal (a wrong code, a session of another user or
    challenge, a wrong email) is the one undifferentiated ChallengeRefused."""
    message = exc.response.get("Error", {}).get("Message", "")
    return ChallengeSessionExpired() if "expired" in message.lower() else ChallengeRefused()


def _password_policy(exc: ClientError) -> DomainError:
    # Cognito's message names the rule ("Password must have symbol characters"), never the password.
    message = exc.response.get("Error", {}).get("Message", "")
    return PasswordRejected(message or "the password does not conform to the policy")


_CHALLENGE_ERRORS: Mapping[str, Translation] = {
    "NotAuthorizedException": _refused_answer,
    "CodeMismatchException": lambda _: ChallengeRefused(),
    # A TOTP code used twice within its window.
    "ExpiredCodeException": lambda _: ChallengeRefused(),
    "UserNotFoundException": lambda _: ChallengeRefused(),
    # An answer that does not fit the session's challenge.
    "InvalidParameterException": lambda _: ChallengeRefused(),
    # moto's answer to a session it never issued (AWS: NotAuthorizedException, above).
    "ResourceNotFoundException": lambda _: ChallengeSessionExpired(),
    "InvalidPasswordException": _password_policy,
}
_ACCESS_TOKEN_ERRORS: Mapping[str, Translation] = {
    "NotAuthorizedException": lambda _: InvalidAccessToken(
        "Cognito refused the access token: a sign-out revoked it, or it has expired"
    ),
    "UserNotFoundException": lambda _: InvalidAccessToken("The access token's user is gone"),
    "CodeMismatchException": lambda _: InvalidCredentials(WRONG_CODE),
    "EnableSoftwareTokenMFAException": lambda _: InvalidCredentials(WRONG_CODE),
}


class CognitoIdentityProvider:
    def __init__(
        self,
        *,
        connect: Callable[[], "CognitoIdentityProviderClient"],
        user_pool_id: str,
        client_id: str,
    ) -> None:
        self._connect = connect
        self._pool = user_pool_id
        self._client_id = client_id

    @cached_property
    def _client(self) -> "CognitoIdentityProviderClient":
        """Made on the first sign-in, not at start: most cold starts serve a visitor, and
        building this client (its service model is large) cost them 20-30 ms."""
        return self._connect()

    def password_sign_in(self, *, email: str, password: str) -> tuple[TokenSet, str]:
        """Return the tokens and the refresh token; the same refusal for any bad credential."""
        with _cognito_errors(refused="Invalid email or password"):
            response = self._initiate(
                flow="USER_PASSWORD_AUTH", parameters={"USERNAME": email, "PASSWORD": password}
            )
        return _sign_in_result(response)

    def answer_challenge(self, *, answer: ChallengeAnswer) -> tuple[TokenSet, str]:
        """Complete a pending challenge; Cognito may answer with the next one (SignInChallenge)."""
        with _cognito_errors(refused="The challenge answer was refused", special=_CHALLENGE_ERRORS):
            response = self._client.respond_to_auth_challenge(
                ClientId=self._client_id,
                ChallengeName=answer.challenge.value,
                Session=answer.session,
                ChallengeResponses={
                    "USERNAME": answer.email,
                    _ANSWER_KEY[answer.challenge]: answer.answer,
                },
            )
        _raise_if_challenged(response)
        return _sign_in_result(response)

    def refresh(self, *, refresh_token: str) -> TokenSet:
        with _cognito_errors(refused="The refresh token is invalid, expired or revoked"):
            response = self._initiate(
                flow="REFRESH_TOKEN_AUTH", parameters={"REFRESH_TOKEN": refresh_token}
            )
        return _token_set(response)

    def associate_software_token(self, *, access_token: str) -> str:
        """A new TOTP secret for the access token's user; it counts once verified."""
        with _cognito_errors(
            refused="Cognito refused the access token", special=_ACCESS_TOKEN_ERRORS
        ):
            secret = self._client.associate_software_token(AccessToken=access_token).get(
                "SecretCode"
            )
        if not secret:
            raise DependencyUnavailable("Cognito returned no TOTP secret")
        return secret

    def enable_software_token_mfa(self, *, access_token: str, code: str) -> None:
        """Verify the app's first code, then make TOTP the user's enabled, preferred MFA."""
        with _cognito_errors(
            refused="Cognito refused the access token", special=_ACCESS_TOKEN_ERRORS
        ):
            verified = self._client.verify_software_token(AccessToken=access_token, UserCode=code)
            if verified.get("Status") != "SUCCESS":
                raise InvalidCredentials(WRONG_CODE)
            self._client.set_user_mfa_preference(
                AccessToken=access_token,
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )

    def sign_out_everywhere(self, *, username: str) -> None:
        """Revoke every refresh token the user holds. A user deleted meanwhile has none left."""
        with _cognito_errors(refused="Cognito refused the sign-out"):
            try:
                self._client.admin_user_global_sign_out(UserPoolId=self._pool, Username=username)
            except ClientError as exc:
                if error_code(exc) != "UserNotFoundException":
                    raise

    def _initiate(
        self, *, flow: "AuthFlowTypeType", parameters: dict[str, str]
    ) -> "InitiateAuthResponseTypeDef":
        response = self._client.initiate_auth(
            AuthFlow=flow, ClientId=self._client_id, AuthParameters=parameters
        )
        _raise_if_challenged(response)
        return response


def _raise_if_challenged(
    response: "InitiateAuthResponseTypeDef | RespondToAuthChallengeResponseTypeDef",
) -> None:
    """A challenge this API completes comes with its session; any other is named alone."""
    challenge = response.get("ChallengeName")
    if not challenge:
        return
    session = response.get("Session")
    if challenge in _ANSWER_KEY and session:
        raise SignInChallenge(challenge, session=session)
    raise SignInChallenge(challenge)


def _sign_in_result(
    response: "InitiateAuthResponseTypeDef | RespondToAuthChallengeResponseTypeDef",
) -> tuple[TokenSet, str]:
    refresh_token = response.get("AuthenticationResult", {}).get("RefreshToken")
    if not refresh_token:
        raise DependencyUnavailable("Cognito returned no refresh token")
    return _token_set(response), refresh_token


def _token_set(
    response: "InitiateAuthResponseTypeDef | RespondToAuthChallengeResponseTypeDef",
) -> TokenSet:
    result = response.get("AuthenticationResult", {})
    id_token, access_token = result.get("IdToken"), result.get("AccessToken")
    if not id_token or not access_token:
        raise DependencyUnavailable("Cognito returned an incomplete token set")
    return TokenSet(
        id_token=id_token, access_token=access_token, expires_in=result.get("ExpiresIn", 3600)
    )


@contextmanager
def _cognito_errors(
    *, refused: str, special: Mapping[str, Translation] | None = None
) -> Iterator[None]:
    """`special` translates the codes one call gives its own meaning; the rest are shared."""
    try:
        yield
    except UNREACHABLE as exc:
        raise DependencyUnavailable("Cognito cannot be reached") from exc
    except ClientError as exc:
        code = error_code(exc)
        translate = (special or {}).get(code)
        if translate is not None:
            logger.info("Cognito refused the call", extra={"cognito_error": code})
            raise translate(exc) from exc
        if code in _REFUSED:
            raise InvalidCredentials(refused) from exc
        if code in _THROTTLED:
            raise RateLimited("Sign-in is being throttled; retry in a moment") from exc
        if code in _STEPS:
            raise SignInChallenge(_STEPS[code]) from exc
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
            raise DependencyUnavailable("Cognito failed to answer") from exc
        raise
