"""`make unit`'s promise, enforced: no test in it starts a server, a tool or a stack.

conftest.py deselects the tests whose fixtures need DynamoDB Local or moto's server; this guard
fails any test that starts one anyway (a fixture resolved at run time, a server started in the
test's body, the SAM CLI, `python -m portfolio_api.devstack`), so the fast loop cannot slowly
turn into the slow one.
"""

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

ADVICE = (
    "tests in make unit start no server, tool or stack: use the dynamodb_local or moto_server "
    "fixture (which keep the test out of make unit), or move the test out of tests/unit"
)


def _is_python_one_liner(args: Any) -> bool:
    """`python -c "..."` on this interpreter: a check of start-up, which starts nothing else."""
    if isinstance(args, str | bytes):
        return False
    argv = [str(arg) for arg in args]
    return len(argv) >= 2 and argv[0] == sys.executable and argv[1] == "-c"


@contextmanager
def servers_refused() -> Iterator[None]:
    real_popen = subprocess.Popen

    def popen(args: Any, *more: Any, **options: Any) -> "subprocess.Popen[Any]":
        if not _is_python_one_liner(args):
            pytest.fail(f"started {args!r}: {ADVICE}", pytrace=False)
        return real_popen(args, *more, **options)

    def moto_server(self: ThreadedMotoServer, *args: Any, **kwargs: Any) -> None:
        pytest.fail(f"started moto's server: {ADVICE}", pytrace=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess, "Popen", popen)
        patch.setattr(ThreadedMotoServer, "__init__", moto_server)
        yield
