"""Public pages dated by their kind's generation: tags, `If-None-Match`, and a warm Lambda's
memory of the pages it served.

A page built from a settled generation stands for that generation: its tag names the
generation, and while the generation stays the same the page is answered from memory, at the
cost of the one read of the generation item. A page built before the generation has settled
(eventually consistent reads may not show the last write yet) is tagged by its own content and
never kept.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from portfolio_api.core.clock import Clock
from portfolio_api.core.lru import SizedLru
from portfolio_api.models.conditional import Conditional, Generation, KnownTags, weak_etag

# Longer than the list index and BatchGet take to show a write (typically well under a second).
SETTLE = timedelta(seconds=5)
# Pages are measured as JSON; in memory Python holds them in about three times that.
PAGE_CACHE_BYTES = 8_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Built[T]:
    """A page as built: the value, its size as JSON, and what tells its content apart."""

    value: T
    size: int
    fingerprint: Hashable


class PageCache:
    """One per process, shared by every kind: pages keyed by kind, generation and request."""

    def __init__(self, *, clock: Clock, max_bytes: int = PAGE_CACHE_BYTES) -> None:
        self._clock = clock
        self._pages: SizedLru[tuple[Hashable, ...], object] = SizedLru(max_bytes=max_bytes)

    def answer[T](
        self,
        *,
        generation: Generation,
        shape: tuple[str, ...],
        known: KnownTags | None,
        keep: bool,
        build: Callable[[], Built[T]],
        now: datetime | None = None,
    ) -> Conditional[T]:
        """The page `shape` names (kind, route, query), or None in it when `known` holds its
        tag. `keep`: the page is public, so it may be answered from, and kept in, memory.
        `now`: the moment `build` shows (scheduled items are seen by it), the clock's if None."""
        now = now or self._clock.now()
        prefix = generation.stamp(now=now)
        if not generation.settled(now=now, after=SETTLE):
            built = build()
            return _conditional(weak_etag(prefix, *shape, built.fingerprint), built.value, known)
        etag = weak_etag(prefix, *shape)
        if known is not None and known.match(etag):
            return Conditional(etag=etag, value=None)
        key = (prefix, *shape)
        held = self._pages.get(key) if keep else None
        if held is not None:
            return Conditional(etag=etag, value=cast(T, held))
        built = build()
        if keep:
            self._pages.put(key, built.value, size=built.size)
        return Conditional(etag=etag, value=built.value)


def _conditional[T](etag: str, value: T, known: KnownTags | None) -> Conditional[T]:
    return Conditional(etag=etag, value=None if known is not None and known.match(etag) else value)
