"""`make dev`: DynamoDB Local, moto (Cognito, S3 for media) and uvicorn, up and down together."""

import contextlib
import fcntl
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Self

from botocore.exceptions import BotoCoreError, ClientError

from portfolio_api.config import DEFAULT_CORS_ORIGINS
from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.cognito import LocalUserPool, MotoServer, bootstrap_owner_pool
from portfolio_api.devstack.dynamodb_local import DynamoDBLocal, local_dynamodb_client
from portfolio_api.devstack.media import create_media_bucket, public_base_url, s3_client
from portfolio_api.devstack.processes import (
    GaveUp,
    RestartPolicy,
    Service,
    Supervisor,
    answers_http,
    port_is_free,
    spawn,
    stop_process,
    wait_until,
)
from portfolio_api.devstack.table_spec import (
    EPHEMERAL_TABLE,
    MAIN_TABLE,
    ensure_table,
    load_table_spec,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

logger = logging.getLogger("devstack")

DEFAULT_DATA_DIR = REPO_ROOT / ".dev-data"
DEFAULT_OWNER_EMAIL = "owner@example.com"
DEFAULT_OWNER_PASSWORD = "Local-Owner-Passw0rd!"  # noqa: S105  # documented local-only default
API_STARTUP_TIMEOUT = 60.0
# How often the stack looks at its children while it serves: a DynamoDB Local that died is seen
# (and restarted) within this.
WATCH_INTERVAL = 0.5


class StackError(RuntimeError):
    """The stack cannot start; the message says what to change."""


@dataclass(frozen=True, kw_only=True)
class StackOptions:
    host: str = "127.0.0.1"
    api_port: int = 8000
    dynamodb_port: int = 0
    cognito_port: int = 0
    data_dir: Path | None = DEFAULT_DATA_DIR
    reload: bool = True
    region: str = "us-east-1"
    table_name: str = "portfolio-local"
    ephemeral_table_name: str = "portfolio-ephemeral-local"
    media_bucket: str = "portfolio-media-local"
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    owner_email: str = DEFAULT_OWNER_EMAIL
    owner_password: str = DEFAULT_OWNER_PASSWORD
    owner_name: str = "Portfolio Owner"
    owner_group: str = "owner"
    ready_file: Path | None = None
    dynamodb_restarts: RestartPolicy = field(default_factory=RestartPolicy)

    @classmethod
    def from_environment(
        cls, env: Mapping[str, str], *, in_memory: bool, reload: bool, ready_file: Path | None
    ) -> Self:
        return cls(
            host=env.get("HOST", cls.host),
            api_port=_port(env, "PORT", cls.api_port),
            dynamodb_port=_port(env, "DYNAMODB_LOCAL_PORT", 0),
            cognito_port=_port(env, "COGNITO_LOCAL_PORT", 0),
            data_dir=None if in_memory else Path(env.get("DEV_DATA_DIR", str(DEFAULT_DATA_DIR))),
            reload=reload,
            region=env.get("AWS_REGION", cls.region),
            table_name=env.get("DYNAMODB_TABLE_NAME", cls.table_name),
            ephemeral_table_name=env.get("DYNAMODB_EPHEMERAL_TABLE_NAME", cls.ephemeral_table_name),
            media_bucket=env.get("MEDIA_BUCKET_NAME", cls.media_bucket),
            cors_origins=_origins(env.get("CORS_ORIGINS")) or DEFAULT_CORS_ORIGINS,
            owner_email=env.get("OWNER_EMAIL", cls.owner_email),
            owner_password=env.get("OWNER_PASSWORD", cls.owner_password),
            owner_name=env.get("OWNER_NAME", cls.owner_name),
            owner_group=env.get("OWNER_GROUP", cls.owner_group),
            ready_file=ready_file,
        )


def _origins(raw: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (raw or "").split(",") if part.strip())


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise StackError(f"{name}={raw!r} is not a TCP port")
    return int(raw)


class Running(Protocol):
    def poll(self) -> int | None:
        """None while it runs, else its exit code."""
        ...


class ApiServer(Service):
    """uvicorn in a child process; with reload it restarts on every change under src/."""

    def __init__(
        self, *, host: str, port: int, env: dict[str, str], reload: bool, access_log: bool
    ) -> None:
        self.url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"  # noqa: S104
        self._command = [sys.executable, "-m", "uvicorn", "portfolio_api.main:app"]
        # The app reads X-Forwarded-For itself, and only when TRUSTED_PROXY_HOPS says so.
        self._command += ["--host", host, "--port", str(port), "--no-proxy-headers"]
        if reload:
            self._command += ["--reload", "--reload-dir", str(REPO_ROOT / "src")]
        if not access_log:
            self._command += ["--no-access-log"]
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        self._process = spawn(self._command, env=self._env, log=None)
        wait_until(
            lambda: answers_http(f"{self.url}/health"),
            process=self._process,
            timeout=API_STARTUP_TIMEOUT,
            what="uvicorn",
        )
        return self

    def poll(self) -> int | None:
        return self._process.poll() if self._process else 0

    @property
    def pid(self) -> int:
        return self._process.pid if self._process else 0

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process)


@contextmanager
def _exclusive(data_dir: Path) -> Iterator[None]:
    """Two DynamoDB Locals on one data folder would corrupt it; the second stack refuses."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StackError(f"another local stack is using {data_dir}; stop it first") from exc
        yield


def app_environment(
    options: StackOptions, *, dynamodb_url: str, pool: LocalUserPool, s3_url: str
) -> dict[str, str]:
    """The app's settings for this stack. Real AWS credentials and profiles never reach it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        ENVIRONMENT="local",
        AWS_REGION=options.region,
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",  # noqa: S106  # DynamoDB Local and moto take any keys
        DYNAMODB_TABLE_NAME=options.table_name,
        DYNAMODB_EPHEMERAL_TABLE_NAME=options.ephemeral_table_name,
        DYNAMODB_ENDPOINT_URL=dynamodb_url,
        COGNITO_REGION=pool.region,
        COGNITO_USER_POOL_ID=pool.user_pool_id,
        COGNITO_CLIENT_ID=pool.client_id,
        COGNITO_ENDPOINT_URL=pool.endpoint_url,
        COGNITO_JWKS_URL=pool.jwks_url,
        OWNER_GROUP=options.owner_group,
        # moto's server, on the Cognito port, stands in for S3 and CloudFront both.
        MEDIA_BUCKET_NAME=options.media_bucket,
        MEDIA_BASE_URL=public_base_url(endpoint_url=s3_url, bucket=options.media_bucket),
        S3_ENDPOINT_URL=s3_url,
    )
    # A person reads this log: one line per event, not JSON. Business metrics are CloudWatch's
    # (EMF lines), nobody's at a terminal. A LOG_FORMAT or POWERTOOLS_METRICS_DISABLED of the
    # developer's own still wins, to see what Lambda would print.
    env.setdefault("LOG_FORMAT", "text")
    env.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    return env


def run_stack(options: StackOptions) -> int:
    """Start everything, serve until uvicorn stops or Ctrl-C, stop everything; uvicorn's code.

    While it serves, a DynamoDB Local that exits is restarted (`options.dynamodb_restarts`);
    one that keeps exiting stops the stack with a StackError saying so.
    """
    if not port_is_free(options.api_port, options.host):
        raise StackError(f"port {options.api_port} is taken; set PORT to a free one")
    with ExitStack() as stack:
        data_dir = options.data_dir
        if data_dir is not None:
            stack.enter_context(_exclusive(data_dir))
        dynamodb = stack.enter_context(
            DynamoDBLocal(
                port=options.dynamodb_port, data_dir=data_dir / "dynamodb" if data_dir else None
            )
        )
        moto = stack.enter_context(MotoServer(port=options.cognito_port))
        client = local_dynamodb_client(endpoint_url=dynamodb.endpoint_url, region=options.region)
        _ensure_tables(client, options)
        pool = bootstrap_owner_pool(
            endpoint_url=moto.endpoint_url,
            region=options.region,
            owner_email=options.owner_email,
            owner_password=options.owner_password,
            owner_name=options.owner_name,
            owner_group=options.owner_group,
        )
        create_media_bucket(
            s3_client(endpoint_url=moto.endpoint_url, region=options.region),
            bucket=options.media_bucket,
            region=options.region,
            origins=options.cors_origins,
        )
        env = app_environment(
            options, dynamodb_url=dynamodb.endpoint_url, pool=pool, s3_url=moto.endpoint_url
        )
        api = stack.enter_context(
            # No access log: uvicorn's names each client's IP address, which is never logged.
            ApiServer(
                host=options.host,
                port=options.api_port,
                env=env,
                reload=options.reload,
                access_log=False,
            )
        )
        _announce(options, api_url=api.url, dynamodb_url=dynamodb.endpoint_url, pool=pool)
        running = _Running(options=options, api=api, dynamodb=dynamodb, pool=pool, client=client)
        if options.ready_file is not None:
            running.write_ready_file()
            stack.callback(_remove_ready_file, options.ready_file, api_pid=api.pid)
        supervisor = Supervisor(
            dynamodb, policy=options.dynamodb_restarts, after_restart=running.after_restart
        )
        return serve_until_stopped(api, supervisor=supervisor)


@dataclass(frozen=True, kw_only=True)
class _Running:
    """The stack once up: what a DynamoDB Local restart has to bring back in line."""

    options: StackOptions
    api: ApiServer
    dynamodb: DynamoDBLocal
    pool: LocalUserPool
    client: "DynamoDBClient"

    def write_ready_file(self) -> None:
        if self.options.ready_file is not None:
            _write_ready_file(
                self.options,
                api=self.api,
                dynamodb=self.dynamodb,
                pool=self.pool,
                path=self.options.ready_file,
            )

    def after_restart(self) -> None:
        """An in-memory DynamoDB Local came back without tables (one on disk kept them), and
        with another pid, which the ready file shows."""
        try:
            _ensure_tables(self.client, self.options)
        except (BotoCoreError, ClientError) as exc:
            # Java died again meanwhile: the next check restarts it and comes back here.
            logger.warning("make dev: the tables could not be checked after the restart: %s", exc)
        self.write_ready_file()


def serve_until_stopped(
    api: Running, *, supervisor: Supervisor, interval: float = WATCH_INTERVAL
) -> int:
    """uvicorn's exit code once it stops; meanwhile the supervisor keeps DynamoDB Local up."""
    while (code := api.poll()) is None:
        try:
            supervisor.check()
        except GaveUp as exc:
            raise StackError(str(exc)) from exc
        time.sleep(interval)
    return code


def _ensure_tables(client: "DynamoDBClient", options: StackOptions) -> None:
    ensure_table(client, table_name=options.table_name, spec=load_table_spec(MAIN_TABLE))
    ensure_table(
        client,
        table_name=options.ephemeral_table_name,
        spec=load_table_spec(EPHEMERAL_TABLE),
    )


def _announce(
    options: StackOptions, *, api_url: str, dynamodb_url: str, pool: LocalUserPool
) -> None:
    storage = f"data in {options.data_dir}" if options.data_dir else "in memory"
    body = json.dumps({"email": options.owner_email, "password": options.owner_password})
    logger.info(
        "\nPortfolio API local stack is up.\n"
        "  API       %(api)s  (Swagger UI: %(api)s/docs)\n"
        "  DynamoDB  %(ddb)s  tables %(table)s and %(ephemeral)s, %(storage)s\n"
        "  Cognito   %(cognito)s  pool %(pool)s, client %(client)s\n"
        "  S3        %(cognito)s  bucket %(bucket)s (media at %(cognito)s/%(bucket)s/media/…)\n"
        "  Owner     %(email)s / %(password)s\n\n"
        "Sign in:\n  curl -s -X POST %(api)s/v1/auth/login -H 'Content-Type: application/json' "
        "-d '%(body)s'\n\nCtrl-C stops everything.\n",
        {
            "api": api_url,
            "ddb": dynamodb_url,
            "table": options.table_name,
            "ephemeral": options.ephemeral_table_name,
            "storage": storage,
            "cognito": pool.endpoint_url,
            "pool": pool.user_pool_id,
            "client": pool.client_id,
            "bucket": options.media_bucket,
            "email": options.owner_email,
            "password": options.owner_password,
            "body": body,
        },
    )


def _write_ready_file(
    options: StackOptions,
    *,
    api: ApiServer,
    dynamodb: DynamoDBLocal,
    pool: LocalUserPool,
    path: Path,
) -> None:
    """What a test or make sam-local needs to know; written last, so it means `ready`."""
    state = {
        "apiUrl": api.url,
        "apiPid": api.pid,
        "dynamodbUrl": dynamodb.endpoint_url,
        "dynamodbPid": dynamodb.pid,
        "tableName": options.table_name,
        "ephemeralTableName": options.ephemeral_table_name,
        "cognitoUrl": pool.endpoint_url,
        "userPoolId": pool.user_pool_id,
        "clientId": pool.client_id,
        "region": pool.region,
        "mediaBucket": options.media_bucket,
        "ownerEmail": options.owner_email,
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state))
    temporary.replace(path)


def _remove_ready_file(path: Path, *, api_pid: int) -> None:
    """Gone with the stack, so make sam-local never aims at a stopped one. A file that another
    stack wrote since (a second make dev on another data folder) is that stack's to remove."""
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text()).get("apiPid") == api_pid:
            path.unlink()
