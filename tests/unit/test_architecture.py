"""The layering rules, on the package's own source, and on made-up modules that break each one."""

import ast
from collections.abc import Iterable, Iterator

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from portfolio_api.api.router import ROUTERS
from portfolio_api.devstack import REPO_ROOT
from tests.helpers.architecture import (
    RULES,
    Module,
    attribute_name_violations,
    call_site_violations,
    devstack_violations,
    layer_violations,
    scan_violations,
    sideways_violations,
)
from tests.helpers.aws import ScanAttempted, dynamodb_client

PACKAGE = REPO_ROOT / "src" / "portfolio_api"


def package_modules() -> list[Module]:
    return [
        Module(path=path.relative_to(PACKAGE).as_posix(), source=path.read_text())
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


@pytest.mark.parametrize("rule", RULES, ids=[rule.__name__ for rule in RULES])
def test_the_package_keeps_every_rule(rule: object) -> None:
    # GIVEN every module of the package, every layer represented
    modules = package_modules()
    assert {module.layer for module in modules} >= {
        "api",
        "services",
        "repositories",
        "models",
        "core",
    }
    # WHEN the rule reads them THEN it finds nothing
    assert callable(rule)
    assert rule(modules) == []


def _module(path: str, source: str) -> Module:
    return Module(path=path, source=source)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("api/posts.py", "import boto3"),
        ("services/posts.py", "from fastapi import HTTPException"),
        ("services/posts.py", "from botocore.exceptions import ClientError"),
        ("services/posts.py", "from portfolio_api.api.deps import Owner"),
        ("repositories/content.py", "from starlette.requests import Request"),
        ("repositories/content.py", "from portfolio_api.services.content import is_item_id"),
        ("repositories/content.py", "from portfolio_api.api import deps"),
        ("models/posts.py", "from portfolio_api.repositories.attributes import PK"),
        ("models/posts.py", "import mypy_boto3_dynamodb"),
        ("core/errors.py", "from portfolio_api.models.content import Status"),
        ("core/errors.py", "import portfolio_api.services.auth"),
    ],
)
def test_an_import_across_layers_is_caught(path: str, source: str) -> None:
    (violation,) = layer_violations([_module(path, source)])
    assert violation.startswith(f"{path} imports ")


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("api/posts.py", "import fastapi\nfrom portfolio_api.services.posts import PostService"),
        ("services/posts.py", "from portfolio_api.services.content import ContentService"),
        ("repositories/views.py", "from portfolio_api.repositories.attributes import PK"),
        ("models/posts.py", "from portfolio_api.core.text import slugify"),
        ("container.py", "import boto3\nfrom portfolio_api.api.deps import Owner"),
        ("repositories/aws.py", "from .attributes import PK"),
    ],
)
def test_imports_a_layer_may_make_pass(path: str, source: str) -> None:
    assert layer_violations([_module(path, source)]) == []


@pytest.mark.parametrize(
    ("path", "source", "caught"),
    [
        ("services/views.py", "from portfolio_api.services.visitors import X", True),
        ("services/auth.py", "import portfolio_api.services.posts", True),
        ("services/identities.py", "from portfolio_api.services.visitors import X", True),
        ("services/views.py", "import os\nfrom portfolio_api.services.visitors import X", True),
        ("services/views.py", "import portfolio_api.services.visitors.rules", True),
        ("services/sign_in_limit.py", "from portfolio_api.services.identities import X", False),
        ("services/views.py", "from portfolio_api.services.identities import X", False),
        ("services/posts.py", "from portfolio_api.services.content import ContentService", False),
        ("services/posts.py", "from portfolio_api.services.content.rules import X", False),
        ("api/posts.py", "from portfolio_api.services.posts import PostService", False),
    ],
)
def test_a_service_importing_a_peer_is_caught(path: str, source: str, caught: bool) -> None:
    # GIVEN a module importing a service module (a shared one, or its submodule, may be imported)
    # WHEN the sideways rule reads it
    violations = sideways_violations([_module(path, source)])
    # THEN a peer is reported by the import's full name, and nothing else is
    peer = source.rsplit("\n", 1)[-1].split()[1]
    assert violations == ([f"{path} imports {peer}"] if caught else [])


def test_every_module_is_read_not_only_those_before_the_first_of_another_layer() -> None:
    # GIVEN a router and a service that does not import a peer, read before the ones that break
    # the sideways and call-site rules
    fine = [
        _module("api/health.py", "def ping() -> str:\n    return 'pong'"),
        _module("services/health.py", "import os"),
    ]
    peer = _module("services/views.py", "from portfolio_api.services.visitors import X")
    route = _module("api/posts.py", ASYNC_ROUTE)
    # WHEN the rules read them all
    # THEN each rule reports the module that breaks it, wherever it comes
    assert sideways_violations([*fine, route, peer]) == [
        "services/views.py imports portfolio_api.services.visitors"
    ]
    (violation,) = call_site_violations([peer, *fine, route])
    assert violation.startswith("api/posts.py:2 get_post is async")


def test_the_app_importing_the_dev_stack_is_caught() -> None:
    bad = _module("container.py", "from portfolio_api.devstack.stack import run_stack")
    own = _module("devstack/stack.py", "from portfolio_api.devstack.cognito import MotoServer")
    assert devstack_violations([bad, own]) == ["container.py imports portfolio_api.devstack.stack"]


@pytest.mark.parametrize("source", ["client.scan(TableName=t)", "op = 'Scan'"])
def test_a_scan_in_the_source_is_caught(source: str) -> None:
    assert scan_violations([_module("repositories/content.py", source)]) == [
        "repositories/content.py:1"
    ]


def test_an_attribute_name_spelled_outside_its_module_is_caught() -> None:
    spelled = _module("repositories/views.py", "key = {'PK': {'S': 'a'}}\nttl = 'expiresAt'")
    own = _module("repositories/attributes.py", "PK = 'PK'")
    local_stack = _module("devstack/table_spec.py", "KEY = {'PK': 'S'}")
    assert attribute_name_violations([local_stack, spelled, own]) == [
        "repositories/views.py:1 spells 'PK'",
        "repositories/views.py:2 spells 'expiresAt'",
    ]


ASYNC_ROUTE = """
async def get_post(post_id: PostId, posts: PostServiceDep) -> PostPublic:
    return posts.get(item_id=post_id, viewer=None)
"""
TWO_CALLS = """
async def get_post(post_id: PostId, posts: PostServiceDep) -> PostPublic:
    await run_blocking(posts.get, item_id=post_id, viewer=None)
    return await run_blocking(posts.find, ids=[post_id])
"""
THROUGH_THE_CONTAINER = """
async def me(container: ContainerDep) -> None:
    container.auth.authenticate(token="t")
"""
FINE = """
async def get_post(post_id: PostId, posts: PostServiceDep, response: Response) -> PostPublic:
    return _with_etag(await run_blocking(posts.get, item_id=post_id, viewer=None), response)

def sync_route(posts: PostServiceDep) -> list[str]:
    return posts.categories()

async def current_user(user: OptionalUser) -> Principal:
    return user.upper()

async def list_posts(posts: PostServiceDep) -> PostList:
    logger.debug("listing", extra={"method": name_of(posts.list)})
    return await run_blocking(posts.list, query=None, viewer=None)

def helper(value, *, posts: PostServiceDep):
    return value
"""


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (ASYNC_ROUTE, "get_post is async and calls posts.get on the event loop"),
        (TWO_CALLS, "get_post makes 2 service calls: posts.get, posts.find"),
        (
            THROUGH_THE_CONTAINER,
            "me is async and calls container.auth.authenticate on the event loop",
        ),
    ],
)
def test_a_route_that_blocks_or_calls_twice_is_caught(source: str, problem: str) -> None:
    (violation,) = call_site_violations([_module("api/posts.py", source)])
    assert violation.endswith(problem)


def test_a_thin_sync_route_and_an_async_dependency_pass() -> None:
    assert call_site_violations([_module("api/posts.py", FINE)]) == []
    assert call_site_violations([_module("services/posts.py", ASYNC_ROUTE)]) == []


def test_a_scan_at_run_time_fails_the_test_that_made_it() -> None:
    client = dynamodb_client("http://127.0.0.1:1")
    with pytest.raises(ScanAttempted):
        client.scan(TableName="anything")


def _endpoints(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif isinstance(included := getattr(route, "original_router", None), APIRouter):
            yield from _endpoints(included.routes)


def test_every_route_the_app_serves_is_in_a_router_module_the_rules_read() -> None:
    # GIVEN every route of every router the app includes
    routes = list(_endpoints(route for router, _ in ROUTERS for route in router.routes))
    # THEN each endpoint is defined in api/, where the call-site rule looks
    modules = {route.endpoint.__module__ for route in routes}
    assert len(routes) >= 40
    assert {module.rsplit(".", 1)[0] for module in modules} == {"portfolio_api.api"}


def _imports_pydantic_v1(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(name == "pydantic.v1" or name.startswith("pydantic.v1.") for name in names):
            return True
    return False


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("import pydantic.v1", True),
        ("from pydantic.v1 import BaseModel", True),
        ("from pydantic import v1", True),
        ("from pydantic.v1.fields import ModelField", True),
        ("from pydantic import BaseModel", False),
        ("from pydantic_settings import BaseSettings", False),
    ],
)
def test_an_import_of_pydantic_v1_is_caught(source: str, caught: bool) -> None:
    assert _imports_pydantic_v1(source) is caught


def test_nothing_imports_pydantic_v1_which_the_artifact_leaves_out() -> None:
    # GIVEN every module of src/, the dev stack too
    sources = {path: path.read_text() for path in sorted((REPO_ROOT / "src").rglob("*.py"))}
    # WHEN their imports are read
    importers = [str(path) for path, source in sources.items() if _imports_pydantic_v1(source)]
    # THEN none imports Pydantic 1's copy, which the Makefile's build-ApiFunction removes
    assert len(sources) > 50
    assert importers == []
