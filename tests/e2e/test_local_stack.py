"""`make dev`'s own stack, started as a developer starts it, driven over HTTP, stopped by Ctrl-C."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from portfolio_api.devstack.processes import free_port
from portfolio_api.devstack.stack import DEFAULT_OWNER_EMAIL, DEFAULT_OWNER_PASSWORD
from tests.helpers.aws import dynamodb_client
from tests.helpers.content import post_body
from tests.helpers.media import png, upload_body
from tests.helpers.visitors import browser

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
READY_TIMEOUT = 120.0


class Stack:
    def __init__(
        self, process: subprocess.Popen[bytes], state: dict[str, Any], log: Path, ready: Path
    ) -> None:
        self.process = process
        self.state = state
        self.log = log
        self.ready = ready  # what make dev writes to .dev-stack.json for make sam-local

    def interrupt(self) -> int:
        """What Ctrl-C does: SIGINT to the whole foreground process group."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=60)

    def group_is_gone(self, timeout: float = 15) -> bool:
        """uvicorn's multiprocessing helpers exit a moment after their parent; allow them that."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        return False


def _start(tmp_path: Path, *args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with (tmp_path / "stack.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "portfolio_api.devstack", *args],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextmanager
def local_stack(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Stack]:
    ready = tmp_path / f"ready-{time.monotonic_ns()}.json"
    env = {"PORT": str(free_port()), **(env or {})}
    process = _start(tmp_path, "--ready-file", str(ready), *args, env=env)
    log = tmp_path / "stack.log"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not ready.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the stack did not come up:\n{log.read_text()}")
            time.sleep(0.1)
        yield Stack(process, json.loads(ready.read_text()), log, ready)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_sign_in_round_trip_then_ctrl_c_leaves_nothing(tmp_path: Path) -> None:
    with local_stack(tmp_path, "--in-memory") as stack:
        api = httpx.Client(base_url=stack.state["apiUrl"], timeout=30)
        # GIVEN the printed credentials
        log = stack.log.read_text()
        assert DEFAULT_OWNER_EMAIL in log
        assert DEFAULT_OWNER_PASSWORD in log
        # WHEN the owner signs in, asks who they are, refreshes, and logs out
        login = api.post(
            "/v1/auth/login",
            json={"email": DEFAULT_OWNER_EMAIL, "password": DEFAULT_OWNER_PASSWORD},
        ).json()
        bearer = {"Authorization": f"Bearer {login['token']}"}
        assert api.get("/v1/auth/me", headers=bearer).json()["role"] == "owner"
        refreshed = api.post("/v1/auth/refresh", json={"refreshToken": login["refreshToken"]})
        assert refreshed.status_code == 200
        assert api.post("/v1/auth/logout", headers=bearer).status_code == 200
        # THEN the old ID token and the refresh token are both refused
        assert api.get("/v1/auth/me", headers=bearer).status_code == 401
        again = api.post("/v1/auth/refresh", json={"refreshToken": login["refreshToken"]})
        assert again.status_code == 401
        assert api.get("/docs").status_code == 200
        # AND a visitor counts once, whatever X-Forwarded-For it claims (uvicorn ignores it too)
        visits = [
            api.post("/v1/visitors/track", headers=browser(1, **{"X-Forwarded-For": address}))
            for address in ("198.51.100.1", "198.51.100.2")
        ]
        assert [visit.json()["tracked"] for visit in visits] == [True, False]
        api.close()
        # WHEN Ctrl-C is pressed
        assert stack.interrupt() == 0
        # THEN no process of the stack is left, java included, nor its state file
        assert stack.group_is_gone()
        assert not Path(f"/proc/{stack.state['dynamodbPid']}").exists()
        assert "Stopped" in stack.log.read_text()
        assert not stack.ready.exists()
        # AND no client address was logged (uvicorn's access log is off)
        assert "/v1/visitors/track" not in stack.log.read_text()


def test_a_second_run_finds_its_data_and_a_parallel_run_is_refused(tmp_path: Path) -> None:
    env = {"DEV_DATA_DIR": str(tmp_path / "data")}
    item = {"PK": {"S": "E2E#persisted"}, "SK": {"S": "ITEM"}, "note": {"S": "still here"}}
    # GIVEN a stack with a data folder, and an item written to its table
    with local_stack(tmp_path, "--no-reload", env=env) as first:
        client = dynamodb_client(first.state["dynamodbUrl"])
        client.put_item(TableName=first.state["tableName"], Item=item)
        # WHEN another stack starts on the same folder
        rival = _start(tmp_path, "--no-reload", env={**env, "PORT": str(free_port())})
        # THEN it refuses rather than corrupt the data
        assert rival.wait(timeout=60) == 1
        assert "another local stack is using" in (tmp_path / "stack.log").read_text()
        assert first.interrupt() == 0
    # WHEN the stack starts again
    with local_stack(tmp_path, "--no-reload", env=env) as second:
        client = dynamodb_client(second.state["dynamodbUrl"])
        found = client.get_item(
            TableName=second.state["tableName"], Key={"PK": item["PK"], "SK": item["SK"]}
        )
        # THEN the item is there
        assert found["Item"]["note"] == {"S": "still here"}
        assert second.interrupt() == 0


def test_killing_the_stack_outright_still_stops_java(tmp_path: Path) -> None:
    with local_stack(tmp_path, "--in-memory", "--no-reload") as stack:
        java = Path(f"/proc/{stack.state['dynamodbPid']}")
        assert java.exists()
        # WHEN the stack dies without any chance to clean up
        stack.process.send_signal(signal.SIGKILL)
        stack.process.wait(timeout=30)
        # THEN the kernel stops its children anyway (parent-death signal)
        assert stack.group_is_gone()
        assert not java.exists()


RESTART_TIMEOUT = 120.0
TEXT_LINE = r"^\d\d:\d\d:\d\d\.\d{3} INFO  signed in owner=True \[req [0-9a-f]{32}\]$"


def _after_restart(stack: Stack, *, old_pid: int, api: httpx.Client) -> dict[str, Any]:
    """The stack's state once it has a new DynamoDB Local and /health says 200 again."""
    deadline = time.monotonic() + RESTART_TIMEOUT
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            pytest.fail(f"the stack stopped:\n{stack.log.read_text()}")
        state: dict[str, Any] = json.loads(stack.ready.read_text())
        if state["dynamodbPid"] != old_pid and api.get("/health").status_code == 200:
            return state
        time.sleep(0.2)
    pytest.fail(f"no healthy API {RESTART_TIMEOUT:.0f} s after the kill:\n{stack.log.read_text()}")


def test_dynamodb_local_killed_comes_back_on_its_port_with_its_data(tmp_path: Path) -> None:
    env = {"DEV_DATA_DIR": str(tmp_path / "data")}
    with local_stack(tmp_path, "--no-reload", env=env) as stack:
        api = httpx.Client(base_url=stack.state["apiUrl"], timeout=30)
        # GIVEN a draft the owner wrote
        login = api.post(
            "/v1/auth/login",
            json={"email": DEFAULT_OWNER_EMAIL, "password": DEFAULT_OWNER_PASSWORD},
        ).json()
        owner = {"Authorization": f"Bearer {login['token']}"}
        created = api.post("/v1/blog/posts", headers=owner, json=post_body(title="Kept"))
        assert created.status_code == 201, created.text
        # AND a later write: killed -9 under load, DynamoDB Local has lost the write it finished
        # last (its SQLite commit lags the answer); every earlier one is on disk
        later = api.post("/v1/blog/posts", headers=owner, json=post_body(title="Later"))
        assert later.status_code == 201, later.text
        # WHEN DynamoDB Local is killed outright
        old_pid = stack.state["dynamodbPid"]
        os.kill(old_pid, signal.SIGKILL)
        # THEN a new one answers on the same port, and the API is healthy again
        state = _after_restart(stack, old_pid=old_pid, api=api)
        assert state["dynamodbUrl"] == stack.state["dynamodbUrl"]
        assert Path(f"/proc/{state['dynamodbPid']}").exists()
        # AND the draft is still there
        found = api.get(f"/v1/blog/posts/{created.json()['id']}", headers=owner)
        assert found.status_code == 200, found.text
        assert found.json()["title"] == "Kept"
        # AND the log said so in one line, and reads as text: no JSON, no EMF
        log = stack.log.read_text()
        (said,) = [line for line in log.splitlines() if "exited unexpectedly" in line]
        assert "DynamoDB Local exited unexpectedly (killed by SIGKILL); restarting it on" in said
        assert f"data kept in {tmp_path / 'data' / 'dynamodb'}" in said
        assert re.search(TEXT_LINE, log, re.MULTILINE), log
        assert not [line for line in log.splitlines() if line.startswith("{")]
        api.close()
        # WHEN Ctrl-C is pressed THEN the new Java stops with the rest
        assert stack.interrupt() == 0
        assert stack.group_is_gone()
        assert not Path(f"/proc/{state['dynamodbPid']}").exists()


def test_make_dev_serves_media_from_moto_to_the_sites_pages(tmp_path: Path) -> None:
    with local_stack(tmp_path, "--in-memory") as stack:
        api = httpx.Client(base_url=stack.state["apiUrl"], timeout=30)
        login = api.post(
            "/v1/auth/login",
            json={"email": DEFAULT_OWNER_EMAIL, "password": DEFAULT_OWNER_PASSWORD},
        ).json()
        owner = {"Authorization": f"Bearer {login['token']}"}
        # GIVEN an upload declared by the owner
        data = png(width=16)
        ticket = api.post("/v1/media/uploads", json=upload_body(data), headers=owner).json()
        upload_url = f"{ticket['upload']['url']}/{ticket['upload']['fields']['key']}"
        # WHEN the page at the frontend's origin posts the file to the form
        sent = httpx.post(
            ticket["upload"]["url"],
            data=ticket["upload"]["fields"],
            files={"file": ("diagram.png", data, "image/png")},
            headers={"Origin": "http://localhost:5173"},
        )
        # THEN the bucket takes it and lets that page read the answer (moto's server answers
        # CORS for any origin; on AWS the bucket's rule, from CorsOrigins, decides)
        assert sent.status_code == 204
        assert sent.headers["access-control-allow-origin"] == "http://localhost:5173"
        # AND an upload is nobody's to read; once completed, its URL serves the bytes
        assert httpx.get(upload_url).status_code == 403
        media = api.post(f"/v1/media/{ticket['mediaId']}/complete", headers=owner).json()
        assert media["url"].startswith(f"{stack.state['cognitoUrl']}/portfolio-media-local/")
        assert httpx.get(media["url"]).content == data
        api.close()
        assert stack.interrupt() == 0
