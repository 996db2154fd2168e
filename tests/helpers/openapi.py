"""The app's OpenAPI document: its quality rules, and `docs/openapi.json`, the copy in the repo.

`python -m tests.helpers.openapi` (`make openapi`) writes the copy; a test fails when it drifts.
"""

import json
import re
import sys
from typing import Any

from portfolio_api.devstack import REPO_ROOT
from tests.helpers.app import openapi_of_default_app

SPEC_FILE = REPO_ROOT / "docs" / "openapi.json"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})
# Operation ids are camelCase, a verb then a noun: listBlogPosts, getBlogPost, trackVisit.
VERBS = (
    "list",
    "get",
    "create",
    "update",
    "delete",
    "publish",
    "unpublish",
    "track",
    "answer",
    "refresh",
    "start",
    "confirm",
    "complete",
)
OPERATION_ID = re.compile(rf"^(?:{'|'.join(VERBS)})(?:[A-Z][a-z0-9]+)+$")
# The frontend contract's own ids (../shared/reference/frontend-openapi.yml): a client generated
# from it calls these names, so they stay as they are.
CONTRACT_IDS = frozenset({"login", "logout"})
READ_HEADERS = ("ETag", "Cache-Control")


def render(schema: dict[str, Any]) -> str:
    """Deterministic: sorted keys, two spaces, a trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def _operation_problems(schema: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for method, path, operation in operations(schema):
        where = f"{method.upper()} {path}"
        operation_id = operation.get("operationId", "")
        if not (OPERATION_ID.match(operation_id) or operation_id in CONTRACT_IDS):
            problems.append(f"{where}: operation id {operation_id!r} is not verbNoun camelCase")
        if operation_id in seen:
            problems.append(f"{where}: operation id {operation_id!r} is {seen[operation_id]}'s")
        seen[operation_id] = where
        headers = operation["responses"].get("200", {}).get("headers", {})
        if method == "get" and not set(READ_HEADERS) <= set(headers):
            problems.append(f"{where}: its 200 declares no {' and '.join(READ_HEADERS)}")
    return problems


def spec_problems(schema: dict[str, Any]) -> list[str]:
    """Every way the document falls short of its rules; empty when it keeps them all."""
    described = {tag["name"] for tag in schema.get("tags", []) if tag.get("description")}
    used = {tag for _, _, operation in operations(schema) for tag in operation.get("tags", [])}
    problems = [f"tag {tag!r} has no description" for tag in sorted(used - described)]
    problems += [
        f"schema {name} has no examples"
        for name, component in schema["components"]["schemas"].items()
        if not component.get("examples")
    ]
    return problems + _operation_problems(schema)


def main() -> None:
    SPEC_FILE.write_text(render(openapi_of_default_app()))
    sys.stdout.write(f"wrote {SPEC_FILE.relative_to(REPO_ROOT)}\n")


if __name__ == "__main__":
    main()
