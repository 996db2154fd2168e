"""The otpauth:// URI the API hands out, and the tests' own TOTP against RFC 6238's vectors."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from portfolio_api.services.auth import otpauth_uri
from tests.helpers.totp import another_code, totp

# RFC 6238 appendix B: the SHA-1 secret "12345678901234567890"; the codes' last six digits.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (59, "287082"),
        (1111111109, "081804"),
        (1111111111, "050471"),
        (1234567890, "005924"),
        (2000000000, "279037"),
        (20000000000, "353130"),
    ],
)
def test_the_test_totp_matches_rfc_6238(at: int, code: str) -> None:
    assert totp(RFC_SECRET, at=at) == code


def test_another_code_is_well_formed_and_different() -> None:
    assert another_code("999999") == "000000"
    assert another_code("005924") == "005925"


def test_the_otpauth_uri_is_the_key_uri_format_with_each_part_encoded() -> None:
    # GIVEN a secret and an account with characters a URI must escape
    uri = otpauth_uri(secret="JBSWY3DPEHPK3PXP", account="owner+mfa@example.com")
    # THEN the spaces are %20 (never +) and the + of the address is escaped
    assert uri == (
        "otpauth://totp/Portfolio%20API:owner%2Bmfa@example.com"
        "?secret=JBSWY3DPEHPK3PXP&issuer=Portfolio%20API"
    )
    # AND an authenticator app reading it back gets the issuer, account and secret
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/Portfolio API:owner+mfa@example.com"
    assert parse_qs(parts.query) == {"secret": ["JBSWY3DPEHPK3PXP"], "issuer": ["Portfolio API"]}
