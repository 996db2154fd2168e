"""Failed sign-ins per client: after `limit` failures in a window, that client alone waits.

A client is the day's salted hash of its IP address, never the address. Each attempt is counted
before Cognito is asked (so racing attempts cannot slip past the limit together), and taken back
unless it failed: a right password, or Cognito being down, costs the client nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from portfolio_api.core.calendar import epoch_seconds
from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import InvalidCredentials, TooManySignInAttempts
from portfolio_api.core.logging import logger
from portfolio_api.repositories.sign_in_attempts import SignInAttempts
from portfolio_api.services.identities import VisitorIdentities


class SignInLimit:
    def __init__(
        self,
        *,
        attempts: SignInAttempts,
        identities: VisitorIdentities,
        clock: Clock,
        limit: int,
        window_seconds: int,
    ) -> None:
        self._attempts = attempts
        self._identities = identities
        self._clock = clock
        self._limit = limit
        self._window = window_seconds

    @contextmanager
    def attempt(self, *, ip: str) -> Iterator[None]:
        """Runs one sign-in step for this client; InvalidCredentials inside counts as a failure."""
        now = epoch_seconds(self._clock.now())
        start = now - now % self._window
        end = start + self._window
        client = self._identities.client_of(ip=ip, today=self._identities.today())
        if not self._attempts.reserve(
            client_hash=client, window_start=start, limit=self._limit, expires_at=end
        ):
            logger.info("sign-in refused: too many failures from this client")
            raise TooManySignInAttempts(retry_after_seconds=end - now)
        failed = False
        try:
            yield
        except InvalidCredentials:
            failed = True
            raise
        finally:
            if not failed:
                self._attempts.release(client_hash=client, window_start=start)
