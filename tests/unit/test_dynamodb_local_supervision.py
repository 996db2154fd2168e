"""make dev's supervision of DynamoDB Local, with children that stand in for Java.

tests/e2e/test_local_stack.py kills the real one; these check the rule: restart, say so, and
stop the stack when it keeps dying.
"""

import logging
import subprocess
import sys

import pytest

from portfolio_api.devstack.processes import GaveUp, RestartPolicy, Supervisor, describe_exit
from portfolio_api.devstack.stack import StackError, serve_until_stopped

DYING = [sys.executable, "-c", "import sys; print('java.lang.OutOfMemoryError'); sys.exit(3)"]


class DyingChild:
    """A real process that exits at once, every time it is started."""

    name = "DynamoDB Local"

    def __init__(self) -> None:
        self.restarts = 0
        self._process, self.output = self._run()

    @staticmethod
    def _run() -> tuple["subprocess.Popen[str]", str]:
        process = subprocess.Popen(DYING, stdout=subprocess.PIPE, text=True)
        output, _ = process.communicate(timeout=60)
        return process, output

    def exit_code(self) -> int | None:
        return self._process.poll()

    def restart(self) -> None:
        self.restarts += 1
        self._process, self.output = self._run()

    def restart_plan(self) -> str:
        return "on port 8001, data kept in /tmp/data"

    def last_output(self) -> str:
        return self.output


class ScriptedChild:
    """Exits whenever told to; restarts always work."""

    name = "DynamoDB Local"

    def __init__(self) -> None:
        self.code: int | None = None
        self.starts = 0

    def exit_code(self) -> int | None:
        return self.code

    def restart(self) -> None:
        self.starts += 1
        self.code = None

    def restart_plan(self) -> str:
        return "on port 8001, in memory: its tables come back empty"

    def last_output(self) -> str:
        return ""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ApiThatRuns:
    def poll(self) -> int | None:
        return None


def _restart_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "exited unexpectedly" in r.getMessage()]


def test_a_child_that_keeps_dying_stops_the_stack_saying_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN DynamoDB Local dead, and every restart of it dying at once
    child = DyingChild()
    supervisor = Supervisor(child, policy=RestartPolicy(max_restarts=3, window=60))
    caplog.set_level(logging.INFO, logger="devstack")
    # WHEN the stack watches it
    with pytest.raises(StackError) as stopped:
        serve_until_stopped(ApiThatRuns(), supervisor=supervisor, interval=0)
    # THEN it was restarted three times, each said in one line
    assert child.restarts == 3
    lines = _restart_lines(caplog)
    assert len(lines) == 3
    assert lines[0] == (
        "make dev: DynamoDB Local exited unexpectedly (exit code 3); restarting it on port 8001,"
        " data kept in /tmp/data (restart 1; more than 3 within 60 s stops the stack)"
    )
    # AND the fourth exit stopped the stack with why, and Java's last words
    message = str(stopped.value)
    assert "DynamoDB Local exited 4 times within 60 s (last: exit code 3)" in message
    assert "so the stack stops" in message
    assert "java.lang.OutOfMemoryError" in message
    assert isinstance(stopped.value.__cause__, GaveUp)


def test_deaths_further_apart_than_the_window_are_restarted_every_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN DynamoDB Local killed once every 61 s, ten times
    child, clock, restored = ScriptedChild(), Clock(), []
    policy = RestartPolicy(max_restarts=3, window=60)
    supervisor = Supervisor(
        child, policy=policy, clock=clock, after_restart=lambda: restored.append(clock.now)
    )
    caplog.set_level(logging.INFO, logger="devstack")
    for _ in range(10):
        clock.now += 61
        child.code = -9
        # WHEN the stack looks THEN it restarts it, and never gives up
        supervisor.check()
        assert child.exit_code() is None
    assert child.starts == len(restored) == len(_restart_lines(caplog)) == 10
    assert "(killed by SIGKILL); restarting it on port 8001, in memory" in _restart_lines(caplog)[0]


def test_a_running_child_is_left_alone_and_a_fourth_death_in_the_window_is_too_many() -> None:
    # GIVEN DynamoDB Local running
    child, clock = ScriptedChild(), Clock()
    supervisor = Supervisor(child, policy=RestartPolicy(max_restarts=3, window=60), clock=clock)
    # WHEN the stack looks THEN nothing happens
    supervisor.check()
    assert child.starts == 0
    # WHEN it dies three times in 57 s THEN each is restarted
    for _ in range(3):
        clock.now += 19
        child.code = 137
        supervisor.check()
    assert child.starts == 3
    # WHEN it dies a fourth time within 60 s of the first THEN the supervisor gives up
    clock.now += 2
    child.code = 137
    with pytest.raises(GaveUp, match="exited 4 times within 60 s"):
        supervisor.check()
    assert child.starts == 3


@pytest.mark.parametrize(
    ("code", "words"),
    [(0, "exit code 0"), (1, "exit code 1"), (-9, "killed by SIGKILL"), (-15, "killed by SIGTERM")],
)
def test_exit_codes_read_as_words(code: int, words: str) -> None:
    assert describe_exit(code) == words
