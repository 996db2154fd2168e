"""The Lambda artifact as `sam build` makes it: what is in it, and that it imports and answers.

The arm64 artifact, the one that deploys, is checked file by file. Its x86_64 twin (the same
build with x86_64 wheels) is imported by a fresh python3.12 that has nothing else on its path and
invoked with every event in events/, against DynamoDB Local and moto's Cognito: a missing or
foreign-platform module fails here, not as Runtime.ImportModuleError on AWS.
"""

import ast
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from crawleruseragents import CRAWLER_USER_AGENTS_DATA  # type: ignore[import-untyped]

from portfolio_api.config import Settings
from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.cognito import cognito_client
from tests.helpers.app import environment_of
from tests.helpers.artifact import (
    ELF_MACHINES,
    X86_64_PLATFORM,
    build_artifact,
    distributions_left_to_runtime,
    elf_machine,
    files_of,
    install_runtime_sdk,
    installed_distributions,
    lambda_python,
    largest_entries,
    locked_runtime_distributions,
    native_libraries,
    size_of,
)
from tests.helpers.cognito import UserPoolFixture
from tests.helpers.lambda_events import (
    TOKEN_PLACEHOLDER,
    Event,
    header,
    load_event,
    sample_event_names,
    with_token,
)
from tests.helpers.sam import SAM_CLI
from tests.helpers.xray import XRayDaemon, subsegments

INVOKE_SCRIPT = Path(__file__).parents[1] / "helpers" / "invoke_artifact.py"
# The goal. boto3 comes from the runtime, python-jose runs on its pure-Python RSA backend
# (cryptography alone was 17 MB), and only the modules a cold start imports are precompiled.
UNZIPPED_BUDGET_MB = 20
# What each event in events/ must get back. A new event file fails the test until it is listed.
EXPECTED_STATUS: dict[str, frozenset[int]] = {
    "get-health.json": frozenset({200}),
    "get-blog-posts.json": frozenset({200}),
    "options-auth-login-preflight.json": frozenset({200}),
    "post-visitors-track.json": frozenset({200}),
    "post-auth-login.json": frozenset({200}),
    "post-blog-posts-owner.json": frozenset({201}),
    # A view of content this table does not hold is a 404; the route still ran end to end.
    "post-analytics-track.json": frozenset({404}),
    # Swagger UI's stylesheet, which the artifact keeps gzipped (the Makefile's build-ApiFunction).
    "get-docs-swagger-ui-css.json": frozenset({200}),
}
DEV_ONLY = (
    "tests",
    "docs",
    "events",
    "tools",
    "portfolio_api/devstack",
    "pytest",
    "_pytest",
    "moto",
    "ruff",
    "mypy",
    "mypy_boto3_dynamodb",
    "uvicorn",
    "httpx",
    "flask",
    "watchfiles",
    "yaml",
)
LAMBDA_FUNCTION_NAME = "portfolio-api-test-ApiFunction"


@pytest.fixture(scope="module")
def arm64_artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_artifact(build_dir=tmp_path_factory.mktemp("sam-arm64") / "build")


@pytest.fixture(scope="module")
def x86_64_artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build_dir = tmp_path_factory.mktemp("sam-x86_64") / "build"
    return build_artifact(build_dir=build_dir, platform=X86_64_PLATFORM)


@pytest.fixture(scope="module")
def runtime_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("lambda-runtime") / "runtime"
    return install_runtime_sdk(target=target, platform=X86_64_PLATFORM)


def test_make_build_runs_the_sam_cli_that_the_tests_run() -> None:
    # GIVEN the Makefile
    makefile = (REPO_ROOT / "Makefile").read_text()

    # WHEN its SAM CLI pin is read
    pins = re.findall(r"^SAM_CLI := (\S+)$", makefile, flags=re.MULTILINE)

    # THEN it is the one tests/helpers/sam.py runs
    assert pins == [SAM_CLI]


def test_artifact_stays_within_its_size_budget(arm64_artifact: Path) -> None:
    # GIVEN the arm64 artifact
    # WHEN its files are added up, as Lambda does against its unzipped limit
    size = size_of(arm64_artifact)

    # THEN they stay within the budget
    heaviest = ", ".join(
        f"{name} {weight / 1e6:.1f} MB" for name, weight in largest_entries(arm64_artifact)
    )
    assert size.unzipped_mb <= UNZIPPED_BUDGET_MB, (
        f"{size.unzipped_mb:.1f} MB unzipped in {size.files} files "
        f"(budget {UNZIPPED_BUDGET_MB} MB); heaviest: {heaviest}"
    )


def test_artifact_holds_the_locked_runtime_dependencies_and_nothing_else(
    arm64_artifact: Path,
) -> None:
    # GIVEN what uv.lock has for the app at run time, less what the python3.12 runtime ships
    expected = locked_runtime_distributions() - distributions_left_to_runtime()

    # WHEN the artifact's distributions are listed
    installed = installed_distributions(arm64_artifact)

    # THEN they are exactly those, boto3 left to the runtime, and the package is there too
    assert {"boto3", "botocore"} <= distributions_left_to_runtime()
    assert set(installed) == expected
    assert (arm64_artifact / "portfolio_api" / "main.py").is_file()


def test_artifact_leaves_out_tests_docs_the_dev_stack_and_dev_tools(arm64_artifact: Path) -> None:
    # GIVEN the arm64 artifact
    # WHEN it is searched for what only development uses
    present = [name for name in DEV_ONLY if (arm64_artifact / name).exists()]
    stray_sources = [
        str(path.relative_to(arm64_artifact))
        for path in files_of(arm64_artifact / "portfolio_api")
        if "devstack" in path.parts
    ]

    # THEN none of it is there
    assert present == []
    assert stray_sources == []


def test_artifact_leaves_out_the_copy_of_pydantic_1(arm64_artifact: Path) -> None:
    # GIVEN the arm64 artifact
    # WHEN its pydantic package is read
    package = arm64_artifact / "pydantic"

    # THEN Pydantic 2 is there, and not its copy of Pydantic 1 (the Makefile's PYDANTIC_V1)
    assert (package / "main.py").is_file()
    assert not (package / "v1").exists()


# Run by a bare python3.12 with the arm64 artifact alone on its path (bots.py needs nothing
# native): the bot list as the build trimmed it, and what it makes of two User-Agents.
BOT_LIST_CHECK = """
import json, sys
sys.path.insert(0, sys.argv[1])
from crawleruseragents import CRAWLER_USER_AGENTS_DATA
from portfolio_api.services.bots import is_automated
print(json.dumps({
    "crawlers": CRAWLER_USER_AGENTS_DATA,
    "crawler": is_automated(sys.argv[2]),
    "browser": is_automated(sys.argv[3]),
}))
"""
# Shaped like a browser, so only the list can tell it is Googlebot.
GOOGLEBOT_SMARTPHONE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like"
    " Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1;"
    " +http://www.google.com/bot.html)"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_artifact_keeps_the_bot_list_patterns_alone_and_they_flag_a_crawler(
    arm64_artifact: Path,
) -> None:
    # GIVEN the arm64 artifact, and the package's whole list as installed in the venv
    package = arm64_artifact / "crawleruseragents"
    # WHEN a bare python3.12 loads the bot list from the artifact and checks two User-Agents
    bare_python = [lambda_python(), "-I", "-S", "-B", "-c", BOT_LIST_CHECK]
    ran = subprocess.run(
        [*bare_python, str(arm64_artifact), GOOGLEBOT_SMARTPHONE, FIREFOX],
        capture_output=True,
        text=True,
        check=False,
    )
    # THEN every pattern is there, in order, and nothing else of an entry
    assert ran.returncode == 0, ran.stderr[-4000:]
    result = json.loads(ran.stdout)
    assert result["crawlers"] == [{"pattern": c["pattern"]} for c in CRAWLER_USER_AGENTS_DATA]
    # AND the list flags the crawler and not the browser
    assert (result["crawler"], result["browser"]) == (True, False)
    # AND only the package's module and its data are left
    assert {path.name for path in package.iterdir()} - {"__pycache__"} == {
        "__init__.py",
        "crawler-user-agents.json",
    }


def _pyc_flags(pyc: Path) -> int:
    """PEP 552: the header's second word; 0b01 is a hash-based .pyc that is never re-checked."""
    return int.from_bytes(pyc.read_bytes()[4:8], "little")


def test_a_cold_start_finds_its_modules_precompiled(arm64_artifact: Path) -> None:
    # GIVEN the modules every cold start imports, the app's and its libraries'
    imported = ["portfolio_api/main.py", "portfolio_api/api/posts.py", "fastapi/routing.py"]
    imported += ["pydantic/main.py", "aws_lambda_powertools/logging/logger.py", "jose/jws.py"]
    imported += ["aws_lambda_powertools/tracing/tracer.py", "aws_xray_sdk/core/recorder.py"]
    # WHEN the artifact's __pycache__ folders are read
    compiled = {
        str(path.relative_to(arm64_artifact)): path
        for path in arm64_artifact.rglob("*.cpython-312.pyc")
    }
    # THEN each has its CPython 3.12 .pyc, which zip's coarse mtimes cannot make stale
    for source in imported:
        folder, _, name = source.rpartition("/")
        pyc = f"{folder}/__pycache__/{name.removesuffix('.py')}.cpython-312.pyc"
        assert pyc in compiled, pyc
        assert _pyc_flags(compiled[pyc]) == 0b01, pyc
    # AND modules no cold start imports stay source only, to keep within the size budget
    assert "fastapi/__pycache__/testclient.cpython-312.pyc" not in compiled
    assert (arm64_artifact / "fastapi" / "testclient.py").is_file()


POWERTOOLS_LEFT_OUT = ("aws_lambda_powertools.event_handler", "aws_lambda_powertools.utilities.")
POWERTOOLS_KEPT = (
    "aws_lambda_powertools.utilities.jmespath_utils",
    "aws_lambda_powertools.utilities.typing",
)
# Reached only through shared/json_encoder.py, which no module kept imports.
LAZY_IMPORTS_OF_LEFT_OUT = {"aws_lambda_powertools/shared/functions.py"}


def _imports_outside_type_checking(tree: ast.Module) -> set[str]:
    checked_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for statement in node.body
        for child in ast.walk(statement)
    }
    modules: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in checked_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def _is_left_out(module: str) -> bool:
    return module.startswith(POWERTOOLS_LEFT_OUT) and not module.startswith(POWERTOOLS_KEPT)


def test_the_powertools_left_out_are_imported_by_nothing_kept(arm64_artifact: Path) -> None:
    # GIVEN the Powertools modules the build keeps (Logger, Metrics, Tracer and what they need)
    package = arm64_artifact / "aws_lambda_powertools"
    assert not (package / "event_handler").exists()
    kept = {path.relative_to(arm64_artifact).as_posix(): path for path in package.rglob("*.py")}
    # WHEN their imports are read, leaving out those made for type checkers only
    offenders = {
        name: sorted(
            filter(_is_left_out, _imports_outside_type_checking(ast.parse(path.read_text())))
        )
        for name, path in kept.items()
    }
    offenders = {name: modules for name, modules in offenders.items() if modules}
    # THEN none imports a module the build left out, but for one lazy import nothing reaches
    assert set(offenders) == LAZY_IMPORTS_OF_LEFT_OUT
    importers = [
        name
        for name, path in kept.items()
        if "json_encoder" in " ".join(_imports_outside_type_checking(ast.parse(path.read_text())))
    ]
    assert importers == []


def test_every_native_library_is_built_for_arm64_cpython_3_12(arm64_artifact: Path) -> None:
    # GIVEN the arm64 artifact's native libraries (pydantic_core's)
    libraries = native_libraries(arm64_artifact)

    # WHEN their ELF headers and names are read
    foreign = [
        str(path.relative_to(arm64_artifact))
        for path in libraries
        if elf_machine(path) != ELF_MACHINES["aarch64"]
    ]
    misnamed = [
        path.name
        for path in libraries
        if not path.name.endswith((".cpython-312-aarch64-linux-gnu.so", ".abi3.so"))
    ]

    # THEN each is an aarch64 library that CPython 3.12 loads
    assert any(path.name.startswith("_pydantic_core.") for path in libraries)
    assert foreign == []
    assert misnamed == []


def _without_native_code(root: Path) -> dict[str, bytes | None]:
    """Each file by a platform-neutral name; its content where it must not differ by platform."""
    contents: dict[str, bytes | None] = {}
    for path in files_of(root):
        relative = path.relative_to(root).as_posix()
        name = re.sub(r"(aarch64|x86_64)-linux-gnu", "PLATFORM", relative)
        # Wheel metadata names the platform; .pyc are compiled twice and need not match bytewise.
        comparable = not (elf_machine(path) or ".dist-info/" in relative or path.suffix == ".pyc")
        contents[name] = path.read_bytes() if comparable else None
    return contents


def test_x86_64_twin_differs_from_the_arm64_artifact_in_native_code_only(
    arm64_artifact: Path, x86_64_artifact: Path
) -> None:
    # GIVEN the artifact built for arm64 and the one built for x86_64
    # WHEN their files are compared, native libraries by name only
    arm64 = _without_native_code(arm64_artifact)
    x86_64 = _without_native_code(x86_64_artifact)

    # THEN they hold the same files, with the same contents
    assert sorted(arm64) == sorted(x86_64)
    differing = [name for name, content in arm64.items() if content != x86_64[name]]
    assert differing == []
    assert all(
        elf_machine(path) == ELF_MACHINES["x86_64"] for path in native_libraries(x86_64_artifact)
    )


def _events() -> list[tuple[str, Event]]:
    names = sample_event_names()
    unknown = [name for name in names if name not in EXPECTED_STATUS]
    assert unknown == [], f"events/{unknown[0]} is new: add its expected status to EXPECTED_STATUS"
    return [(name, load_event(name)) for name in names]


def _owner_id_token(*, user_pool: UserPoolFixture, events: list[tuple[str, dict[str, Any]]]) -> str:
    """Signs the owner in with the password that the login event sends, so that it gets a 200."""
    pool = user_pool.pool
    client = cognito_client(endpoint_url=pool.endpoint_url, region=pool.region)
    credentials = {"email": user_pool.owner.email, "password": user_pool.owner.password}
    credentials |= next(
        (json.loads(e["body"]) for n, e in events if n == "post-auth-login.json"), {}
    )
    assert credentials["email"] == user_pool.owner.email, "the login event signs in another user"
    client.admin_set_user_password(
        UserPoolId=pool.user_pool_id,
        Username=credentials["email"],
        Password=credentials["password"],
        Permanent=True,
    )
    signed_in = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": credentials["email"], "PASSWORD": credentials["password"]},
    )
    return signed_in["AuthenticationResult"]["IdToken"]


def _with_token(event: Event, *, token: str) -> Event:
    """The owner's sample event gets a real token; the others go as they are."""
    if event["headers"].get("Authorization") != TOKEN_PLACEHOLDER:
        return event
    return with_token(event, token=token)


def _lambda_environment(
    *, task_root: Path, runtime_dir: Path, settings: Settings, xray_daemon: str
) -> dict[str, str]:
    """What the python3.12 runtime sets, plus the function's settings; nothing from this shell."""
    return {
        "AWS_XRAY_DAEMON_ADDRESS": xray_daemon,
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_LAMBDA_FUNCTION_NAME": LAMBDA_FUNCTION_NAME,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{LAMBDA_FUNCTION_NAME}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]0123456789abcdef",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(runtime_dir),
        "_HANDLER": "portfolio_api.main.handler",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    } | environment_of(settings)


def _invoke(
    *,
    task_root: Path,
    runtime_dir: Path,
    events: list[dict[str, Any]],
    settings: Settings,
    xray_daemon: str = "127.0.0.1:9",
) -> subprocess.CompletedProcess[str]:
    # -I: no PYTHON* variables, no user site, no script folder on the path; -S: no site-packages;
    # -B: nothing written next to the sources, as /var/task is read-only (-I ignores the variable).
    return subprocess.run(
        [lambda_python(), "-I", "-S", "-B", str(INVOKE_SCRIPT), str(task_root), str(runtime_dir)],
        input=json.dumps(events),
        env=_lambda_environment(
            task_root=task_root, runtime_dir=runtime_dir, settings=settings, xray_daemon=xray_daemon
        ),
        cwd=task_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _is_inside(module_file: str | None, folder: Path) -> bool:
    return module_file is not None and Path(module_file).is_relative_to(folder)


@pytest.mark.usefixtures("own_user_pool")
def test_built_handler_answers_every_event_from_the_artifact_alone(
    x86_64_artifact: Path, runtime_sdk: Path, settings: Settings, user_pool: UserPoolFixture
) -> None:
    # GIVEN every event in events/, an owner's token where one asks for it
    named_events = _events()
    token = _owner_id_token(user_pool=user_pool, events=named_events)
    events = [_with_token(event, token=token) for _, event in named_events]

    # WHEN a fresh python3.12, with the artifact then the runtime's SDK on its path, invokes each
    ran = _invoke(
        task_root=x86_64_artifact, runtime_dir=runtime_sdk, events=events, settings=settings
    )

    # THEN it ran clean, from those two folders and the standard library only
    assert ran.returncode == 0, ran.stderr[-4000:]
    assert "Traceback" not in ran.stdout + ran.stderr, ran.stderr[-4000:]
    result = json.loads(ran.stdout)
    origins = result["origins"]
    for module in ("portfolio_api", "pydantic_core", "jose", "rsa"):
        assert _is_inside(origins[module], x86_64_artifact), (module, origins[module])
    assert origins["cryptography"] is None  # RS256 checks run on python-jose's pure-Python backend
    assert origins["pydantic.v1"] is None  # FastAPI's check for v1 models took its absence
    for module in ("boto3", "botocore"):
        assert _is_inside(origins[module], runtime_sdk), (module, origins[module])
    assert result["path"][:2] == [str(x86_64_artifact), str(runtime_sdk)]
    assert [entry for entry in result["path"] if "site-packages" in entry] == []
    # AND each event got its expected answer
    answers = dict(zip((name for name, _ in named_events), result["responses"], strict=True))
    for name, response in answers.items():
        assert response["statusCode"] in EXPECTED_STATUS[name], (name, response.get("body"))
    preflight = answers["options-auth-login-preflight.json"]
    assert header(preflight, "access-control-allow-origin") == "https://patrickcmd.dev"
    assert "tracked" in json.loads(answers["post-visitors-track.json"]["body"])
    stylesheet = answers["get-docs-swagger-ui-css.json"]
    assert header(stylesheet, "content-type") == "text/css; charset=utf-8"
    assert ".swagger-ui" in stylesheet["body"]


def _secrets_of(events: list[Event], responses: list[Event]) -> set[str]:
    """What must never reach a trace: callers' addresses and browsers, passwords and tokens."""
    found: set[str] = set()
    for event in events:
        identity = event["requestContext"].get("identity", {})
        found |= {identity.get("sourceIp", ""), identity.get("userAgent", "")}
        found.add(event["headers"].get("User-Agent", ""))
        found |= set(json.loads(event["body"] or "{}").get("password", "").split())
    for response in responses:
        if header(response, "content-type") != "application/json":
            continue  # a preflight's plain-text OK
        body = json.loads(response["body"])
        if isinstance(body, dict):
            found |= {str(body.get(name)) for name in ("token", "accessToken", "refreshToken")}
    return {secret for secret in found if secret and secret != "None"}


@pytest.mark.usefixtures("own_user_pool")
def test_xray_gets_a_subsegment_per_aws_call_and_no_callers_ip_ua_or_secrets(
    x86_64_artifact: Path, runtime_sdk: Path, settings: Settings, user_pool: UserPoolFixture
) -> None:
    # GIVEN every sample event, invoked as Lambda does with active tracing and a daemon listening
    named_events = _events()
    token = _owner_id_token(user_pool=user_pool, events=named_events)
    events = [_with_token(event, token=token) for _, event in named_events]
    with XRayDaemon() as daemon:
        ran = _invoke(
            task_root=x86_64_artifact,
            runtime_dir=runtime_sdk,
            events=events,
            settings=settings,
            xray_daemon=daemon.address,
        )
        assert ran.returncode == 0, ran.stderr[-4000:]
        # WHEN the segments the function sent are read
        documents = daemon.received()
        raw = b"".join(daemon.raw).decode()
    responses = json.loads(ran.stdout)["responses"]
    # THEN DynamoDB and Cognito calls are subsegments, named by operation (and table)
    calls = {(sub["name"], sub.get("aws", {}).get("operation")) for sub in subsegments(documents)}
    assert {("dynamodb", "GetItem"), ("dynamodb", "TransactWriteItems")} <= calls
    assert {("cognito-idp", "InitiateAuth"), ("## handler", None)} <= calls
    # AND no caller's IP or User-Agent, no password and no token is anywhere in them
    secrets = _secrets_of(events, responses)
    assert {"203.0.113.10", "Local-Owner-Passw0rd!"} <= secrets
    assert any(secret.startswith("Mozilla/5.0") for secret in secrets)
    assert any(secret.count(".") == 2 and len(secret) > 200 for secret in secrets)  # a JWT
    assert [secret for secret in secrets if secret in raw] == []
