"""Blocking calls (boto3, through the services) from async routes, without blocking others.

Under uvicorn many requests share the event loop, so a blocking call goes to a thread. The
pool's threads outlive a request: anyio's, which FastAPI uses for sync routes, belong to the
task serving one request, and under Mangum every invocation is a new task, so every request
started and stopped a thread.

Under Lambda (a request that came through Mangum) the invocation is the only request the
process serves, so there is no one to block: the call runs inline. Each thread hop cost
0.3-0.7 ms of a 3-4 ms warm GET (docs/PERFORMANCE.md).
"""

import asyncio
import contextvars
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

# As many as anyio's default limiter: under uvicorn, as many blocking calls run at once as before.
_POOL = ThreadPoolExecutor(max_workers=40, thread_name_prefix="blocking")
_alone: contextvars.ContextVar[bool] = contextvars.ContextVar("alone", default=False)


@contextmanager
def serving_alone(alone: bool) -> Iterator[None]:
    """Marks the request being served as the process's only one (a Lambda invocation)."""
    token = _alone.set(alone)
    try:
        yield
    finally:
        _alone.reset(token)


async def run_blocking[**P, T](call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`call(*args, **kwargs)`, on a pool thread unless this request is served alone."""
    if _alone.get():
        return call(*args, **kwargs)
    context = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, partial(context.run, call, *args, **kwargs))
