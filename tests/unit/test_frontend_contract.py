"""docs/FRONTEND-CONTRACT.md names every difference between the app's OpenAPI document and the
frontend's contract (../shared/reference/frontend-openapi.yml, read in place, never copied).

The contract lies beside the repository wherever this project is worked on and tested (its
shared/ folder). In a clone without it, the completeness check has nothing to compare with; the
doc is then still held to naming only operations the app serves, and the check itself is proven
on a made-up contract below, which needs no file.
"""

import copy
from typing import Any

import pytest

from tests.helpers.app import openapi_of_default_app
from tests.helpers.contract import (
    CONTRACT_DOC,
    FRONTEND_CONTRACT,
    Difference,
    differences,
    load_contract,
    named_operations,
    undocumented,
)
from tests.helpers.openapi import operations


@pytest.fixture(scope="module")
def app_spec() -> dict[str, Any]:
    return openapi_of_default_app()


def _served(spec: dict[str, Any]) -> set[str]:
    return {f"{method.upper()} {path}" for method, path, _ in operations(spec)}


def test_the_doc_names_every_difference_from_the_contract(app_spec: dict[str, Any]) -> None:
    # GIVEN the app's document and the doc, and the contract where it lies beside the repo
    doc = CONTRACT_DOC.read_text()
    contract = load_contract() if FRONTEND_CONTRACT.exists() else None
    # WHEN the differences are computed and looked up in the doc
    found = differences(app=app_spec, contract=contract) if contract else []
    missing = [str(difference) for difference in undocumented(found, text=doc)]
    # THEN each has its row (`make contract-diff` lists them), and every operation a row names
    # is one the app serves or the contract lists
    assert missing == [], "add these to docs/FRONTEND-CONTRACT.md: " + "; ".join(missing)
    known = _served(app_spec) | (_served(_with_prefix(contract)) if contract else set())
    assert named_operations(doc) <= known
    assert not contract or len(found) > 0


def _with_prefix(contract: dict[str, Any]) -> dict[str, Any]:
    return {"paths": {f"/v1{path}": item for path, item in contract["paths"].items()}}


def _made_up_contract(app_spec: dict[str, Any]) -> dict[str, Any]:
    """The app's own document, unprefixed as the contract's paths are, with one change of each
    kind the check looks for."""
    contract = copy.deepcopy(app_spec)
    contract["paths"] = {
        path.removeprefix("/v1"): item
        for path, item in contract["paths"].items()
        if path.startswith("/v1/")
    }
    paths = contract["paths"]
    del paths["/auth/refresh"]
    paths["/auth/logout"]["post"]["security"] = []
    count = paths["/visitors/count"]["get"]
    count["parameters"] = [*count.get("parameters", []), {"name": "since", "in": "query"}]
    del paths["/visitors/count"]["get"]["responses"]["503"]
    schemas = contract["components"]["schemas"]
    schemas["VisitorCount"]["properties"]["unique"] = {"type": "integer"}
    del schemas["TrackView"]["properties"]["contentType"]
    return contract


def test_the_check_finds_each_kind_of_difference(app_spec: dict[str, Any]) -> None:
    # GIVEN a made-up contract: one operation gone, one public, a parameter and a response
    # field more, a status and a request field fewer
    contract = _made_up_contract(app_spec)
    # WHEN it is compared with the app
    found = {str(difference) for difference in differences(app=app_spec, contract=contract)}
    # THEN exactly those are found, with /health (the app's only route outside /v1)
    assert found == {
        "GET /health: operation only in the app `GET /health`",
        "POST /v1/auth/refresh: operation only in the app `POST /v1/auth/refresh`",
        "POST /v1/auth/logout: the contract requires no token: `security`",
        "GET /v1/visitors/count: parameter only in the contract `since`",
        "GET /v1/visitors/count: status only in the app `503`",
        "GET /v1/visitors/count: 200 field only in the contract `unique`",
        "POST /v1/analytics/track: request field only in the app `contentType`",
    }


def test_a_difference_counts_as_named_only_in_its_operations_row() -> None:
    # GIVEN two differences and a doc whose rows name one of them, and the other's field
    # under another operation
    named = Difference(operation="GET /v1/visitors/count", name="unique", what="a field")
    elsewhere = Difference(operation="POST /v1/auth/logout", name="security", what="security")
    doc = (
        "| Operation | Difference |\n|---|---|\n"
        "| `GET /v1/visitors/count` | adds `unique` |\n"
        "| `POST /v1/auth/login` | `security` differs |\n"
    )
    # WHEN the doc is searched for them
    missing = undocumented([named, elsewhere], text=doc)
    # THEN only the one in its own operation's row counts; a `*` row would cover both
    assert missing == [elsewhere]
    assert undocumented([named, elsewhere], text=doc + "| `*` | `security` |\n") == []
