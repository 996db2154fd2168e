"""Cognito token checks (ID and access tokens): the ones aws-jwt-verify makes, with python-jose
doing RS256 JWS only."""

import http.client
import json
import threading
import urllib.request
from typing import Literal, Protocol

from jose import jws
from jose.backends.base import Key

# The pure-Python backend, named so that tests run what Lambda runs: the artifact leaves out
# `cryptography` (17 of its 40 MB). Verifying RS256 holds no secret to leak through timing.
from jose.backends.rsa_backend import RSAKey
from jose.exceptions import JOSEError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from portfolio_api.core.clock import Clock
from portfolio_api.core.errors import DependencyUnavailable, InvalidToken

ALGORITHM = "RS256"
MAX_TOKEN_LENGTH = 16_384
MAX_JWKS_BYTES = 1_048_576


class TokenClaims(BaseModel):
    """What ID and access tokens share, parsed strictly: an `exp` string is refused, not coerced."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)

    sub: str = Field(min_length=1)
    iss: str
    token_use: str
    exp: int
    iat: int
    nbf: int | None = None
    auth_time: int | None = None

    @property
    def audiences(self) -> tuple[str, ...]:
        """The app clients the token was issued for."""
        return ()


class IdTokenClaims(TokenClaims):
    aud: str | tuple[str, ...] | None = None
    email: str | None = None
    name: str | None = None
    username: str | None = Field(default=None, alias="cognito:username")
    groups: tuple[str, ...] = Field(default=(), alias="cognito:groups")

    @property
    def audiences(self) -> tuple[str, ...]:
        return (self.aud,) if isinstance(self.aud, str) else self.aud or ()


class AccessTokenClaims(TokenClaims):
    """Cognito's access tokens name the app client in `client_id`; they carry no `aud`.

    `client_id` is optional here so that an ID token sent instead fails on `token_use`, with the
    message that says so, rather than as "malformed".
    """

    client_id: str | None = None
    username: str | None = None

    @property
    def audiences(self) -> tuple[str, ...]:
        return (self.client_id,) if self.client_id else ()


TokenUse = Literal["id", "access"]
_WRONG_USE: dict[TokenUse, str] = {
    "id": "An ID token is required",
    "access": "An access token is required",
}


class JwksSource(Protocol):
    def fetch(self) -> bytes:
        """Return the JWKS document; raise DependencyUnavailable when it cannot be had."""
        ...


class HttpJwksSource:
    def __init__(self, *, url: str, timeout_seconds: float) -> None:
        self._url = url
        self._timeout = timeout_seconds

    def fetch(self) -> bytes:
        try:
            # The URL is an http(s) URL checked by Settings, never caller input.
            with urllib.request.urlopen(self._url, timeout=self._timeout) as response:  # noqa: S310
                body: bytes = response.read(MAX_JWKS_BYTES)
                return body
        # HTTPException: an answer that is not HTTP (a bad status line, a broken chunk).
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise DependencyUnavailable(
                "The identity provider's signing keys cannot be fetched"
            ) from exc


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,  # the app client id: ID tokens' `aud`, access tokens' `client_id`
        jwks: JwksSource,
        clock: Clock,
        leeway_seconds: int = 0,
        refetch_interval_seconds: float = 10.0,
    ) -> None:
        self._issuer = issuer
        self._audience = audience
        self._jwks = jwks
        self._clock = clock
        self._leeway = leeway_seconds
        self._refetch_interval = refetch_interval_seconds
        self._keys: dict[str, Key] = {}
        self._last_fetch_at: float | None = None
        self._lock = threading.Lock()

    def verify(self, token: str) -> IdTokenClaims:
        """An ID token of this pool and app client: what the bearer of every request must be."""
        claims = self._verified(token, model=IdTokenClaims)
        self._check_claims(claims, use="id")
        return claims

    def verify_access(self, token: str) -> AccessTokenClaims:
        """An access token of this pool and app client, for the calls Cognito authorizes with it."""
        claims = self._verified(token, model=AccessTokenClaims)
        self._check_claims(claims, use="access")
        return claims

    def _verified[C: TokenClaims](self, token: str, *, model: type[C]) -> C:
        key = self._key_for(_key_id(token))
        try:
            payload = jws.verify(token, key, algorithms=[ALGORITHM])
        except JOSEError as exc:
            raise InvalidToken("The token signature is invalid") from exc
        try:
            return model.model_validate_json(payload)
        except ValidationError as exc:
            raise InvalidToken("The token claims are malformed") from exc

    def _check_claims(self, claims: TokenClaims, *, use: TokenUse) -> None:
        now = self._clock.now().timestamp()
        if claims.iss != self._issuer:
            raise InvalidToken("The token was issued by another issuer")
        if claims.token_use != use:
            raise InvalidToken(_WRONG_USE[use])
        if self._audience not in claims.audiences:
            raise InvalidToken("The token was issued for another client")
        if now >= claims.exp + self._leeway:
            raise InvalidToken("The token has expired")
        if claims.iat > now + self._leeway:
            raise InvalidToken("The token's issue time is not plausible")
        if claims.nbf is not None and claims.nbf > now + self._leeway:
            raise InvalidToken("The token is not valid yet")

    def _key_for(self, kid: str) -> Key:
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:
            if kid not in self._keys and self._may_fetch():
                self._keys = _parse_jwks(self._jwks.fetch())
        if not self._keys:
            raise DependencyUnavailable("The identity provider's signing keys are not available")
        if kid not in self._keys:
            raise InvalidToken("The token was signed by an unknown key")
        return self._keys[kid]

    def _may_fetch(self) -> bool:
        """At most one fetch per interval, so a flood of made-up kids cannot hammer Cognito."""
        now = self._clock.now().timestamp()
        if self._last_fetch_at is not None and now - self._last_fetch_at < self._refetch_interval:
            return False
        self._last_fetch_at = now
        return True


def _key_id(token: str) -> str:
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("The token is too long")
    try:
        header = jws.get_unverified_header(token)
    except JOSEError as exc:
        raise InvalidToken("The token is malformed") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(f"The token must be signed with {ALGORITHM}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("The token header names no key")
    return kid


def _parse_jwks(document: bytes) -> dict[str, Key]:
    """The RS256 signing keys of a JWKS by kid; anything else is the provider's fault (503)."""
    try:
        parsed = json.loads(document)
    except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
        raise _malformed_jwks() from exc
    entries = parsed.get("keys") if isinstance(parsed, dict) else None
    if not isinstance(entries, list):
        raise _malformed_jwks()
    try:
        return {
            entry["kid"]: RSAKey(entry, ALGORITHM)
            for entry in entries
            if _is_rs256_signing_key(entry)
        }
    except (ValueError, TypeError, JOSEError) as exc:  # the key material itself, such as `n`
        raise _malformed_jwks() from exc


def _malformed_jwks() -> DependencyUnavailable:
    return DependencyUnavailable("The identity provider's signing keys are malformed")


def _is_rs256_signing_key(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("kty") == "RSA"
        and isinstance(entry.get("kid"), str)
        and entry.get("alg", ALGORITHM) == ALGORITHM
        and entry.get("use", "sig") == "sig"
    )
