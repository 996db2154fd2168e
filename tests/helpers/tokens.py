"""RSA keys made in the test run, and ID and access tokens signed with them, honest or forged."""

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from jose.backends.base import Key

from portfolio_api.core.errors import DependencyUnavailable
from tests.helpers.clock import FakeClock

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TESTPOOL"
AUDIENCE = "test-app-client"

# Each refusal's message, word for word: callers read it in the error body.
OTHER_ISSUER = "The token was issued by another issuer"
ID_TOKEN_REQUIRED = "An ID token is required"
ACCESS_TOKEN_REQUIRED = "An access token is required"
OTHER_CLIENT = "The token was issued for another client"
MALFORMED_CLAIMS = "The token claims are malformed"
EXPIRED = "The token has expired"
ISSUED_IN_THE_FUTURE = "The token's issue time is not plausible"
NOT_VALID_YET = "The token is not valid yet"
TOO_LONG = "The token is too long"
MALFORMED_TOKEN = "The token is malformed"
NOT_RS256 = "The token must be signed with RS256"
BAD_SIGNATURE = "The token signature is invalid"
NO_KID = "The token header names no key"
UNKNOWN_KEY = "The token was signed by an unknown key"
JWKS_UNREACHABLE = "The identity provider's signing keys cannot be fetched"
JWKS_MALFORMED = "The identity provider's signing keys are malformed"
NO_SIGNING_KEYS = "The identity provider's signing keys are not available"


def exactly(message: str) -> str:
    """A `pytest.raises(match=...)` pattern for this message and nothing more."""
    return f"^{re.escape(message)}$"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: bytes
    public_pem: bytes
    jwk: dict[str, str]

    @cached_property
    def signer(self) -> Key:
        """Parsing a PEM private key costs ~35 ms; parse it once per key."""
        return jwk.construct(self.private_pem.decode(), algorithm="RS256")


def new_signing_key(kid: str) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.public_key().public_numbers()
    return SigningKey(
        kid=kid,
        private_pem=private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        public_pem=private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        jwk={
            "kty": "RSA",
            "kid": kid,
            "alg": "RS256",
            "use": "sig",
            "n": _b64url_uint(numbers.n),
            "e": _b64url_uint(numbers.e),
        },
    )


@cache
def shared_signing_key(kid: str) -> SigningKey:
    """One key per kid for the whole run. Making a key takes ~100 ms; `make mutation` forks a
    test run per mutant from a process that has made them already."""
    return new_signing_key(kid)


@dataclass
class StaticJwks:
    """A JWKS endpoint under the test's control: what it publishes, and whether it answers."""

    keys: list[SigningKey]
    reachable: bool = True
    fetches: int = field(default=0)

    def fetch(self) -> bytes:
        self.fetches += 1
        if not self.reachable:
            raise DependencyUnavailable(JWKS_UNREACHABLE)
        return jwks_document(*(key.jwk for key in self.keys))


@dataclass
class RawJwks:
    """A JWKS endpoint that answers whatever the test says, JWKS or not."""

    document: bytes
    fetches: int = field(default=0)

    def fetch(self) -> bytes:
        self.fetches += 1
        return self.document


def jwks_document(*entries: object) -> bytes:
    return json.dumps({"keys": list(entries)}).encode()


@dataclass
class TokenFactory:
    key: SigningKey
    clock: FakeClock
    issuer: str = ISSUER
    audience: str = AUDIENCE

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(self.clock.now().timestamp())
        claims: dict[str, Any] = {
            "sub": "user-123",
            "iss": self.issuer,
            "aud": self.audience,
            "token_use": "id",
            "iat": now,
            "auth_time": now,
            "exp": now + 3600,
            "email": "owner@example.com",
            "name": "Owner",
            "cognito:username": "user-123",
            "cognito:groups": ["owner"],
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def access_claims(self, **overrides: Any) -> dict[str, Any]:
        """An access token's claims, as Cognito writes them: `client_id`, no `aud`, no email."""
        now = int(self.clock.now().timestamp())
        claims: dict[str, Any] = {
            "sub": "user-123",
            "iss": self.issuer,
            "client_id": self.audience,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "iat": now,
            "auth_time": now,
            "exp": now + 3600,
            "jti": "jti-1",
            "username": "user-123",
            "cognito:groups": ["owner"],
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def mint(
        self, *, key: SigningKey | None = None, kid: str | None = None, **overrides: Any
    ) -> str:
        return self._sign(self.claims(**overrides), key=key, kid=kid)

    def mint_access(self, **overrides: Any) -> str:
        return self._sign(self.access_claims(**overrides))

    def _sign(
        self, claims: dict[str, Any], *, key: SigningKey | None = None, kid: str | None = None
    ) -> str:
        signer = key or self.key
        return jwt.encode(
            claims, signer.signer, algorithm="RS256", headers={"kid": kid or signer.kid}
        )


def forge(header: dict[str, Any], claims: dict[str, Any], *, secret: bytes | None = None) -> str:
    """A token no honest signer made: `alg` none, or HMAC keyed with the public key."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = (
        b64url(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()) if secret else ""
    )
    return f"{signing_input}.{signature}"
