"""SnapStart: what an execution environment restored from a snapshot renews before serving.

Lambda snapshots the process once main.py has built the app, and restores that one snapshot into
every new execution environment, days later perhaps. Nothing time-dependent or unique is made at
init (ids, salts and days are computed per request, from the clock and the kernel's random
source, which the restore reseeds); what the snapshot does hold is replaced here.
"""

import random
from typing import Any

from fastapi import FastAPI

from portfolio_api.container import build_container


def renew(app: FastAPI) -> None:
    """A new container: new boto3 clients (no connection pool from the snapshot), an empty salt
    cache, a JWKS cache that fetches afresh; and `random` reseeded, in case a library uses it."""
    random.seed()
    app.state.container = build_container(app.state.container.settings)


def register(app: FastAPI) -> bool:
    """Registers `renew` with Lambda's runtime hooks; False outside Lambda's managed runtime,
    which alone provides `snapshot_restore_py` (the artifact leaves it out) and takes snapshots."""
    try:
        import snapshot_restore_py  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError:
        return False
    hooks: Any = snapshot_restore_py
    hooks.register_after_restore(renew, app)
    return True
