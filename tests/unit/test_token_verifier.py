"""Each check aws-jwt-verify makes, one refusal at a time, with keys made here."""

import json
import threading
from typing import Any, NamedTuple

import pytest
from cryptography.hazmat.primitives import serialization
from jose import jwt

from portfolio_api.core.errors import DependencyUnavailable, InvalidToken
from portfolio_api.core.security import (
    MAX_TOKEN_LENGTH,
    HttpJwksSource,
    TokenClaims,
    TokenVerifier,
)
from portfolio_api.devstack.processes import free_port
from tests.helpers.clock import FakeClock
from tests.helpers.tokens import (
    ACCESS_TOKEN_REQUIRED,
    AUDIENCE,
    BAD_SIGNATURE,
    EXPIRED,
    ID_TOKEN_REQUIRED,
    ISSUED_IN_THE_FUTURE,
    ISSUER,
    JWKS_MALFORMED,
    JWKS_UNREACHABLE,
    MALFORMED_CLAIMS,
    MALFORMED_TOKEN,
    NO_KID,
    NO_SIGNING_KEYS,
    NOT_RS256,
    NOT_VALID_YET,
    OTHER_CLIENT,
    OTHER_ISSUER,
    TOO_LONG,
    UNKNOWN_KEY,
    SigningKey,
    StaticJwks,
    TokenFactory,
    b64url,
    exactly,
    forge,
    shared_signing_key,
)


def _der(pem: bytes) -> bytes:
    public_key = serialization.load_pem_public_key(pem)
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return shared_signing_key("key-1")


@pytest.fixture(scope="module")
def other_key() -> SigningKey:
    return shared_signing_key("key-2")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def jwks(key: SigningKey) -> StaticJwks:
    return StaticJwks(keys=[key])


@pytest.fixture
def verifier(jwks: StaticJwks, clock: FakeClock) -> TokenVerifier:
    return TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=jwks, clock=clock)


@pytest.fixture
def tokens(key: SigningKey, clock: FakeClock) -> TokenFactory:
    return TokenFactory(key=key, clock=clock)


def test_an_honest_id_token_is_accepted(verifier: TokenVerifier, tokens: TokenFactory) -> None:
    # GIVEN an ID token signed by the pool's key
    token = tokens.mint()
    # WHEN it is verified
    claims = verifier.verify(token)
    # THEN its claims come back typed
    assert claims.sub == "user-123"
    assert claims.groups == ("owner",)
    assert claims.username == "user-123"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OTHER"}, OTHER_ISSUER),
        ({"token_use": "access"}, ID_TOKEN_REQUIRED),
        ({"aud": "another-client"}, OTHER_CLIENT),
        ({"aud": ["another-client", "third"]}, OTHER_CLIENT),
        ({"sub": ""}, MALFORMED_CLAIMS),
        ({"exp": "tomorrow"}, MALFORMED_CLAIMS),
        ({"iat": None}, MALFORMED_CLAIMS),
        ({"exp": None}, MALFORMED_CLAIMS),
        ({"cognito:groups": "owner"}, MALFORMED_CLAIMS),
    ],
)
def test_claims_that_do_not_fit_are_refused(
    verifier: TokenVerifier, tokens: TokenFactory, overrides: dict[str, Any], reason: str
) -> None:
    # GIVEN a properly signed token whose claims are wrong for this API
    token = tokens.mint(**overrides)
    # WHEN / THEN it is refused, saying why
    with pytest.raises(InvalidToken, match=exactly(reason)):
        verifier.verify(token)


def test_audience_may_be_a_list_that_names_the_client(
    verifier: TokenVerifier, tokens: TokenFactory
) -> None:
    claims = verifier.verify(tokens.mint(aud=["someone-else", AUDIENCE]))
    assert claims.aud == ("someone-else", AUDIENCE)


def test_a_token_expires_at_exp_exactly(
    verifier: TokenVerifier, tokens: TokenFactory, clock: FakeClock
) -> None:
    # GIVEN a token that expires one second from now
    now = int(clock.now().timestamp())
    token = tokens.mint(iat=now - 60, exp=now + 1)
    assert verifier.verify(token).exp == now + 1
    # WHEN the clock reaches exp
    clock.advance(1)
    # THEN it is refused, with no grace
    with pytest.raises(InvalidToken, match=exactly(EXPIRED)):
        verifier.verify(token)


@pytest.mark.parametrize(
    ("claim", "reason"), [("iat", ISSUED_IN_THE_FUTURE), ("nbf", NOT_VALID_YET)]
)
def test_tokens_from_the_future_are_refused(
    verifier: TokenVerifier, tokens: TokenFactory, clock: FakeClock, claim: str, reason: str
) -> None:
    overrides: dict[str, Any] = {claim: int(clock.now().timestamp()) + 5}
    token = tokens.mint(**overrides)
    with pytest.raises(InvalidToken, match=exactly(reason)):
        verifier.verify(token)


def test_leeway_is_a_setting_and_off_by_default(
    jwks: StaticJwks, tokens: TokenFactory, clock: FakeClock
) -> None:
    # GIVEN a token issued 5 s ahead of our clock
    token = tokens.mint(iat=int(clock.now().timestamp()) + 5)
    lenient = TokenVerifier(
        issuer=ISSUER, audience=AUDIENCE, jwks=jwks, clock=clock, leeway_seconds=10
    )
    # WHEN / THEN a 10 s leeway accepts it
    assert lenient.verify(token).iat == int(clock.now().timestamp()) + 5


def test_alg_none_is_refused(verifier: TokenVerifier, tokens: TokenFactory) -> None:
    token = forge({"alg": "none", "kid": "key-1", "typ": "JWT"}, tokens.claims())
    with pytest.raises(InvalidToken, match=exactly(NOT_RS256)):
        verifier.verify(token)


@pytest.mark.parametrize("encoding", ["pem", "der"])
def test_hmac_keyed_with_the_public_key_is_refused(
    verifier: TokenVerifier, tokens: TokenFactory, key: SigningKey, encoding: str
) -> None:
    # GIVEN the algorithm-confusion forgery: HS256 keyed with the public key, PEM or bare DER
    # (CVE-2024-33663, and CVE-2026-85394 for DER, which python-jose 3.5.0 still lets through)
    secret = key.public_pem if encoding == "pem" else _der(key.public_pem)
    token = forge({"alg": "HS256", "kid": key.kid}, tokens.claims(), secret=secret)
    # WHEN / THEN the header alone gets it refused
    with pytest.raises(InvalidToken, match=exactly(NOT_RS256)):
        verifier.verify(token)


def test_other_rsa_algorithms_are_refused(
    verifier: TokenVerifier, tokens: TokenFactory, key: SigningKey
) -> None:
    token = jwt.encode(
        tokens.claims(), key.private_pem.decode(), algorithm="RS512", headers={"kid": key.kid}
    )
    with pytest.raises(InvalidToken, match=exactly(NOT_RS256)):
        verifier.verify(token)


def test_a_signature_from_another_key_is_refused(
    verifier: TokenVerifier, tokens: TokenFactory, other_key: SigningKey
) -> None:
    # GIVEN a token signed by a stranger's key that claims the pool's kid
    token = jwt.encode(
        tokens.claims(), other_key.private_pem.decode(), algorithm="RS256", headers={"kid": "key-1"}
    )
    with pytest.raises(InvalidToken, match=exactly(BAD_SIGNATURE)):
        verifier.verify(token)


def test_a_tampered_payload_is_refused(verifier: TokenVerifier, tokens: TokenFactory) -> None:
    header, _, signature = tokens.mint().split(".")
    payload = b64url(json.dumps(tokens.claims(**{"cognito:groups": ["owner", "admin"]})).encode())
    with pytest.raises(InvalidToken, match=exactly(BAD_SIGNATURE)):
        verifier.verify(f"{header}.{payload}.{signature}")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", MALFORMED_TOKEN),
        ("abc", MALFORMED_TOKEN),
        ("a.b.c", MALFORMED_TOKEN),
        ("....", MALFORMED_TOKEN),
        ("eyJhbGciOiJSUzI1NiJ9.e30.", NO_KID),
        ("x" * 20_000, TOO_LONG),
    ],
)
def test_garbage_is_refused(verifier: TokenVerifier, token: str, reason: str) -> None:
    with pytest.raises(InvalidToken, match=exactly(reason)):
        verifier.verify(token)


def test_a_token_may_be_16_kib_long_and_not_a_character_more(verifier: TokenVerifier) -> None:
    # GIVEN garbage of the longest length allowed, and one character more
    longest, too_long = "x" * MAX_TOKEN_LENGTH, "x" * (MAX_TOKEN_LENGTH + 1)
    # WHEN / THEN the first is read (and refused as garbage), the second refused unread
    with pytest.raises(InvalidToken, match=exactly(MALFORMED_TOKEN)):
        verifier.verify(longest)
    with pytest.raises(InvalidToken, match=exactly(TOO_LONG)):
        verifier.verify(too_long)


def test_a_header_without_kid_is_refused(
    verifier: TokenVerifier, tokens: TokenFactory, key: SigningKey
) -> None:
    token = jwt.encode(tokens.claims(), key.private_pem.decode(), algorithm="RS256")
    with pytest.raises(InvalidToken, match=exactly(NO_KID)):
        verifier.verify(token)


def test_the_jwks_is_fetched_once_and_cached(
    verifier: TokenVerifier, tokens: TokenFactory, jwks: StaticJwks
) -> None:
    for _ in range(50):
        verifier.verify(tokens.mint())
    assert jwks.fetches == 1


def test_a_rotated_key_is_picked_up_without_a_restart(
    verifier: TokenVerifier,
    tokens: TokenFactory,
    jwks: StaticJwks,
    other_key: SigningKey,
    clock: FakeClock,
) -> None:
    # GIVEN a verifier that has cached the old key set
    verifier.verify(tokens.mint())
    # WHEN Cognito publishes a new key and signs with it, past the refetch interval
    jwks.keys = [jwks.keys[0], other_key]
    clock.advance(11)
    claims = verifier.verify(tokens.mint(key=other_key))
    # THEN the new key is fetched once and the token accepted
    assert claims.sub == "user-123"
    assert jwks.fetches == 2


def test_unknown_kids_refetch_at_most_once_per_ten_seconds(
    verifier: TokenVerifier, tokens: TokenFactory, jwks: StaticJwks, clock: FakeClock
) -> None:
    def made_up(number: int) -> str:
        return tokens.mint(kid=f"made-up-{number}")

    # GIVEN a cache warmed by one fetch
    verifier.verify(tokens.mint())
    # WHEN 100 tokens with made-up kids arrive over the next 9.9 s
    for number in range(100):
        clock.advance(0.099)
        with pytest.raises(InvalidToken, match=exactly(UNKNOWN_KEY)):
            verifier.verify(made_up(number))
    # THEN Cognito was not asked again
    assert jwks.fetches == 1
    # WHEN the flood goes on past the 10 s mark
    for number in range(100, 200):
        clock.advance(0.099)
        with pytest.raises(InvalidToken, match=exactly(UNKNOWN_KEY)):
            verifier.verify(made_up(number))
    # THEN it was asked exactly once more
    assert jwks.fetches == 2


def test_concurrent_unknown_kids_share_one_fetch(
    verifier: TokenVerifier, tokens: TokenFactory, jwks: StaticJwks, other_key: SigningKey
) -> None:
    # GIVEN a cold cache and 20 threads presenting the same token at once
    token = tokens.mint()
    results: list[str] = []
    barrier = threading.Barrier(20)

    def verify() -> None:
        barrier.wait()
        results.append(verifier.verify(token).sub)

    threads = [threading.Thread(target=verify) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN all succeed on a single fetch
    assert results == ["user-123"] * 20
    assert jwks.fetches == 1


def test_an_unreachable_jwks_is_503_not_401(
    verifier: TokenVerifier, tokens: TokenFactory, jwks: StaticJwks, clock: FakeClock
) -> None:
    # GIVEN a JWKS endpoint that does not answer
    jwks.reachable = False
    # WHEN a token arrives, and another one at once
    with pytest.raises(DependencyUnavailable, match=exactly(JWKS_UNREACHABLE)):
        verifier.verify(tokens.mint())
    with pytest.raises(DependencyUnavailable, match=exactly(NO_SIGNING_KEYS)):
        verifier.verify(tokens.mint())
    # THEN the second did not hammer the endpoint, and recovery comes after the interval
    assert jwks.fetches == 1
    jwks.reachable = True
    clock.advance(10)
    assert verifier.verify(tokens.mint()).sub == "user-123"


def test_a_malformed_jwks_is_503(tokens: TokenFactory, clock: FakeClock) -> None:
    class BrokenJwks:
        def fetch(self) -> bytes:
            return b"<html>oops</html>"

    verifier = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=BrokenJwks(), clock=clock)
    with pytest.raises(DependencyUnavailable, match=exactly(JWKS_MALFORMED)):
        verifier.verify(tokens.mint())


def test_keys_for_other_algorithms_in_the_jwks_are_ignored(
    tokens: TokenFactory, clock: FakeClock, key: SigningKey
) -> None:
    # GIVEN a JWKS whose only entry for our kid is not an RS256 signing key
    jwks = StaticJwks(
        keys=[
            SigningKey(kid=key.kid, private_pem=b"", public_pem=b"", jwk={**key.jwk, "use": "enc"})
        ]
    )
    verifier = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=jwks, clock=clock)
    # WHEN / THEN no usable key means the provider is broken: 503, not a silent accept
    with pytest.raises(DependencyUnavailable, match=exactly(NO_SIGNING_KEYS)):
        verifier.verify(tokens.mint())


def test_http_jwks_source_reports_an_unreachable_endpoint() -> None:
    source = HttpJwksSource(url=f"http://127.0.0.1:{free_port()}/jwks.json", timeout_seconds=1)
    with pytest.raises(DependencyUnavailable, match=exactly(JWKS_UNREACHABLE)):
        source.fetch()


def test_an_honest_access_token_is_accepted(verifier: TokenVerifier, tokens: TokenFactory) -> None:
    # GIVEN an access token of this pool's app client
    token = tokens.mint_access()
    # WHEN it is verified as an access token
    claims = verifier.verify_access(token)
    # THEN its subject and client come back
    assert (claims.sub, claims.client_id, claims.token_use) == ("user-123", AUDIENCE, "access")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OTHER"}, OTHER_ISSUER),
        ({"token_use": "id"}, ACCESS_TOKEN_REQUIRED),
        ({"client_id": "another-client"}, OTHER_CLIENT),
        ({"client_id": None}, OTHER_CLIENT),
        # An audience is no substitute for the client id: access tokens are matched on client_id.
        ({"client_id": None, "aud": AUDIENCE}, OTHER_CLIENT),
        ({"sub": ""}, MALFORMED_CLAIMS),
        ({"exp": "tomorrow"}, MALFORMED_CLAIMS),
        ({"client_id": ["test-app-client"]}, MALFORMED_CLAIMS),
    ],
)
def test_access_token_claims_that_do_not_fit_are_refused(
    verifier: TokenVerifier, tokens: TokenFactory, overrides: dict[str, Any], reason: str
) -> None:
    # GIVEN a properly signed access token whose claims are wrong for this API
    token = tokens.mint_access(**overrides)
    # WHEN / THEN it is refused, saying why
    with pytest.raises(InvalidToken, match=exactly(reason)):
        verifier.verify_access(token)


def test_id_and_access_tokens_are_not_interchangeable(
    verifier: TokenVerifier, tokens: TokenFactory
) -> None:
    # GIVEN one honest token of each kind
    id_token, access_token = tokens.mint(), tokens.mint_access()
    # WHEN each is presented as the other THEN each is refused by its token_use
    with pytest.raises(InvalidToken, match=exactly(ACCESS_TOKEN_REQUIRED)):
        verifier.verify_access(id_token)
    with pytest.raises(InvalidToken, match=exactly(ID_TOKEN_REQUIRED)):
        verifier.verify(access_token)


def test_an_access_token_expires_at_exp_exactly(
    verifier: TokenVerifier, tokens: TokenFactory, clock: FakeClock
) -> None:
    now = int(clock.now().timestamp())
    token = tokens.mint_access(iat=now - 60, exp=now + 1)
    assert verifier.verify_access(token).exp == now + 1
    clock.advance(1)
    with pytest.raises(InvalidToken, match=exactly(EXPIRED)):
        verifier.verify_access(token)


@pytest.mark.parametrize(
    ("claim", "reason"), [("iat", ISSUED_IN_THE_FUTURE), ("nbf", NOT_VALID_YET)]
)
def test_access_tokens_from_the_future_are_refused(
    verifier: TokenVerifier, tokens: TokenFactory, clock: FakeClock, claim: str, reason: str
) -> None:
    overrides: dict[str, Any] = {claim: int(clock.now().timestamp()) + 5}
    with pytest.raises(InvalidToken, match=exactly(reason)):
        verifier.verify_access(tokens.mint_access(**overrides))


def test_access_tokens_get_the_same_signature_checks(
    verifier: TokenVerifier, tokens: TokenFactory, key: SigningKey, other_key: SigningKey
) -> None:
    # GIVEN an access token signed by a stranger's key, and one forged with alg none
    stranger = jwt.encode(
        tokens.access_claims(),
        other_key.private_pem.decode(),
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    unsigned = forge({"alg": "none", "kid": key.kid}, tokens.access_claims())
    # WHEN / THEN both are refused before any claim is read
    with pytest.raises(InvalidToken, match=exactly(BAD_SIGNATURE)):
        verifier.verify_access(stranger)
    with pytest.raises(InvalidToken, match=exactly(NOT_RS256)):
        verifier.verify_access(unsigned)
    with pytest.raises(InvalidToken, match=exactly(MALFORMED_TOKEN)):
        verifier.verify_access("not-a-jwt")


class Moment(NamedTuple):
    leeway: int
    claim: str
    offset: int  # seconds from now

    def __str__(self) -> str:
        return f"{self.claim}{self.offset:+d}s-leeway{self.leeway}s"


LEEWAY = 30
# Each case's neighbour one second further is in the other table: exp holds until exp + leeway;
# iat and nbf may be up to leeway seconds ahead of our clock.
WITHIN_THE_LEEWAY = [
    Moment(0, "exp", 1),
    Moment(LEEWAY, "exp", 1 - LEEWAY),
    Moment(0, "iat", 0),
    Moment(LEEWAY, "iat", LEEWAY),
    Moment(0, "nbf", 0),
    Moment(LEEWAY, "nbf", LEEWAY),
]
PAST_THE_LEEWAY = [
    pytest.param(moment, reason, id=str(moment))
    for moment, reason in [
        (Moment(0, "exp", 0), EXPIRED),
        (Moment(LEEWAY, "exp", -LEEWAY), EXPIRED),
        (Moment(0, "iat", 1), ISSUED_IN_THE_FUTURE),
        (Moment(LEEWAY, "iat", LEEWAY + 1), ISSUED_IN_THE_FUTURE),
        (Moment(0, "nbf", 1), NOT_VALID_YET),
        (Moment(LEEWAY, "nbf", LEEWAY + 1), NOT_VALID_YET),
    ]
]


def _verify_at(
    moment: Moment, *, kind: str, jwks: StaticJwks, tokens: TokenFactory
) -> tuple[TokenClaims, int]:
    """Mint a token whose claim is at `moment` and verify it with that leeway."""
    verifier = TokenVerifier(
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks=jwks,
        clock=tokens.clock,
        leeway_seconds=moment.leeway,
    )
    at = int(tokens.clock.now().timestamp()) + moment.offset
    claims: dict[str, Any] = {moment.claim: at}
    if kind == "id":
        return verifier.verify(tokens.mint(**claims)), at
    return verifier.verify_access(tokens.mint_access(**claims)), at


@pytest.mark.parametrize("kind", ["id", "access"])
@pytest.mark.parametrize("moment", WITHIN_THE_LEEWAY, ids=str)
def test_time_claims_are_accepted_to_the_last_second_of_the_leeway(
    jwks: StaticJwks, tokens: TokenFactory, kind: str, moment: Moment
) -> None:
    # GIVEN a verifier with the leeway, and a token whose claim is that many seconds from now
    # WHEN it is verified
    claims, at = _verify_at(moment, kind=kind, jwks=jwks, tokens=tokens)
    # THEN it is accepted
    assert getattr(claims, moment.claim) == at


@pytest.mark.parametrize("kind", ["id", "access"])
@pytest.mark.parametrize(("moment", "reason"), PAST_THE_LEEWAY)
def test_time_claims_one_second_past_the_leeway_are_refused(
    jwks: StaticJwks, tokens: TokenFactory, kind: str, moment: Moment, reason: str
) -> None:
    # GIVEN a verifier with the leeway, and a token whose claim is that many seconds from now
    # WHEN / THEN it is refused, saying which claim
    with pytest.raises(InvalidToken, match=exactly(reason)):
        _verify_at(moment, kind=kind, jwks=jwks, tokens=tokens)


@pytest.mark.parametrize(
    "aud",
    [
        f"{AUDIENCE}-2",  # holds the client id
        f"x{AUDIENCE}",
        AUDIENCE[:-1],  # is held by it
        "",
        AUDIENCE.upper(),
        [f"{AUDIENCE}-2", AUDIENCE[1:]],
        [],
    ],
)
def test_the_audience_must_be_the_client_id_itself(
    verifier: TokenVerifier, tokens: TokenFactory, aud: str | list[str]
) -> None:
    # GIVEN an ID token whose audience merely resembles the client id
    token = tokens.mint(aud=aud)
    # WHEN / THEN it is refused: audiences are compared whole, never as substrings
    with pytest.raises(InvalidToken, match=exactly(OTHER_CLIENT)):
        verifier.verify(token)


@pytest.mark.parametrize("client_id", [f"{AUDIENCE}-2", AUDIENCE[:-1], "", AUDIENCE.upper()])
def test_an_access_tokens_client_id_must_be_the_client_id_itself(
    verifier: TokenVerifier, tokens: TokenFactory, client_id: str
) -> None:
    token = tokens.mint_access(client_id=client_id)
    with pytest.raises(InvalidToken, match=exactly(OTHER_CLIENT)):
        verifier.verify_access(token)


@pytest.mark.parametrize("kid", ["", 7, ["key-1"], {"kid": "key-1"}, True])
def test_a_kid_that_is_not_a_non_empty_string_is_refused(
    verifier: TokenVerifier, tokens: TokenFactory, key: SigningKey, kid: object
) -> None:
    # GIVEN a properly signed token whose header's kid is empty or not a string
    token = jwt.encode(tokens.claims(), key.signer, algorithm="RS256", headers={"kid": kid})
    # WHEN / THEN it is refused for its header, before any key is looked up
    with pytest.raises(InvalidToken, match=exactly(NO_KID)):
        verifier.verify(token)
