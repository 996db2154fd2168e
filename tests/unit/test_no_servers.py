"""make unit's guard: a test in it that starts a server, a tool or a stack fails, saying why."""

import subprocess
import sys

import pytest
from moto.server import ThreadedMotoServer

from tests.helpers.no_servers import servers_refused


@pytest.mark.parametrize(
    "command",
    [
        ["java", "-jar", "DynamoDBLocal.jar", "-inMemory"],
        ["uv", "tool", "run", "--from", "aws-sam-cli", "sam", "validate"],
        [sys.executable, "-m", "portfolio_api.devstack", "--in-memory"],
        "sleep 1",
    ],
)
def test_a_server_tool_or_stack_fails_the_test(command: list[str] | str) -> None:
    with servers_refused(), pytest.raises(pytest.fail.Exception, match="start no server"):
        subprocess.run(command, check=False)


def test_moto_s_server_fails_the_test() -> None:
    with servers_refused(), pytest.raises(pytest.fail.Exception, match="moto's server"):
        ThreadedMotoServer(ip_address="127.0.0.1", port=0)


def test_a_python_one_liner_may_run() -> None:
    # start-up checks (test_settings.py) run the interpreter on a line of code, nothing more
    with servers_refused():
        done = subprocess.run(
            [sys.executable, "-c", "print('ok')"], capture_output=True, text=True, check=True
        )
    assert done.stdout == "ok\n"
