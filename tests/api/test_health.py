import httpx
import pytest

from portfolio_api import __version__
from portfolio_api.config import Settings
from portfolio_api.devstack.processes import free_port
from portfolio_api.factory import create_app
from tests.helpers.app import serve


@pytest.mark.parametrize("path", ["/v1/health", "/health"])
def test_health_needs_no_token_and_reports_dynamodb(api: httpx.Client, path: str) -> None:
    # WHEN anyone asks, under /v1 (where the frontend's base URL points) or at the root
    response = api.get(path)
    # THEN the status and DynamoDB's answer
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "dynamodb": "ok",
        "environment": "test",
        "version": __version__,
    }


def test_health_is_503_when_dynamodb_does_not_answer(settings: Settings) -> None:
    # GIVEN an app pointed at a DynamoDB that is not there
    dead = settings.model_copy(update={"dynamodb_endpoint_url": f"http://127.0.0.1:{free_port()}"})
    # WHEN its health is asked
    with serve(create_app(settings=dead)) as api:
        response = api.get("/health")
    # THEN it says which dependency failed, in the error envelope
    assert response.status_code == 503
    assert response.json()["details"] == {"dynamodb": "unreachable"}


def test_health_is_503_when_the_table_is_missing(settings: Settings) -> None:
    missing = settings.model_copy(update={"dynamodb_table_name": "no-such-table"})
    with serve(create_app(settings=missing)) as api:
        assert api.get("/health").status_code == 503
