"""TOTP codes as an authenticator app computes them (RFC 6238: HMAC-SHA1, 6 digits, 30 s).

Written here rather than taken from a library: moto checks codes with `cryptography`'s TOTP, and
a test oracle that shares the implementation under test would agree with it whatever it did.
"""

import base64
import hashlib
import hmac
import struct
import time

STEP_SECONDS = 30
DIGITS = 6


def totp(secret: str, *, at: float) -> str:
    """The code for the base32 `secret` in the 30 s step holding the Unix time `at`."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(at // STEP_SECONDS))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    (number,) = struct.unpack(">I", digest[offset : offset + 4])
    return f"{(number & 0x7FFFFFFF) % 10**DIGITS:0{DIGITS}d}"


def current_code(secret: str, *, margin_seconds: float = 3.0) -> str:
    """The code for now, once the step has at least `margin_seconds` left.

    moto accepts only the current step's code, so a code computed in a step's last moment could
    reach it in the next one; waiting out that moment (3 s at most) keeps the test exact.
    """
    left = STEP_SECONDS - time.time() % STEP_SECONDS
    if left < margin_seconds:
        time.sleep(left + 0.05)
    return totp(secret, at=time.time())


def another_code(code: str) -> str:
    """A well-formed code that is not `code`: moto accepts no step but the current one."""
    return f"{(int(code) + 1) % 10**DIGITS:0{DIGITS}d}"
