"""Who a visitor or a client is today: hashes under a random salt that changes every UTC day.

Shared by the visitor and view counters and the sign-in limit; it imports no other service.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from portfolio_api.core.calendar import Month, day_key, epoch_seconds, start_of, utc_day
from portfolio_api.core.clock import Clock
from portfolio_api.core.text import folded
from portfolio_api.models.analytics import VisitorSignal
from portfolio_api.repositories.salts import SaltRepository

SALT_BYTES = 32
# A salt outlives its day by one more: requests that began just before midnight still find it.
SALT_DAYS = 2
# Sets an address's own key apart from every visitor hash, which starts with an address.
CLIENT = "client"


@dataclass(frozen=True, kw_only=True)
class Today:
    """The moment of an event, as the dedup records and counters need it."""

    day: date
    now: int
    midnight: int

    @property
    def key(self) -> str:
        return day_key(self.day)

    @property
    def month(self) -> str:
        return Month.of(self.day).key


class VisitorIdentities:
    """Who a visitor is today: SHA-256 over the day's random salt, the IP and the User-Agent
    (folded: `core.text.folded`).

    Tomorrow's salt is new, so nobody can link today's hash to yesterday's, not even us.
    """

    def __init__(self, *, salts: SaltRepository, clock: Clock) -> None:
        self._salts = salts
        self._clock = clock
        self._cached: tuple[date, bytes] | None = None

    def today(self) -> Today:
        moment = self._clock.now()
        day = utc_day(moment)
        midnight = epoch_seconds(start_of(day + timedelta(days=1)))
        return Today(day=day, now=epoch_seconds(moment), midnight=midnight)

    def of(self, *, signal: VisitorSignal, today: Today) -> str:
        """A browser's case and spacing are not a new visitor: the User-Agent is folded first."""
        return self._hash(today, signal.ip, folded(signal.user_agent))

    def client_of(self, *, ip: str, today: Today) -> str:
        """Today's key for one address alone (a network, not a browser), as salted as `of`."""
        return self._hash(today, CLIENT, ip)

    def _hash(self, today: Today, *parts: str) -> str:
        digest = hashlib.sha256(self._salt(today.day))
        for part in parts:
            encoded = part.encode("utf-8", "surrogateescape")
            digest.update(len(encoded).to_bytes(4, "big") + encoded)
        return digest.hexdigest()

    def _salt(self, day: date) -> bytes:
        cached = self._cached
        if cached is not None and cached[0] == day:
            return cached[1]
        salt = self._salts.salt_for(
            day=day_key(day),
            candidate=secrets.token_bytes(SALT_BYTES),
            expires_at=epoch_seconds(start_of(day + timedelta(days=SALT_DAYS))),
        )
        # TTL may take days to delete a lapsed salt; this container's first request of the day
        # deletes the one that lapsed at midnight, so with any traffic it is gone at once.
        self._salts.forget(day=day_key(day - timedelta(days=SALT_DAYS)))
        self._cached = (day, salt)
        return salt
