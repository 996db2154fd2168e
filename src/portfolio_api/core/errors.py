"""Domain errors. Services and repositories raise these; `api.errors` alone maps them to HTTP."""

from collections.abc import Mapping

from pydantic import JsonValue


class DomainError(Exception):
    def __init__(self, message: str, *, details: Mapping[str, JsonValue] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details) if details is not None else None


class NotAuthenticated(DomainError):
    """No credentials were presented where they are required."""


class InvalidToken(NotAuthenticated):
    """A bearer token was presented and refused."""


class InvalidCredentials(DomainError):
    """Wrong password, unknown user, or a refresh token that no longer works."""


class ChallengeRefused(InvalidCredentials):
    """A challenge answer Cognito refused: the code, the email or the session did not fit.

    One message for all three, so that a caller holding a session cannot learn which was wrong.
    """

    def __init__(self) -> None:
        super().__init__(
            "The answer to the sign-in challenge was refused: the code, the email or the session "
            "does not match. Try again, or sign in again for a new session."
        )


class ChallengeSessionExpired(InvalidCredentials):
    """The session of a pending challenge has expired, was used up, or was never issued."""

    def __init__(self) -> None:
        super().__init__(
            "The sign-in session has expired or is not valid. Sign in again with your email "
            "and password."
        )


class InvalidAccessToken(InvalidCredentials):
    """An access token sent in a body (not the bearer) was refused, or belongs to someone else."""

    def __init__(self, message: str) -> None:
        super().__init__(message, details={"field": "accessToken"})


class PasswordRejected(DomainError):
    """Cognito's password policy refused a new password: the caller's input, not a secret."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"The new password was refused by the password policy: {problem}",
            details={"field": "newPassword", "issue": problem},
        )


class SignInChallenge(DomainError):
    """Cognito wants an extra step (new password, MFA...) before it hands out tokens.

    With a `session`, the step is one this API completes (`POST /v1/auth/challenge`); without,
    the caller must complete it in Cognito.
    """

    def __init__(self, challenge: str, *, session: str | None = None) -> None:
        if session is None:
            message = (
                f"Sign-in needs the {challenge} step, which this API does not perform. "
                "Complete it in Cognito, then sign in again."
            )
            details: dict[str, JsonValue] = {"challenge": challenge}
        else:
            message = (
                f"Sign-in needs the {challenge} step: answer it at POST /v1/auth/challenge "
                "with this session."
            )
            details = {"challenge": challenge, "session": session}
        super().__init__(message, details=details)
        self.challenge = challenge


class PermissionDenied(DomainError):
    """The caller is known but not allowed to do this."""


class RateLimited(DomainError):
    """An upstream service is throttling us; the caller should retry later."""

    retry_after_seconds = 5


class TooManySignInAttempts(RateLimited):
    """This client failed to sign in too often; it alone waits for the window to end."""

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "Too many failed sign-ins from this client; retry later",
            details={"retryAfterSeconds": retry_after_seconds},
        )
        self.retry_after_seconds = retry_after_seconds


class DependencyUnavailable(DomainError):
    """An upstream service (Cognito, its JWKS, DynamoDB) cannot be reached."""


class NotFound(DomainError):
    """The item does not exist, or the caller may not know that it does."""


class Conflict(DomainError):
    """The request clashes with the item's state: a taken slug, publishing a published item."""


class PreconditionFailed(DomainError):
    """`If-Match` names a version that is no longer current."""


class PayloadTooLarge(DomainError):
    """The body, or one field of it, is larger than the API stores."""


class SlugTaken(Conflict):
    """Another post already has this slug."""


class WriteConflict(Conflict):
    """The item changed between reading and writing it. Services retry; callers rarely see it."""


class InvalidUpload(DomainError):
    """An uploaded file is not what its upload declared: another type, or another size."""
