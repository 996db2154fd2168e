"""Conditional reads: entity tags, `If-None-Match`, and the generation that dates a kind's lists."""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

# An entity tag, weak or strong (RFC 9110 section 8.8.3): its opaque part, quotes included.
_TAG = re.compile(r'(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")')


@dataclass(frozen=True, slots=True)
class KnownTags:
    """An `If-None-Match` header: the tags the caller holds, or None for `*` (any at all)."""

    tags: frozenset[str] | None

    def match(self, etag: str) -> bool:
        """Weak comparison (RFC 9110 section 8.8.3.2), as `If-None-Match` asks: `W/` aside,
        the opaque tags are equal. A malformed header names no tag, so it matches nothing."""
        if self.tags is None:
            return True
        opaque = _TAG.fullmatch(etag)
        return opaque is not None and opaque.group(1) in self.tags

    @classmethod
    def from_header(cls, header: str) -> "KnownTags":
        if header.strip() == "*":
            return cls(None)
        return cls(frozenset(_TAG.findall(header)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Conditional[T]:
    """A read's answer to a conditional request: the current tag, and the value unless the
    caller holds it already (`value` None: the caller's `If-None-Match` names `etag`)."""

    etag: str
    value: T | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Generation:
    """How many times a kind's content has changed, and when last (None: not since counting
    began). Every write readers could see adds one, in the write's own transaction.

    `schedule` holds, by item id, when each item published for later goes live: readers see
    those items appear without a write, so what a page stands for also depends on how many of
    these times have passed (`released`).
    """

    number: int
    changed_at: datetime | None
    schedule: tuple[tuple[str, datetime], ...] = ()

    def released(self, *, now: datetime) -> int:
        """How many scheduled times have passed: within one generation it only grows."""
        return sum(1 for _, moment in self.schedule if moment <= now)

    def stamp(self, *, now: datetime) -> str:
        """What a page built now stands for: the generation, and the schedules passed."""
        released = self.released(now=now)
        return f"g{self.number}" + (f"r{released}" if released else "")

    def settled(self, *, now: datetime, after: timedelta) -> bool:
        """Whether eventually consistent reads (the list index, BatchGet) have surely caught up
        with the last change: only then may a page built now stand for this generation."""
        return self.changed_at is None or now - self.changed_at >= after


def weak_etag(prefix: str, *parts: object) -> str:
    """A weak tag: `prefix`, then a digest of `parts` (the same parts always give the same tag)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=9).hexdigest()
    return f'W/"{prefix}-{digest}"'
