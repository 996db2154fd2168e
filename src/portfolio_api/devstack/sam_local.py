"""`make sam-local`: the built Lambda function under `sam local start-api`, on make dev's stack.

python -m portfolio_api.devstack.sam_local --state-file .dev-stack.json --env-file F ... [--dry-run]

make dev writes its URLs, pool and client to the state file while it runs. This turns them into
the `--env-vars` file for ApiFunction, as the Lambda container reaches them: on Linux the
container shares the host's network (`--docker-network host`) and finds them on 127.0.0.1;
Docker Desktop (macOS, Windows) forwards host.docker.internal to the host's loopback.
"""

import argparse
import json
import logging
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.processes import answers_http

logger = logging.getLogger("devstack")

FUNCTION = "ApiFunction"
TEMPLATE = REPO_ROOT / "template.yaml"
DEFAULT_EPHEMERAL_TABLE = "portfolio-ephemeral-local"
DEFAULT_MEDIA_BUCKET = "portfolio-media-local"
CORS_ORIGINS = "http://localhost:5173,http://localhost:8080,http://127.0.0.1:3000"
DOCKER_STYLES = ("linux", "desktop")
# Local services take any credentials; the host's real ones must not reach the container.
SAM_ENVIRONMENT = {
    "SAM_CLI_TELEMETRY": "0",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
}
DROPPED_ENVIRONMENT = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN")


class SamLocalError(RuntimeError):
    """sam local cannot start; the message says what to do."""


@dataclass(frozen=True, kw_only=True)
class DockerReach:
    """How the function's container reaches the host's make dev."""

    host: str
    network: str | None  # a --docker-network for the container, or Docker's default


def docker_reach(*, platform: str, style: str = "", host: str = "") -> DockerReach:
    """Linux: the host's network and 127.0.0.1. Elsewhere: Docker Desktop's host name."""
    chosen = style or ("linux" if platform.startswith("linux") else "desktop")
    if chosen not in DOCKER_STYLES:
        raise SamLocalError(f"SAM_LOCAL_DOCKER={chosen!r}: use linux or desktop")
    if chosen == "linux":
        return DockerReach(host=host or "127.0.0.1", network="host")
    return DockerReach(host=host or "host.docker.internal", network=None)


def load_stack_state(path: Path) -> dict[str, Any]:
    """make dev's state file, if make dev is up: it is removed when the stack stops."""
    start = "start it in another terminal with make dev, then run make sam-local again"
    if not path.exists():
        raise SamLocalError(f"make dev is not running ({path.name} is missing): {start}")
    state: dict[str, Any] = json.loads(path.read_text())
    if not all(answers_http(state[key]) for key in ("dynamodbUrl", "cognitoUrl")):
        raise SamLocalError(f"make dev's stack in {path.name} does not answer: {start}")
    return state


def declared_variables(template: Path = TEMPLATE) -> set[str]:
    """The environment ApiFunction declares: `sam local` sets those only, ignoring the rest."""
    document = yaml.load(template.read_text(), Loader=_TemplateLoader)  # noqa: S506  # a SafeLoader subclass
    function = document["Resources"][FUNCTION]["Properties"]
    return set(function.get("Environment", {}).get("Variables", {}))


class _TemplateLoader(yaml.SafeLoader):
    """Reads template.yaml's `!Ref`, `!If`... as nothing: only the variables' names matter."""


_TemplateLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _on_host(url: str, *, host: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{host}:{parts.port}"))


def function_environment(
    state: Mapping[str, Any], *, reach: DockerReach, declared: set[str]
) -> dict[str, str]:
    """ApiFunction's settings against make dev's stack, limited to what the template declares."""
    cognito = _on_host(state["cognitoUrl"], host=reach.host)
    bucket = state.get("mediaBucket", DEFAULT_MEDIA_BUCKET)
    wanted = {
        "ENVIRONMENT": "local",
        "LOG_LEVEL": "DEBUG",
        "DYNAMODB_TABLE_NAME": state["tableName"],
        "DYNAMODB_EPHEMERAL_TABLE_NAME": state.get("ephemeralTableName", DEFAULT_EPHEMERAL_TABLE),
        "DYNAMODB_ENDPOINT_URL": _on_host(state["dynamodbUrl"], host=reach.host),
        "COGNITO_ENDPOINT_URL": cognito,
        "COGNITO_USER_POOL_ID": state["userPoolId"],
        "COGNITO_CLIENT_ID": state["clientId"],
        "COGNITO_JWKS_URL": f"{cognito}/{state['userPoolId']}/.well-known/jwks.json",
        "CORS_ORIGINS": CORS_ORIGINS,
        # moto's server is make dev's S3: the function reaches it through Docker's host, a
        # browser opens the media URLs on this machine.
        "S3_ENDPOINT_URL": cognito,
        "MEDIA_BUCKET_NAME": bucket,
        "MEDIA_BASE_URL": f"{state['cognitoUrl']}/{bucket}",
    }
    left_out = sorted(set(wanted) - declared)
    if left_out:
        logger.info("template.yaml's %s does not declare %s: left out", FUNCTION, left_out)
    return {name: value for name, value in wanted.items() if name in declared}


def write_env_file(path: Path, *, variables: Mapping[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({FUNCTION: dict(variables)}, indent=2) + "\n")


def start_api_command(
    *, uv: str, sam_cli: str, env_file: Path, reach: DockerReach, region: str, port: int
) -> list[str]:
    command = [uv, "tool", "run", "--from", sam_cli, "sam", "local", "start-api"]
    command += ["--env-vars", str(env_file), "--port", str(port), "--region", region]
    # LAZY: one container per function, kept warm between requests.
    command += ["--warm-containers", "LAZY"]
    if reach.network:
        command += ["--docker-network", reach.network]
    return command


def shell_line(command: list[str]) -> str:
    assignments = [f"{name}={value}" for name, value in SAM_ENVIRONMENT.items()]
    return shlex.join([*assignments, *command])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m portfolio_api.devstack.sam_local")
    parser.add_argument("--state-file", type=Path, required=True, help="make dev's state")
    parser.add_argument("--env-file", type=Path, required=True, help="the --env-vars to write")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--uv", required=True, help="the uv executable")
    parser.add_argument("--sam-cli", required=True, help="the pinned SAM CLI requirement")
    parser.add_argument("--docker", default="", help="linux or desktop (default: by platform)")
    parser.add_argument("--host", default="", help="how the container names the host")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check-only", action="store_true", help="only check that make dev is up")
    mode.add_argument("--dry-run", action="store_true", help="write the file, print the command")
    return parser


def prepare(args: argparse.Namespace, *, platform: str = sys.platform) -> list[str]:
    """Check make dev, write the env-vars file; the sam command that would run."""
    state = load_stack_state(args.state_file)
    reach = docker_reach(platform=platform, style=args.docker.strip(), host=args.host.strip())
    variables = function_environment(state, reach=reach, declared=declared_variables())
    write_env_file(args.env_file, variables=variables)
    return start_api_command(
        uv=args.uv,
        sam_cli=args.sam_cli,
        env_file=args.env_file,
        reach=reach,
        region=state["region"],
        port=args.port,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    try:
        if args.check_only:
            load_stack_state(args.state_file)
            return 0
        command = prepare(args)
    except SamLocalError as exc:
        logger.error("make sam-local: %s", exc)
        return 1
    logger.info("Environment for %s: %s\n%s", FUNCTION, args.env_file, shell_line(command))
    if args.dry_run:
        return 0
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENVIRONMENT} | SAM_ENVIRONMENT
    try:
        return subprocess.run(command, cwd=REPO_ROOT, env=env, check=False).returncode  # noqa: S603  # argv built above
    except KeyboardInterrupt:  # Ctrl-C stops sam too: it is in the same process group
        return 130


if __name__ == "__main__":
    sys.exit(main())
