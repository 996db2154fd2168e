"""make sam-local: make dev's state into sam local's --env-vars file and command line.

Docker cannot run here, so these check what would reach it. A moto server stands in for make
dev's endpoints: any HTTP answer means "up". tests/deploy/test_template.py checks the file
against the function's environment as SAM translates the template.
"""

import argparse
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from portfolio_api.devstack import sam_local
from portfolio_api.devstack.cognito import MotoServer
from portfolio_api.devstack.processes import free_port

SAM_CLI = "aws-sam-cli==1.170.0"
POOL = "us-east-1_Local123"


def _state(url: str, **extra: str) -> dict[str, Any]:
    """The fields make dev's state file holds (devstack/stack.py's ready file)."""
    return {
        "apiUrl": "http://127.0.0.1:8000",
        "apiPid": 1,
        "dynamodbUrl": url,
        "dynamodbPid": 2,
        "tableName": "portfolio-local",
        "cognitoUrl": url,
        "userPoolId": POOL,
        "clientId": "client123",
        "region": "us-east-1",
        "ownerEmail": "owner@example.com",
        **extra,
    }


@pytest.fixture
def state_file(tmp_path: Path, moto_server: MotoServer) -> Path:
    path = tmp_path / ".dev-stack.json"
    url = moto_server.endpoint_url
    path.write_text(json.dumps(_state(url)))
    return path


def _args(state_file: Path, **options: str) -> argparse.Namespace:
    return argparse.Namespace(
        state_file=state_file,
        env_file=state_file.parent / ".aws-sam" / "sam-local-env.json",
        port=3000,
        uv="uv",
        sam_cli=SAM_CLI,
        docker=options.get("docker", ""),
        host=options.get("host", ""),
    )


def _port(url: str) -> str:
    return url.rsplit(":", 1)[1]


@pytest.mark.parametrize(
    ("platform", "host", "network_args"),
    [
        ("linux", "127.0.0.1", ["--docker-network", "host"]),
        ("darwin", "host.docker.internal", []),
        ("win32", "host.docker.internal", []),
    ],
    ids=["Linux", "Docker Desktop on macOS", "Docker Desktop on Windows"],
)
def test_the_env_file_and_command_reach_make_dev_from_the_container(
    state_file: Path, moto_server: MotoServer, platform: str, host: str, network_args: list[str]
) -> None:
    # GIVEN make dev's state file, on each kind of Docker host
    args = _args(state_file)
    # WHEN make sam-local prepares the run
    command = sam_local.prepare(args, platform=platform)
    # THEN the function's variables point at make dev through the host the container sees
    variables = json.loads(args.env_file.read_text())["ApiFunction"]
    port = _port(moto_server.endpoint_url)
    assert variables["DYNAMODB_ENDPOINT_URL"] == f"http://{host}:{port}"
    assert variables["COGNITO_ENDPOINT_URL"] == f"http://{host}:{port}"
    assert variables["COGNITO_JWKS_URL"] == f"http://{host}:{port}/{POOL}/.well-known/jwks.json"
    assert (variables["COGNITO_USER_POOL_ID"], variables["COGNITO_CLIENT_ID"]) == (
        POOL,
        "client123",
    )
    assert (variables["ENVIRONMENT"], variables["DYNAMODB_TABLE_NAME"]) == (
        "local",
        "portfolio-local",
    )
    # AND the pinned SAM CLI starts the API on :3000 with that file, in make dev's region
    assert command == [
        *["uv", "tool", "run", "--from", SAM_CLI, "sam", "local", "start-api"],
        *["--env-vars", str(args.env_file), "--port", "3000", "--region", "us-east-1"],
        *["--warm-containers", "LAZY", *network_args],
    ]


def test_the_host_and_the_docker_kind_can_be_overridden(state_file: Path) -> None:
    # GIVEN Podman on Linux, which names the host host.containers.internal
    args = _args(state_file, docker="desktop", host="host.containers.internal")
    # WHEN the run is prepared THEN that name is used, without the host network
    command = sam_local.prepare(args, platform="linux")
    variables = json.loads(args.env_file.read_text())["ApiFunction"]
    assert variables["DYNAMODB_ENDPOINT_URL"].startswith("http://host.containers.internal:")
    assert "--docker-network" not in command


def test_an_unknown_docker_kind_is_refused() -> None:
    with pytest.raises(sam_local.SamLocalError, match="use linux or desktop"):
        sam_local.docker_reach(platform="linux", style="kubernetes")


def test_the_ephemeral_table_comes_from_the_state_or_its_default() -> None:
    # GIVEN a template that declares the ephemeral table's variable
    declared = {"DYNAMODB_TABLE_NAME", "DYNAMODB_EPHEMERAL_TABLE_NAME"}
    reach = sam_local.DockerReach(host="127.0.0.1", network="host")
    url = "http://127.0.0.1:1"
    # WHEN the state names it, or does not
    named = sam_local.function_environment(
        _state(url, ephemeralTableName="eph-x"), reach=reach, declared=declared
    )
    unnamed = sam_local.function_environment(_state(url), reach=reach, declared=declared)
    # THEN the state's name wins, else make dev's default
    assert named["DYNAMODB_EPHEMERAL_TABLE_NAME"] == "eph-x"
    assert unnamed["DYNAMODB_EPHEMERAL_TABLE_NAME"] == "portfolio-ephemeral-local"


def test_only_variables_the_template_declares_are_written() -> None:
    # GIVEN a template that declares two of the variables, WHEN the environment is made
    reach = sam_local.DockerReach(host="127.0.0.1", network="host")
    url = "http://127.0.0.1:1"
    variables = sam_local.function_environment(
        _state(url), reach=reach, declared={"ENVIRONMENT", "COGNITO_CLIENT_ID", "OTHER"}
    )
    # THEN only those are written: sam local would ignore the rest anyway
    assert variables == {"ENVIRONMENT": "local", "COGNITO_CLIENT_ID": "client123"}


def test_without_make_dev_it_says_to_start_it(tmp_path: Path) -> None:
    # GIVEN no state file, WHEN it is read, THEN the error says to start make dev
    with pytest.raises(sam_local.SamLocalError, match="make dev is not running"):
        sam_local.load_stack_state(tmp_path / ".dev-stack.json")


def test_a_state_file_left_by_a_killed_make_dev_is_not_trusted(tmp_path: Path) -> None:
    # GIVEN a state file whose endpoints no longer answer (make dev was killed outright)
    path = tmp_path / ".dev-stack.json"
    closed = f"http://127.0.0.1:{free_port()}"
    path.write_text(json.dumps(_state(closed)))
    # WHEN it is read THEN it is refused
    with pytest.raises(sam_local.SamLocalError, match="does not answer"):
        sam_local.load_stack_state(path)


def test_the_dry_run_prints_the_file_and_the_command(
    state_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="devstack")
    env_file = state_file.parent / "env.json"
    # GIVEN make dev up, WHEN make sam-local DRY_RUN=1 runs
    code = sam_local.main(
        [
            *["--state-file", str(state_file), "--env-file", str(env_file)],
            *["--uv", "uv", "--sam-cli", SAM_CLI, "--docker", "linux", "--dry-run"],
        ]
    )
    # THEN it wrote the file and printed its path and the command, with local credentials
    assert code == 0
    assert env_file.exists()
    assert str(env_file) in caplog.text
    assert "AWS_ACCESS_KEY_ID=local" in caplog.text
    assert f"sam local start-api --env-vars {env_file}" in caplog.text
