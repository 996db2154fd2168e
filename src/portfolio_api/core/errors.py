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


class SignInChallenge(DomainError):
    """Cognito wants an extra step (new password, MFA...) that this API does not complete."""

    def __init__(self, challenge: str) -> None:
        super().__init__(
            f"Sign-in needs the {challenge} step, which this API does not perform. "
            "Complete it in Cognito, then sign in again.",
            details={"challenge": challenge},
        )
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
