"""Sign-in rules: who the caller is, the challenges of a sign-in, TOTP enrolment, and what a
logout revokes."""

import math
from collections.abc import Callable
from urllib.parse import quote, urlencode

from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import (
    DependencyUnavailable,
    InvalidAccessToken,
    InvalidCredentials,
    InvalidToken,
    SignInChallenge,
)
from portfolio_api.core.logging import logger
from portfolio_api.core.metrics import BusinessMetric, MetricsSink
from portfolio_api.core.security import IdTokenClaims, TokenClaims, TokenVerifier
from portfolio_api.models.identity import (
    ChallengeAnswer,
    Principal,
    SignIn,
    TokenSet,
    TotpEnrolment,
)
from portfolio_api.repositories.cognito import CognitoIdentityProvider
from portfolio_api.repositories.sessions import SessionRepository
from portfolio_api.services.sign_in_limit import SignInLimit

TOTP_ISSUER = "Portfolio API"

type Tokens = tuple[TokenSet, str]


def otpauth_uri(*, secret: str, account: str, issuer: str = TOTP_ISSUER) -> str:
    """Google Authenticator's key URI: `otpauth://totp/<issuer>:<account>?secret=…&issuer=…`.

    Each part is percent-encoded on its own (`%20`, never `+`, which some apps read literally);
    the colon between issuer and account is the format's own.
    """
    label = f"{quote(issuer, safe='')}:{quote(account, safe='@')}"
    query = urlencode({"secret": secret, "issuer": issuer}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


class AuthService:
    def __init__(
        self,
        *,
        identity: CognitoIdentityProvider,
        verifier: TokenVerifier,
        sessions: SessionRepository,
        clock: Clock,
        owner_group: str,
        id_token_max_lifetime_seconds: int,
        metrics: MetricsSink,
        limit: SignInLimit,
    ) -> None:
        self._identity = identity
        self._verifier = verifier
        self._sessions = sessions
        self._clock = clock
        self._owner_group = owner_group
        self._max_lifetime = id_token_max_lifetime_seconds
        self._metrics = metrics
        self._limit = limit

    def login(self, *, email: str, password: str, client_ip: str) -> SignIn:
        def sign_in() -> Tokens:
            with self._limit.attempt(ip=client_ip):
                return self._password_sign_in(email=email, password=password)

        return self._unrevoked(sign_in(), again=sign_in)

    def answer_challenge(self, *, answer: ChallengeAnswer, client_ip: str) -> SignIn:
        """Finish a sign-in that a challenge held up; the answer's session works only once."""
        with self._limit.attempt(ip=client_ip):
            tokens, refresh_token = self._answer(answer)

        def refreshed() -> Tokens:
            try:
                return self._identity.refresh(refresh_token=refresh_token), refresh_token
            except InvalidCredentials as exc:
                raise InvalidCredentials("A sign-out ended this sign-in; sign in again") from exc

        return self._unrevoked((tokens, refresh_token), again=refreshed)

    def _unrevoked(self, first: Tokens, *, again: Callable[[], Tokens]) -> SignIn:
        """The sign-in's tokens, checked as every request checks them, and never already revoked."""
        tokens, refresh_token = first
        for attempt in range(2):
            if attempt:
                # `iat` has whole seconds: a token issued in the same second as a logout looks
                # revoked. Get another once the clock has passed that second.
                now = self._clock.now().timestamp()
                self._clock.sleep(math.floor(now) + 1 - now)
                tokens, refresh_token = again()
            claims = self._verifier.verify(tokens.id_token)
            if not self._is_revoked(claims):
                principal = self._principal(claims)
                logger.info("signed in", extra={"owner": principal.is_owner})
                return SignIn(principal=principal, tokens=tokens, refresh_token=refresh_token)
        raise DependencyUnavailable("Sign-in raced a sign-out of the same user; retry")

    def _password_sign_in(self, *, email: str, password: str) -> Tokens:
        try:
            return self._identity.password_sign_in(email=email, password=password)
        except InvalidCredentials:
            self._metrics.count(BusinessMetric.LOGINS_FAILED)
            logger.info("sign-in refused: wrong email or password")
            raise
        except SignInChallenge as exc:
            logger.info("sign-in awaits a challenge", extra={"challenge": exc.challenge})
            raise

    def _answer(self, answer: ChallengeAnswer) -> Tokens:
        try:
            return self._identity.answer_challenge(answer=answer)
        except InvalidCredentials:
            self._metrics.count(BusinessMetric.LOGINS_FAILED)
            logger.info("challenge answer refused", extra={"challenge": answer.challenge.value})
            raise
        except SignInChallenge as exc:
            logger.info("sign-in awaits a further challenge", extra={"challenge": exc.challenge})
            raise

    def start_totp_enrolment(self, *, principal: Principal, access_token: str) -> TotpEnrolment:
        """A new TOTP secret for the caller's authenticator app; MFA is on only once verified."""
        self._check_access_token(principal=principal, access_token=access_token)
        secret = self._identity.associate_software_token(access_token=access_token)
        logger.info("TOTP enrolment started")
        account = principal.email or principal.username
        return TotpEnrolment(secret=secret, uri=otpauth_uri(secret=secret, account=account))

    def confirm_totp(self, *, principal: Principal, access_token: str, code: str) -> None:
        """Check the app's code, then ask for a TOTP code at every later password sign-in."""
        self._check_access_token(principal=principal, access_token=access_token)
        self._identity.enable_software_token_mfa(access_token=access_token, code=code)
        logger.info("TOTP MFA enabled")

    def _check_access_token(self, *, principal: Principal, access_token: str) -> None:
        """Cognito acts for whoever holds the access token: it must be the caller's own."""
        try:
            claims = self._verifier.verify_access(access_token)
        except InvalidToken as exc:
            raise InvalidAccessToken(exc.message) from exc
        if claims.sub != principal.user_id:
            raise InvalidAccessToken("The access token belongs to another user")

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._identity.refresh(refresh_token=refresh_token)

    def logout(self, *, principal: Principal) -> None:
        """Cognito first: should it fail, the token still works, so the logout can be retried."""
        # The email is the sign-in name; Cognito takes it for the user, and moto only takes it.
        self._identity.sign_out_everywhere(username=principal.email or principal.username)
        now = math.floor(self._clock.now().timestamp())
        self._sessions.revoke_tokens_issued_until(
            user_id=principal.user_id, revoked_at=now, expires_at=now + self._max_lifetime
        )

    def authenticate(self, *, token: str) -> Principal:
        claims = self._verifier.verify(token)
        if self._is_revoked(claims):
            raise InvalidToken("The token was revoked by a sign-out")
        return self._principal(claims)

    def _is_revoked(self, claims: TokenClaims) -> bool:
        revoked_at = self._sessions.revoked_at(user_id=claims.sub)
        return revoked_at is not None and claims.iat <= revoked_at

    def _principal(self, claims: IdTokenClaims) -> Principal:
        email = claims.email or ""
        return Principal(
            user_id=claims.sub,
            username=claims.username or claims.sub,
            email=email,
            name=claims.name or email,
            is_owner=self._owner_group in claims.groups,
        )
