"""Run as a script, never imported: SnapStart played with fork, for tests/integration/.

usage: python snapshot_and_restore.py EVENT_JSON RESTORES

Initialises the Lambda handler once, with the app's clock reading 2001-01-01 (the init happens
"then"), then forks RESTORES children, as Lambda restores one snapshot into many execution
environments. Each child runs the registered after-restore hooks, as the runtime does, serves
the event through the handler, and reports back through a pipe: the status, an id made now, a
`random` draw, and whether its clients are other objects than the snapshot's. Prints the reports
as JSON.
"""

import json
import os
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portfolio_api.core.clock import SystemClock
from portfolio_api.core.ids import new_id

INIT_TIME = datetime(2001, 1, 1, tzinfo=UTC)


class _Context:
    function_name = "snapstart"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:snapstart:live"
    aws_request_id = "snapstart"


def _initialise() -> Any:
    """main.py's init, at INIT_TIME: whatever it kept of the time would show in the restores."""
    real_now = SystemClock.now
    SystemClock.now = lambda self: INIT_TIME  # type: ignore[method-assign]
    try:
        from portfolio_api import main  # noqa: PLC0415  (the init is what is played)
    finally:
        SystemClock.now = real_now  # type: ignore[method-assign]
    return main


def _clients(container: Any) -> list[int]:
    """The container's DynamoDB client, as every repository holds it (the health probe's)."""
    return [id(container.health._probe._client)]


def _restore(main: Any, event: dict[str, Any]) -> dict[str, Any]:
    import snapshot_restore_py  # type: ignore[import-untyped]  # noqa: PLC0415

    snapshot = main.app.state.container
    for hook, args, kwargs in snapshot_restore_py.get_after_restore():
        hook(*args, **kwargs)
    container = main.app.state.container
    response = main.handler(event, _Context())
    return {
        "status": response["statusCode"],
        "id": new_id(now=SystemClock().now()),
        "random": random.random(),  # noqa: S311  (the draw only shows the state was reseeded)
        "new_container": container is not snapshot,
        "new_clients": not set(_clients(container)) & set(_clients(snapshot)),
    }


def _forked(main: Any, event: dict[str, Any]) -> dict[str, Any]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        with os.fdopen(write, "w") as pipe:
            json.dump(_restore(main, event), pipe)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        report: dict[str, Any] = json.load(pipe)
    os.waitpid(pid, 0)
    return report


def main() -> int:
    event = json.loads(Path(sys.argv[1]).read_text())
    restores = int(sys.argv[2])
    initialised = _initialise()
    print(json.dumps([_forked(initialised, event) for _ in range(restores)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
