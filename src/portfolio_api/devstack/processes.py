"""Child processes that never outlive the stack, and ports nobody else holds."""

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Self


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
            raise RuntimeError(f"{what} exited with code {process.returncode}:\n{_tail(log)}")
        if ready():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not answer within {timeout:.0f} s:\n{_tail(log)}")


def stop_process(process: subprocess.Popen[bytes], *, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log: Path | None, lines: int = 20) -> str:
    if log is None:
        return "(its output is above)"
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"
