"""Child processes that never outlive the stack, and ports nobody else holds."""

import contextlib
import logging
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, Self

logger = logging.getLogger("devstack")


class Service:
    """Something the stack starts and stops; `with` does both."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()  # a half-started child must not outlive the failure
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As uvicorn binds: a port in TIME_WAIT after the last run is free to it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _with_parent_death_signal(command: Sequence[str]) -> list[str]:
    """If the stack itself is killed (even -9), the kernel stops the child too.

    util-linux's setpriv sets PR_SET_PDEATHSIG and execs the command; a preexec_fn would do the
    same from Python code run after fork, which is unsafe beside the moto server's threads.
    """
    setpriv = shutil.which("setpriv") if sys.platform == "linux" else None
    return [setpriv, "--pdeathsig", "TERM", *command] if setpriv else list(command)


def spawn(
    command: Sequence[str], *, env: dict[str, str] | None, log: IO[bytes] | None
) -> subprocess.Popen[bytes]:
    """Start a child; with no log it writes to our own terminal."""
    return subprocess.Popen(  # noqa: S603  # a fixed argv that the stack builds
        _with_parent_death_signal(command),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )


def answers_http(url: str) -> bool:
    """Any HTTP answer counts, an error status included: the server is up."""
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310  # a local URL we built
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_until(
    ready: Callable[[], bool],
    *,
    process: subprocess.Popen[bytes],
    timeout: float,
    what: str,
    log: Path | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}:\n{tail(log)}")
        if ready():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not answer within {timeout:.0f} s:\n{tail(log)}")


def stop_process(process: subprocess.Popen[bytes], *, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tail(log: Path | None, lines: int = 20) -> str:
    if log is None:
        return "(its output is above)"
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def describe_exit(code: int) -> str:
    """Popen's return code in words: `exit code 1`, or `killed by SIGKILL` for -9."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit code {code}"


class Restartable(Protocol):
    """A child the stack restarts when it exits on its own (DynamoDB Local)."""

    name: str

    def exit_code(self) -> int | None:
        """None while it runs (or was never started); its return code once it has exited."""
        ...

    def restart(self) -> None:
        """Start it again as before; on failure, leave it exited (exit_code() not None)."""
        ...

    def restart_plan(self) -> str:
        """What a restart keeps, for the log line: `on port 8001, data kept in .dev-data/…`."""
        ...

    def last_output(self) -> str: ...


class GaveUp(RuntimeError):
    """A supervised child kept exiting; the message says how often and shows its last output."""


@dataclass(frozen=True, kw_only=True)
class RestartPolicy:
    """At most `max_restarts` restarts in any `window` seconds; one more exit stops the stack."""

    max_restarts: int = 3
    window: float = 60.0


class Supervisor:
    """Restarts a child that exited unexpectedly, saying so in one line each time.

    Call `check()` from the main thread, the one that started the child: Linux sends the
    parent-death signal (see `spawn`) when the *thread* that forked a child ends.
    """

    def __init__(
        self,
        child: Restartable,
        *,
        policy: RestartPolicy = RestartPolicy(),  # frozen: one shared default is safe
        after_restart: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._child = child
        self._policy = policy
        self._after_restart = after_restart
        self._clock = clock
        self._exits: deque[float] = deque()
        self.restarts = 0

    def check(self) -> None:
        """Nothing if the child runs; else restart it (until it runs) or raise `GaveUp`."""
        code = self._child.exit_code()
        if code is None:
            return
        while code is not None:
            self._count(code)
            self.restarts += 1
            logger.warning(
                "make dev: %s exited unexpectedly (%s); restarting it %s "
                "(restart %d; more than %d within %.0f s stops the stack)",
                self._child.name,
                describe_exit(code),
                self._child.restart_plan(),
                self.restarts,
                self._policy.max_restarts,
                self._policy.window,
            )
            self._child.restart()
            code = self._child.exit_code()
        self._after_restart()

    def _count(self, code: int) -> None:
        now = self._clock()
        self._exits.append(now)
        while self._exits and now - self._exits[0] > self._policy.window:
            self._exits.popleft()
        if len(self._exits) > self._policy.max_restarts:
            raise GaveUp(
                f"{self._child.name} exited {len(self._exits)} times within "
                f"{self._policy.window:.0f} s (last: {describe_exit(code)}), so the stack stops "
                f"rather than restart it again. Its last output:\n{self._child.last_output()}"
            )
