"""The OpenAPI document keeps its rules (examples, tag descriptions, caching headers, operation
ids), its examples are valid, and docs/openapi.json is the app's own document."""

import copy
import difflib
from typing import Any

import pytest
from pydantic import BaseModel

from portfolio_api.models.examples import EXAMPLES
from tests.helpers.app import openapi_of_default_app
from tests.helpers.openapi import SPEC_FILE, render, spec_problems


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return openapi_of_default_app()


def test_the_document_keeps_every_rule(openapi: dict[str, Any]) -> None:
    # GIVEN the app's OpenAPI document
    # WHEN its schemas, tags and operations are checked
    problems = spec_problems(openapi)
    # THEN every schema has examples, every tag a description, every read its caching headers,
    # and every operation id is verbNoun camelCase and its own
    assert problems == []


def test_the_rules_catch_each_kind_of_fault(openapi: dict[str, Any]) -> None:
    # GIVEN a copy of the document with one fault of each kind
    broken = copy.deepcopy(openapi)
    broken["tags"] = [tag for tag in broken["tags"] if tag["name"] != "Health"]
    del broken["components"]["schemas"]["PostPublic"]["examples"]
    del broken["paths"]["/v1/blog/posts"]["get"]["responses"]["200"]["headers"]["ETag"]
    broken["paths"]["/v1/projects"]["post"]["operationId"] = "projects_create"
    broken["paths"]["/v1/projects/{projectId}"]["get"]["operationId"] = "getBlogPost"
    # WHEN it is checked
    problems = spec_problems(broken)
    # THEN each fault is named, and nothing else
    assert sorted(problems) == sorted(
        [
            "tag 'Health' has no description",
            "schema PostPublic has no examples",
            "GET /v1/blog/posts: its 200 declares no ETag and Cache-Control",
            "POST /v1/projects: operation id 'projects_create' is not verbNoun camelCase",
            "GET /v1/projects/{projectId}: operation id 'getBlogPost' is GET "
            "/v1/blog/posts/{postId}'s",
        ]
    )


@pytest.mark.parametrize("model", list(EXAMPLES), ids=lambda model: model.__name__)
def test_each_example_is_valid_for_its_model(model: type[BaseModel]) -> None:
    # GIVEN a schema's example, as the wire carries it
    example = EXAMPLES[model]
    # WHEN its model reads it
    parsed = model.model_validate(example)
    # THEN it is accepted, and says what it said
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == example


def test_every_example_belongs_to_a_schema_of_the_document(openapi: dict[str, Any]) -> None:
    # GIVEN the models that have examples
    named = {model.__name__ for model in EXAMPLES}
    # WHEN the document's schemas are listed
    schemas = set(openapi["components"]["schemas"])
    # THEN none of the examples is left over from a schema that is gone
    assert named <= schemas


def test_docs_openapi_json_is_the_apps_document(openapi: dict[str, Any]) -> None:
    # GIVEN the document the app serves
    expected = render(openapi)
    # WHEN the copy in the repository is read
    committed = SPEC_FILE.read_text() if SPEC_FILE.exists() else ""
    # THEN they are the same; otherwise the diff says what changed and how to update the copy
    drift = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            "docs/openapi.json",
            "the app",
            n=1,
        )
    )
    assert committed == expected, (
        f"docs/openapi.json differs from the app's document: run `make openapi`.\n{drift[:3000]}"
    )
