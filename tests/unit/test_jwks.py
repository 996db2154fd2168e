"""The JWKS: which of its entries become keys, what a broken one does, and fetching it."""

import contextlib
import socketserver
import threading
from collections.abc import Iterator

import pytest

from portfolio_api.core.errors import DependencyUnavailable, InvalidToken
from portfolio_api.core.security import MAX_JWKS_BYTES, HttpJwksSource, JwksSource, TokenVerifier
from tests.helpers.clock import FakeClock
from tests.helpers.tokens import (
    AUDIENCE,
    ISSUER,
    JWKS_MALFORMED,
    JWKS_UNREACHABLE,
    NO_SIGNING_KEYS,
    UNKNOWN_KEY,
    RawJwks,
    SigningKey,
    TokenFactory,
    b64url,
    exactly,
    jwks_document,
    shared_signing_key,
)

# An EC key as Cognito never publishes one; its coordinates need not be on the curve, since
# nothing may ever read them.
EC_KEY = {
    "kty": "EC",
    "kid": "ec-1",
    "crv": "P-256",
    "x": b64url(bytes(range(32))),
    "y": b64url(bytes(range(32, 64))),
    "alg": "ES256",
    "use": "sig",
}


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
def tokens(key: SigningKey, clock: FakeClock) -> TokenFactory:
    return TokenFactory(key=key, clock=clock)


def _verifier(jwks: JwksSource, clock: FakeClock) -> TokenVerifier:
    return TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=jwks, clock=clock)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(b"{}", id="no-keys"),
        pytest.param(b'{"keys": null}', id="keys-null"),
        pytest.param(b'{"keys": {}}', id="keys-an-object"),
        pytest.param(b'{"keys": "RS256"}', id="keys-a-string"),
        pytest.param(b'{"keys": 1}', id="keys-a-number"),
        pytest.param(b"[]", id="a-list"),
        pytest.param(b"null", id="null"),
        pytest.param(b'"keys"', id="a-string"),
        pytest.param(b"", id="empty"),
        pytest.param(b"<html>Service Unavailable</html>", id="html"),
        pytest.param(b'\xff{"keys": []}', id="not-utf-8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-too-deep-for-the-parser"),
    ],
)
def test_a_document_that_is_not_a_jwks_is_a_503(
    tokens: TokenFactory, clock: FakeClock, document: bytes
) -> None:
    # GIVEN an identity provider whose JWKS endpoint answers this instead of a key set
    verifier = _verifier(RawJwks(document), clock)
    # WHEN / THEN a token gets the provider's failure (503), never an unhandled error (500)
    with pytest.raises(DependencyUnavailable, match=exactly(JWKS_MALFORMED)):
        verifier.verify(tokens.mint())


@pytest.mark.parametrize(
    "material",
    [{"n": "!!"}, {"n": 5}, {"n": None}, {"e": []}],
    ids=["n-not-base64", "n-a-number", "n-null", "e-a-list"],
)
def test_a_signing_key_whose_material_is_broken_is_a_503(
    tokens: TokenFactory, clock: FakeClock, key: SigningKey, material: dict[str, object]
) -> None:
    verifier = _verifier(RawJwks(jwks_document({**key.jwk, **material})), clock)
    with pytest.raises(DependencyUnavailable, match=exactly(JWKS_MALFORMED)):
        verifier.verify(tokens.mint())


def test_the_verifier_recovers_once_the_jwks_is_whole_again(
    tokens: TokenFactory, clock: FakeClock, key: SigningKey
) -> None:
    # GIVEN a provider that served a JWKS without keys
    jwks = RawJwks(b"{}")
    verifier = _verifier(jwks, clock)
    with pytest.raises(DependencyUnavailable, match=exactly(JWKS_MALFORMED)):
        verifier.verify(tokens.mint())
    # WHEN it serves the key set again, after the refetch interval
    jwks.document = jwks_document(key.jwk)
    clock.advance(10)
    # THEN tokens are accepted, on one more fetch
    assert verifier.verify(tokens.mint()).sub == "user-123"
    assert jwks.fetches == 2


@pytest.mark.parametrize(
    "stranger",
    [
        pytest.param(EC_KEY, id="an-ec-key"),
        pytest.param({"kty": "oct", "kid": "hmac-1", "k": "c2VjcmV0", "alg": "HS256"}, id="oct"),
        pytest.param({"kid": "no-kty", "n": "AQAB", "e": "AQAB"}, id="no-kty"),
        pytest.param({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, id="no-kid"),
        pytest.param({"kty": "RSA", "kid": ["key-9"], "n": "AQAB", "e": "AQAB"}, id="kid-a-list"),
        pytest.param({"kty": "RSA", "kid": "rsa-broken", "alg": "RS512", "n": "!!"}, id="rs512"),
        pytest.param({"kty": "RSA", "kid": "rsa-broken", "use": "enc", "n": "!!"}, id="for-enc"),
        pytest.param("RSA", id="a-string"),
        pytest.param(None, id="null"),
        pytest.param([], id="a-list"),
    ],
)
def test_entries_that_are_not_rs256_signing_keys_are_skipped(
    tokens: TokenFactory, clock: FakeClock, key: SigningKey, stranger: object
) -> None:
    # GIVEN a JWKS that lists, beside the pool's key, an entry no RS256 verifier can use (read
    # as an RSA key, each would break the whole set)
    verifier = _verifier(RawJwks(jwks_document(stranger, key.jwk)), clock)
    # WHEN / THEN the pool's tokens are still accepted
    assert verifier.verify(tokens.mint()).sub == "user-123"


@pytest.mark.parametrize(
    "override",
    [{"alg": "RS512"}, {"alg": "HS256"}, {"alg": None}, {"use": "enc"}, {"kty": "oct"}],
    ids=["alg-rs512", "alg-hs256", "alg-null", "use-enc", "kty-oct"],
)
def test_a_kid_whose_entry_is_not_an_rs256_signing_key_is_unknown(
    tokens: TokenFactory,
    clock: FakeClock,
    key: SigningKey,
    other_key: SigningKey,
    override: dict[str, object],
) -> None:
    # GIVEN a JWKS whose entry for our kid is meant for another algorithm, use or key type
    document = jwks_document({**key.jwk, **override}, other_key.jwk)
    verifier = _verifier(RawJwks(document), clock)
    # WHEN / THEN that entry verifies nothing: the token's key is unknown
    with pytest.raises(InvalidToken, match=exactly(UNKNOWN_KEY)):
        verifier.verify(tokens.mint())
    # while the set's RS256 signing key works
    assert verifier.verify(tokens.mint(key=other_key)).sub == "user-123"


@pytest.mark.parametrize("left_out", [("alg",), ("use",), ("alg", "use")], ids="-".join)
def test_alg_and_use_may_be_left_out_of_an_rsa_key(
    tokens: TokenFactory, clock: FakeClock, key: SigningKey, left_out: tuple[str, ...]
) -> None:
    # GIVEN an RSA key whose entry leaves out what RFC 7517 makes optional
    entry = {name: value for name, value in key.jwk.items() if name not in left_out}
    verifier = _verifier(RawJwks(jwks_document(entry)), clock)
    # WHEN / THEN it verifies RS256 tokens
    assert verifier.verify(tokens.mint()).sub == "user-123"


def test_a_jwks_of_no_usable_key_is_a_503(tokens: TokenFactory, clock: FakeClock) -> None:
    verifier = _verifier(RawJwks(jwks_document(EC_KEY)), clock)
    with pytest.raises(DependencyUnavailable, match=exactly(NO_SIGNING_KEYS)):
        verifier.verify(tokens.mint())


class HangingJwks:
    """Serves the key set at once the first time; later fetches hang until released."""

    def __init__(self, document: bytes) -> None:
        self.document = document
        self.fetches = 0
        self.hanging = threading.Event()
        self.release = threading.Event()
        self.returned = threading.Event()

    def fetch(self) -> bytes:
        self.fetches += 1
        if self.fetches > 1:
            self.hanging.set()
            # Bounded, so that a verifier that waits for this fetch fails instead of hanging.
            self.release.wait(timeout=5)
            self.returned.set()
        return self.document


def test_known_keys_are_served_while_a_refetch_hangs(
    tokens: TokenFactory, clock: FakeClock, key: SigningKey
) -> None:
    # GIVEN a warm cache, and a refetch (asked for by a made-up kid) stuck at the provider
    jwks = HangingJwks(jwks_document(key.jwk))
    verifier = _verifier(jwks, clock)
    verifier.verify(tokens.mint())
    clock.advance(10)
    refusals: list[InvalidToken] = []

    def present_a_made_up_kid() -> None:
        try:
            verifier.verify(tokens.mint(kid="made-up"))
        except InvalidToken as exc:
            refusals.append(exc)

    stranger = threading.Thread(target=present_a_made_up_kid)
    stranger.start()
    try:
        assert jwks.hanging.wait(timeout=5)
        # WHEN an honest token arrives meanwhile
        claims = verifier.verify(tokens.mint())
        # THEN it is verified from the cache, without waiting for the fetch
        assert claims.sub == "user-123"
        assert not jwks.returned.is_set()
    finally:
        jwks.release.set()
        stranger.join()
    # and the made-up kid is refused once the fetch is done
    assert [exc.message for exc in refusals] == [UNKNOWN_KEY]


class _Endpoint(socketserver.ThreadingTCPServer):
    """A JWKS endpoint on 127.0.0.1 that answers each request with `answer`, raw bytes."""

    daemon_threads = True
    answer = b""
    hold = False  # answer only once released (or after 5 s)

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/.well-known/jwks.json"


class _Answer(socketserver.StreamRequestHandler):
    server: _Endpoint

    def handle(self) -> None:
        while self.rfile.readline() not in (b"\r\n", b""):
            pass  # the request's head
        if self.server.hold:
            self.server.release.wait(timeout=5)
        with contextlib.suppress(OSError):  # the client gave up first
            self.wfile.write(self.server.answer)


def _ok(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    return f"{head}\r\nConnection: close\r\n\r\n".encode() + body


@pytest.fixture
def endpoint() -> Iterator[_Endpoint]:
    server = _Endpoint()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


def test_http_source_returns_the_document(endpoint: _Endpoint, key: SigningKey) -> None:
    # GIVEN an endpoint that serves the pool's key set
    document = jwks_document(key.jwk)
    endpoint.answer = _ok(document)
    # WHEN / THEN it is fetched as it is
    assert HttpJwksSource(url=endpoint.url, timeout_seconds=5).fetch() == document


def test_http_source_reads_no_more_than_a_mebibyte(endpoint: _Endpoint) -> None:
    # GIVEN an endpoint that answers one byte more than a JWKS may hold
    endpoint.answer = _ok(b" " * (MAX_JWKS_BYTES + 1))
    # WHEN / THEN the source stops at the limit (the parser then calls it malformed)
    assert len(HttpJwksSource(url=endpoint.url, timeout_seconds=5).fetch()) == MAX_JWKS_BYTES


def test_http_source_gives_up_after_its_timeout(endpoint: _Endpoint, key: SigningKey) -> None:
    # GIVEN an endpoint that takes the connection and then says nothing (for 5 s)
    endpoint.hold = True
    endpoint.answer = _ok(jwks_document(key.jwk))
    source = HttpJwksSource(url=endpoint.url, timeout_seconds=0.1)
    # WHEN / THEN the fetch gives up after its timeout: the provider is unavailable
    with pytest.raises(DependencyUnavailable, match=exactly(JWKS_UNREACHABLE)):
        source.fetch()


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(b"", id="closed-without-answer"),
        pytest.param(b"garbage\r\n\r\n", id="not-http"),
        pytest.param(b"HTTP/1.1 503 Slow Down\r\nContent-Length: 0\r\n\r\n", id="503"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", id="bad-chunk"
        ),
    ],
)
def test_http_source_reports_an_answer_that_is_no_jwks_response(
    endpoint: _Endpoint, answer: bytes
) -> None:
    # GIVEN an endpoint that answers with an error, or not in HTTP at all
    endpoint.answer = answer
    # WHEN / THEN the provider is unavailable (503), never an unhandled error (500)
    with pytest.raises(DependencyUnavailable, match=exactly(JWKS_UNREACHABLE)):
        HttpJwksSource(url=endpoint.url, timeout_seconds=5).fetch()
