"""Item ids: 26 characters, URL-safe, sorting in the order they were made (ULID layout)."""

import secrets
from datetime import datetime

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32: no i, l, o, u
ID_LENGTH = 26
ID_PATTERN = r"^[0-9a-hjkmnp-tv-z]{26}$"


def new_id(*, now: datetime) -> str:
    """48 bits of milliseconds, then 80 random bits, so ids made in one millisecond still differ."""
    value = (int(now.timestamp() * 1000) << 80) | secrets.randbits(80)
    return "".join(_ALPHABET[(value >> shift) & 31] for shift in range(125, -1, -5))
