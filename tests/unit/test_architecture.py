"""The layering rules, checked on the source: routers never touch boto3, repositories never HTTP."""

import ast
import inspect
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute

from portfolio_api.api.router import ROUTERS
from portfolio_api.devstack import REPO_ROOT
from tests.helpers.aws import ScanAttempted, dynamodb_client

PACKAGE = REPO_ROOT / "src" / "portfolio_api"
AWS_SDK = ("boto3", "botocore", "mypy_boto3")
HTTP = ("fastapi", "starlette", "uvicorn", "mangum", "httpx")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules_under(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("api", AWS_SDK),
        ("services", AWS_SDK + HTTP),
        ("repositories", HTTP),
        ("models", AWS_SDK + HTTP),
        ("core", AWS_SDK + HTTP),
    ],
)
def test_layers_import_only_what_they_may(layer: str, forbidden: tuple[str, ...]) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in modules_under(layer)
        for module in imported_modules(path)
        if module.split(".")[0] in forbidden
    ]
    assert modules_under(layer)
    assert offenders == []


def test_the_app_never_imports_the_dev_stack() -> None:
    app_modules = [path for path in PACKAGE.rglob("*.py") if "devstack" not in path.parts]
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in app_modules
        if any(module.startswith("portfolio_api.devstack") for module in imported_modules(path))
    ]
    assert offenders == []


def test_no_source_file_asks_for_a_scan() -> None:
    # GIVEN every module of the app and of the benchmarks, the analytics ones among them
    sources = [*(REPO_ROOT / "src").rglob("*.py"), *(REPO_ROOT / "tests" / "bench").rglob("*.py")]
    names = {path.relative_to(PACKAGE).as_posix() for path in sources if PACKAGE in path.parents}
    assert {"repositories/analytics.py", "repositories/views.py", "services/views.py"} <= names
    # THEN none of them names the Scan operation
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in sources
        for node in ast.walk(ast.parse(path.read_text()))
        if (isinstance(node, ast.Attribute) and node.attr == "scan")
        or (isinstance(node, ast.Constant) and node.value == "Scan")
    ]
    assert offenders == []


def test_a_scan_at_run_time_fails_the_test_that_made_it() -> None:
    client = dynamodb_client("http://127.0.0.1:1")
    with pytest.raises(ScanAttempted):
        client.scan(TableName="anything")


def api_routes(router: APIRouter) -> list[APIRoute]:
    """Every route below `router`; FastAPI keeps included routers as wrappers around them."""
    found: list[APIRoute] = []
    for route in router.routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif isinstance(included := getattr(route, "original_router", None), APIRouter):
            found.extend(api_routes(included))
    return found


def test_every_route_is_async_so_blocking_calls_go_through_run_blocking() -> None:
    # Sync routes would run in FastAPI's threadpool: a new thread per Lambda invocation.
    routes = [route for router, _ in ROUTERS for route in api_routes(router)]
    sync = [route.path for route in routes if not inspect.iscoroutinefunction(route.endpoint)]
    assert len(routes) >= 28
    assert sync == []


def test_routes_reach_services_only_through_run_blocking() -> None:
    """A service call written straight into an async route would block the event loop."""
    offenders = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in modules_under("api")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"service", "posts", "auth"}
    ]
    assert offenders == []
