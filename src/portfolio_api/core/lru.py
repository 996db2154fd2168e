"""A least-recently-used map bounded by the total size of its values, not by their count."""

from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock


class SizedLru[K: Hashable, V]:
    """Holds values while their sizes add up to `max_bytes` at most, dropping the least
    recently used first. A value larger than the whole budget is never kept.

    Under uvicorn, services run on a thread pool: the lock keeps the order and the total true.
    """

    def __init__(self, *, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    @property
    def size(self) -> int:
        """The sizes of the values held, added up."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: K, value: V, *, size: int) -> None:
        with self._lock:
            self._drop(key)
            if size > self._max_bytes:
                return
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self._max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[1]
