"""Where blocking calls run: on the pool under uvicorn, inline for a Lambda invocation."""

import asyncio
import contextvars
import threading
from collections.abc import Coroutine
from typing import Any

from portfolio_api.api.blocking import run_blocking, serving_alone

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


def run[T](request: Coroutine[Any, Any, T]) -> T:
    """A fresh event loop per request, as Mangum gives each invocation a new task.

    Not `asyncio.run`: that unsets the thread's current loop, which Mangum set up and relies on.
    """
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(request)
    finally:
        loop.close()


def _where() -> tuple[str, str | None]:
    return threading.current_thread().name, request_id_var.get()


def test_a_shared_server_runs_blocking_calls_on_the_pool_with_the_request_context() -> None:
    async def serve() -> tuple[str, str | None]:
        request_id_var.set("req-1")
        with serving_alone(False):
            return await run_blocking(_where)

    thread, request_id = run(serve())
    assert thread.startswith("blocking")
    assert request_id == "req-1"


def test_a_request_served_alone_runs_them_inline() -> None:
    async def serve() -> tuple[str, str | None]:
        with serving_alone(True):
            return await run_blocking(_where)

    thread, _ = run(serve())
    assert thread == threading.current_thread().name


def _pool_threads() -> set[int]:
    return {
        thread.ident or 0 for thread in threading.enumerate() if thread.name.startswith("blocking")
    }


def test_the_pool_threads_outlive_a_request() -> None:
    # GIVEN a request served (each asyncio.run is a new event loop, as each invocation is a task)
    async def one_request() -> int:
        return await run_blocking(threading.get_ident)

    run(one_request())
    before = _pool_threads()
    # WHEN more requests come, one after another
    used = {run(one_request()) for _ in range(5)}
    # THEN they ran on threads that were already there, and no thread was started
    assert used <= before
    assert _pool_threads() == before
