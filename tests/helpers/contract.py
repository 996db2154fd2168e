"""Where the app's OpenAPI document differs from the frontend's contract, at the level of
operations, parameters, status codes, security and the fields of request and response bodies.

The contract is `../shared/reference/frontend-openapi.yml` beside the repository (or the file
named by FRONTEND_CONTRACT); it is read, never copied into the project. `make contract-diff`
prints the differences; docs/FRONTEND-CONTRACT.md must name each one (tests/unit/
test_frontend_contract.py).
"""

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from portfolio_api.devstack import REPO_ROOT
from tests.helpers.app import openapi_of_default_app
from tests.helpers.openapi import operations

FRONTEND_CONTRACT = Path(
    os.environ.get("FRONTEND_CONTRACT")
    or REPO_ROOT.parent / "shared" / "reference" / "frontend-openapi.yml"
)
CONTRACT_DOC = REPO_ROOT / "docs" / "FRONTEND-CONTRACT.md"
# The contract's server URL ends in /v1; the app's paths carry it.
CONTRACT_PREFIX = "/v1"
EVERY_OPERATION = "*"
# How deep nested fields are compared: `posts[].slug` is one level down.
MAX_DEPTH = 2
BACKTICKED = re.compile(r"`([^`\n]+)`")
OPERATION = re.compile(r"^(?:GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS) /\S*$")


@dataclass(frozen=True, order=True, kw_only=True)
class Difference:
    operation: str  # "GET /v1/blog/posts"
    name: str  # what the doc's row must name in backticks: a field, parameter, status, ...
    what: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.what} `{self.name}`"


def load_contract(path: Path = FRONTEND_CONTRACT) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _properties(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """A schema's properties, allOf and anyOf merged (anyOf: the nullable form's object)."""
    schema = _resolve(document, schema)
    properties = dict(schema.get("properties", {}))
    for part in [*schema.get("allOf", []), *schema.get("anyOf", [])]:
        properties |= _properties(document, part)
    return properties


def _field_names(document: dict[str, Any], schema: Any, *, prefix: str = "") -> set[str]:
    """Every field name of a body, nested ones dotted (`user.email`, `trends[].day`)."""
    names: set[str] = set()
    for name, declared in _properties(document, schema).items():
        names.add(prefix + name)
        field = _resolve(document, declared)
        items = field.get("items") if field.get("type") == "array" else None
        inner, suffix = (items, "[].") if items is not None else (field, ".")
        if prefix.count(".") < MAX_DEPTH:
            names |= _field_names(document, inner, prefix=f"{prefix}{name}{suffix}")
    return names


def _fields(document: dict[str, Any], content: dict[str, Any] | None) -> set[str]:
    media = (content or {}).get("application/json", {})
    return _field_names(document, media.get("schema", {}))


@dataclass(frozen=True, kw_only=True)
class Operation:
    parameters: set[str]
    request: set[str]
    responses: dict[str, set[str]]
    needs_token: bool


def _operation(document: dict[str, Any], operation: dict[str, Any]) -> Operation:
    parameters = {_resolve(document, p)["name"] for p in operation.get("parameters", [])}
    body = _resolve(document, operation.get("requestBody", {}))
    responses = {
        status: _fields(document, _resolve(document, response).get("content"))
        for status, response in operation.get("responses", {}).items()
    }
    security = operation.get("security", document.get("security", []))
    return Operation(
        parameters=parameters,
        request=_fields(document, body.get("content")),
        responses=responses,
        # An empty requirement ({}) among others makes the token optional.
        needs_token=bool(security) and all(security),
    )


def _indexed(document: dict[str, Any], *, prefix: str) -> dict[str, Operation]:
    return {
        f"{method.upper()} {prefix}{path}": _operation(document, operation)
        for method, path, operation in operations(document)
    }


def _one_sided(operation: str, *, kind: str, app: set[str], contract: set[str]) -> list[Difference]:
    return [
        Difference(operation=operation, name=name, what=f"{kind} only in the app")
        for name in sorted(app - contract)
    ] + [
        Difference(operation=operation, name=name, what=f"{kind} only in the contract")
        for name in sorted(contract - app)
    ]


def _compare(operation: str, *, app: Operation, contract: Operation) -> list[Difference]:
    found = _one_sided(
        operation, kind="parameter", app=app.parameters, contract=contract.parameters
    )
    found += _one_sided(operation, kind="request field", app=app.request, contract=contract.request)
    found += _one_sided(
        operation, kind="status", app=set(app.responses), contract=set(contract.responses)
    )
    for status in sorted(set(app.responses) & set(contract.responses)):
        if status.startswith("2"):
            found += _one_sided(
                operation,
                kind=f"{status} field",
                app=app.responses[status],
                contract=contract.responses[status],
            )
    if app.needs_token != contract.needs_token:
        wanted = "requires a token" if contract.needs_token else "requires no token"
        found.append(
            Difference(operation=operation, name="security", what=f"the contract {wanted}:")
        )
    return found


def differences(*, app: dict[str, Any], contract: dict[str, Any]) -> list[Difference]:
    """Every difference, operation by operation."""
    ours = _indexed(app, prefix="")
    theirs = _indexed(contract, prefix=CONTRACT_PREFIX)
    found = [
        Difference(operation=name, name=name, what="operation only in the app")
        for name in sorted(set(ours) - set(theirs))
    ]
    found += [
        Difference(operation=name, name=name, what="operation only in the contract")
        for name in sorted(set(theirs) - set(ours))
    ]
    for name in sorted(set(ours) & set(theirs)):
        found += _compare(name, app=ours[name], contract=theirs[name])
    return found


def documented_rows(text: str) -> list[tuple[set[str], set[str]]]:
    """Each table row of the doc: the operations its first cell names (backticked; `*` for
    every operation), and every backticked name in the row."""
    rows = []
    for line in text.splitlines():
        cells = line.strip().strip("|").split("|")
        if not line.lstrip().startswith("|") or len(cells) < 2:
            continue
        rows.append((set(BACKTICKED.findall(cells[0])), set(BACKTICKED.findall(line))))
    return rows


def undocumented(found: list[Difference], *, text: str) -> list[Difference]:
    """The differences no row of the doc names: a row whose first cell names the operation (or
    `*`) and which names the difference's field, parameter, status or `security`."""
    rows = documented_rows(text)
    return [
        difference
        for difference in found
        if not any(
            (difference.operation in operations_named or EVERY_OPERATION in operations_named)
            and difference.name in names
            for operations_named, names in rows
        )
    ]


def named_operations(text: str) -> set[str]:
    """The operations (`GET /v1/...`) the doc's rows name in their first cell."""
    named = set().union(*(operations_named for operations_named, _ in documented_rows(text)))
    return {name for name in named if OPERATION.match(name)}


def main() -> None:
    if not FRONTEND_CONTRACT.exists():
        sys.exit(f"no frontend contract at {FRONTEND_CONTRACT}: set FRONTEND_CONTRACT to its path")
    found = differences(app=openapi_of_default_app(), contract=load_contract())
    missing = set(undocumented(found, text=CONTRACT_DOC.read_text()))
    for difference in found:
        mark = "  NOT IN docs/FRONTEND-CONTRACT.md" if difference in missing else ""
        sys.stdout.write(f"{difference}{mark}\n")
    sys.stdout.write(f"{len(found)} differences, {len(missing)} not in the doc\n")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
