"""The frontend's contract (Visitors, Analytics), checked against the app's OpenAPI.

Transcribed from the contract the frontend was written against; the issue's additions
(`day`, `yearMonth`, `title`), and issue 15's (`pageviews`), are on top of it.
"""

from typing import Any

import pytest

from tests.helpers.app import openapi_of_default_app

OPERATIONS = {
    ("post", "/v1/visitors/track"): ("trackVisit", set(), {"count", "tracked"}),
    ("get", "/v1/visitors/count"): ("getVisitorCount", set(), {"count"}),
    ("get", "/v1/visitors/trends/daily"): ("getDailyVisitorTrends", {"days"}, {"trends"}),
    ("get", "/v1/visitors/trends/monthly"): ("getMonthlyVisitorTrends", {"months"}, {"trends"}),
    ("post", "/v1/analytics/track"): ("trackContentView", set(), {"views", "tracked"}),
    ("get", "/v1/analytics/views/{contentType}/{contentId}"): (
        "getContentViewCount",
        {"contentType", "contentId"},
        {"contentId", "contentType", "views"},
    ),
    ("get", "/v1/analytics/views/{contentType}"): (
        "getAllViewStats",
        {"contentType"},
        {"contentType", "stats"},
    ),
    ("get", "/v1/analytics/top-content"): (
        "getTopContent",
        {"limit"},
        {"blogs", "projects", "certifications"},
    ),
    ("get", "/v1/analytics/total-views"): ("getTotalViews", set(), {"totalViews"}),
}
ITEM_SCHEMAS = {
    "DailyVisitors": {"date", "visitors", "pageviews", "day"},
    "MonthlyVisitors": {"month", "visitors", "pageviews", "yearMonth"},
    "ContentViewStat": {"contentId", "views", "title"},
}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return openapi_of_default_app()


def _schema(openapi: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any]:
    name = reference["$ref"].rsplit("/", 1)[-1]
    schema: dict[str, Any] = openapi["components"]["schemas"][name]
    return schema


@pytest.mark.parametrize(("operation", "expected"), OPERATIONS.items(), ids=str)
def test_every_contract_operation_is_served_with_its_fields(
    openapi: dict[str, Any], operation: tuple[str, str], expected: tuple[str, set[str], set[str]]
) -> None:
    operation_id, parameters, fields = expected
    method, path = operation
    served = openapi["paths"][path][method]
    assert served["operationId"] == operation_id
    # Path and query parameters; headers (If-None-Match on public GETs) are HTTP's own
    named = {p["name"] for p in served.get("parameters", []) if p["in"] != "header"}
    assert named == parameters
    body = served["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(_schema(openapi, body)["properties"]) == fields


@pytest.mark.parametrize(("name", "fields"), ITEM_SCHEMAS.items())
def test_list_items_carry_the_contract_fields(
    openapi: dict[str, Any], name: str, fields: set[str]
) -> None:
    schema = openapi["components"]["schemas"][name]
    assert set(schema["properties"]) == fields
    assert set(schema["required"]) == fields


def test_content_types_are_the_contracts_enum(openapi: dict[str, Any]) -> None:
    served = openapi["paths"]["/v1/analytics/views/{contentType}"]["get"]
    parameter = next(p for p in served["parameters"] if p["name"] == "contentType")
    assert _schema(openapi, parameter["schema"])["enum"] == ["blog", "project", "certification"]
