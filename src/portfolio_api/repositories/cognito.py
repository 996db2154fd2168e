"""The Cognito user pool: password and refresh sign-in, and global sign-out."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portfolio_api.core.errors import (
    DependencyUnavailable,
    InvalidCredentials,
    RateLimited,
    SignInChallenge,
)
from portfolio_api.models.identity import TokenSet
from portfolio_api.repositories.aws import UNREACHABLE, error_code

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import AuthFlowTypeType
    from mypy_boto3_cognito_idp.type_defs import InitiateAuthResponseTypeDef

_REFUSED = frozenset({"NotAuthorizedException", "UserNotFoundException"})
_THROTTLED = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"}
)
_STEPS = {
    "PasswordResetRequiredException": "PASSWORD_RESET_REQUIRED",
    "UserNotConfirmedException": "USER_NOT_CONFIRMED",
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
        refresh_token = response.get("AuthenticationResult", {}).get("RefreshToken")
        if not refresh_token:
            raise DependencyUnavailable("Cognito returned no refresh token")
        return _token_set(response), refresh_token

    def refresh(self, *, refresh_token: str) -> TokenSet:
        with _cognito_errors(refused="The refresh token is invalid, expired or revoked"):
            response = self._initiate(
                flow="REFRESH_TOKEN_AUTH", parameters={"REFRESH_TOKEN": refresh_token}
            )
        return _token_set(response)

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
        challenge = response.get("ChallengeName")
        if challenge:
            raise SignInChallenge(challenge)
        return response


def _token_set(response: "InitiateAuthResponseTypeDef") -> TokenSet:
    result = response.get("AuthenticationResult", {})
    id_token, access_token = result.get("IdToken"), result.get("AccessToken")
    if not id_token or not access_token:
        raise DependencyUnavailable("Cognito returned an incomplete token set")
    return TokenSet(
        id_token=id_token, access_token=access_token, expires_in=result.get("ExpiresIn", 3600)
    )


@contextmanager
def _cognito_errors(*, refused: str) -> Iterator[None]:
    try:
        yield
    except UNREACHABLE as exc:
        raise DependencyUnavailable("Cognito cannot be reached") from exc
    except ClientError as exc:
        code = error_code(exc)
        if code in _REFUSED:
            raise InvalidCredentials(refused) from exc
        if code in _THROTTLED:
            raise RateLimited("Sign-in is being throttled; retry in a moment") from exc
        if code in _STEPS:
            raise SignInChallenge(_STEPS[code]) from exc
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
            raise DependencyUnavailable("Cognito failed to answer") from exc
        raise
