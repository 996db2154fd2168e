"""The layering rules of `portfolio_api`, as functions of source text: each returns violations.

tests/unit/test_architecture.py runs them on the package, and on made-up modules that break
each rule, so a rule that stops catching what it claims fails a test too.
"""

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PACKAGE = "portfolio_api"
LAYERS = ("api", "services", "repositories", "models", "core")
AWS_SDK = frozenset(
    {"boto3", "botocore", "mypy_boto3_dynamodb", "mypy_boto3_cognito_idp", "mypy_boto3_s3"}
)
HTTP = frozenset({"fastapi", "starlette", "uvicorn", "mangum", "httpx"})
# What each layer may not import: outside libraries, and the layers above it.
FORBIDDEN: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "api": (AWS_SDK, frozenset()),
    "services": (AWS_SDK | HTTP, frozenset({"api"})),
    "repositories": (HTTP, frozenset({"api", "services"})),
    "models": (AWS_SDK | HTTP, frozenset({"api", "services", "repositories"})),
    "core": (AWS_SDK | HTTP, frozenset({"api", "services", "repositories", "models"})),
}
# The service modules others may build on; no module imports any other service module.
SHARED_SERVICES = frozenset({"content", "pages", "identities", "bots", "sign_in_limit"})
# The tables' attribute and index names: spelled in repositories/attributes.py alone.
ATTRIBUTE_NAMES = frozenset(
    {
        "PK",
        "SK",
        "GSI1",
        "GSI2",
        "GSI1PK",
        "GSI1SK",
        "GSI2PK",
        "entityType",
        "expiresAt",
        "generation",
        "changedAt",
        "publishedTime",
    }
)
ATTRIBUTES_MODULE = "repositories/attributes.py"
# What hands a blocking call to a worker thread under uvicorn (api/blocking.py).
BLOCKING = "run_blocking"


@dataclass(frozen=True, kw_only=True)
class Module:
    """One source file of the package: its path below `portfolio_api/` and its text."""

    path: str
    source: str

    @property
    def layer(self) -> str:
        return self.path.split("/", 1)[0] if "/" in self.path else ""

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".py")

    def tree(self) -> ast.Module:
        return ast.parse(self.source)


def imports(module: Module) -> set[str]:
    """Every module an import statement names, in full."""
    names: set[str] = set()
    for node in ast.walk(module.tree()):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def layer_violations(modules: Iterable[Module]) -> list[str]:
    """Imports of an outside library or an upper layer that a module's layer may not make."""
    found = []
    for module in modules:
        libraries, layers = FORBIDDEN.get(module.layer, (frozenset(), frozenset()))
        for name in sorted(imports(module)):
            parts = name.split(".")
            if parts[0] in libraries or (
                parts[0] == PACKAGE and len(parts) > 1 and parts[1] in layers
            ):
                found.append(f"{module.path} imports {name}")
    return found


def sideways_violations(modules: Iterable[Module]) -> list[str]:
    """A service module importing another that is not one of the shared building blocks."""
    found = []
    for module in modules:
        if module.layer != "services":
            continue
        for name in sorted(imports(module)):
            prefix = f"{PACKAGE}.services."
            if not name.startswith(prefix):
                continue
            target = name.removeprefix(prefix).split(".")[0]
            if target not in SHARED_SERVICES:
                found.append(f"{module.path} imports {name}")
    return found


def devstack_violations(modules: Iterable[Module]) -> list[str]:
    """The app never imports the local stack, which the Lambda build leaves out."""
    return [
        f"{module.path} imports {name}"
        for module in modules
        if module.layer != "devstack"
        for name in sorted(imports(module))
        if name.startswith(f"{PACKAGE}.devstack")
    ]


def scan_violations(modules: Iterable[Module]) -> list[str]:
    """Any mention of DynamoDB's Scan: every access pattern is a Get, Query or transaction."""
    return [
        f"{module.path}:{node.lineno}"
        for module in modules
        for node in ast.walk(module.tree())
        if (isinstance(node, ast.Attribute) and node.attr == "scan")
        or (isinstance(node, ast.Constant) and node.value == "Scan")
    ]


def attribute_name_violations(modules: Iterable[Module]) -> list[str]:
    """A table attribute or index name written as a literal outside repositories/attributes.py."""
    spelled = [
        (module.path, node.lineno, node.value)
        for module in modules
        if module.path != ATTRIBUTES_MODULE and module.layer != "devstack"
        for node in ast.walk(module.tree())
        if isinstance(node, ast.Constant) and node.value in ATTRIBUTE_NAMES
    ]
    return [f"{path}:{line} spells {value!r}" for path, line, value in sorted(spelled)]


def _service_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The parameters a route or dependency receives a service (or the container) through."""
    return {
        argument.arg
        for argument in [*function.args.args, *function.args.kwonlyargs]
        if argument.annotation is not None
        and ast.unparse(argument.annotation).endswith(("ServiceDep", "ContainerDep"))
    }


def _on(node: ast.expr, names: set[str]) -> bool:
    """Whether `node` is an attribute of one of `names`: `posts.get`, `container.auth.login`."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name | ast.Attribute)
        and ast.unparse(node.value).split(".")[0] in names
    )


def _service_calls(
    function: ast.FunctionDef | ast.AsyncFunctionDef, names: set[str]
) -> Iterator[tuple[str, bool]]:
    """(method, whether it runs off the event loop) of each service call in `function`."""
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        if _on(node.func, names):
            yield ast.unparse(node.func), False
        elif ast.unparse(node.func) == BLOCKING and node.args and _on(node.args[0], names):
            yield ast.unparse(node.args[0]), True


def call_site_violations(modules: Iterable[Module]) -> list[str]:
    """In api/: a service called straight from an `async def` (it would block the event loop:
    it must go through `run_blocking`), or a route or dependency calling more than one service
    method (parse, one call, respond)."""
    found = []
    for module in modules:
        if module.layer != "api":
            continue
        for node in ast.walk(module.tree()):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = list(_service_calls(node, _service_parameters(node)))
            where = f"{module.path}:{node.lineno} {node.name}"
            blocking = [call for call, off_loop in calls if not off_loop]
            if blocking and isinstance(node, ast.AsyncFunctionDef):
                found.append(f"{where} is async and calls {blocking[0]} on the event loop")
            if len(calls) > 1:
                methods = ", ".join(call for call, _ in calls)
                found.append(f"{where} makes {len(calls)} service calls: {methods}")
    return found


RULES = (
    layer_violations,
    sideways_violations,
    devstack_violations,
    scan_violations,
    attribute_name_violations,
    call_site_violations,
)
