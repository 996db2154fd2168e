"""Requests that race: threads released together, so DynamoDB, not timing, settles them."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def at_once[T](count: int, call: Callable[[int], T]) -> list[T]:
    """Runs `call(0..count-1)` in threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(index: int) -> T:
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
