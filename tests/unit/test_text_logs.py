"""LOG_FORMAT=text, make dev's log: one line a person reads per event, from the same logger calls.

The real app over real HTTP (no AWS behind it), with two probe routes: one logs a fact, one fails.
"""

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from portfolio_api.config import Settings
from portfolio_api.core.logging import TextFormatter, configure_logging, logger
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.aws import REGION
from tests.helpers.logs import captured_logs

# HH:MM:SS.mmm, the level padded to five, the message, its facts, the request id last.
LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} (?P<level>[A-Z]+) +(?P<rest>.*) \[req (?P<id>\w+)\]$")
CALLER = {
    "Authorization": "Bearer eyJ.secret-token.sig",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Probe/1.0",
    "X-Forwarded-For": "198.51.100.7",
}


def _text_settings() -> Settings:
    """Endpoints nobody listens on: the probes below never reach AWS."""
    return Settings(
        environment="local",
        log_format="text",
        dynamodb_table_name="unused",
        dynamodb_ephemeral_table_name="unused-ephemeral",
        dynamodb_endpoint_url="http://127.0.0.1:9",
        cognito_user_pool_id=f"{REGION}_unused",
        cognito_client_id="unused",
        cognito_endpoint_url="http://127.0.0.1:9",
        aws_region=REGION,
    )


@pytest.fixture
def text_api() -> Iterator[httpx.Client]:
    app = create_app(settings=_text_settings())

    async def fact() -> dict[str, bool]:
        logger.info("visit tracked", extra={"counted": True, "note": "two\nlines"})
        return {"ok": True}

    async def failure() -> None:
        raise RuntimeError("the probe failed")

    app.add_api_route("/test/fact", fact, methods=["POST"])
    app.add_api_route("/test/failure", failure, methods=["GET"])
    try:
        with serve(app) as client:
            yield client
    finally:
        configure_logging("INFO")  # the format every other test expects


def test_each_event_is_one_readable_line_with_its_request_id(text_api: httpx.Client) -> None:
    # WHEN a request logs a fact with extra= fields, and another fails with a traceback
    with captured_logs(json_lines=False) as logs:
        fact = text_api.post("/test/fact", headers=CALLER)
        failure = text_api.get("/test/failure", headers=CALLER)
    assert (fact.status_code, failure.status_code) == (200, 500)
    lines = logs.text.splitlines()
    # THEN the fact is one line: time, level, message, its fields, the response's request id
    (told,) = [line for line in lines if "visit tracked" in line]
    match = LINE.match(told)
    assert match is not None, told
    assert match["level"] == "INFO"
    assert match["rest"] == 'visit tracked counted=True note="two\\nlines"'
    assert match["id"] == fact.headers["x-request-id"]
    # AND the failure's line has its request id, and the traceback follows as Python prints it
    start = next(i for i, line in enumerate(lines) if "unhandled error" in line)
    failed = LINE.match(lines[start])
    assert failed is not None, lines[start]
    assert (failed["level"], failed["id"]) == ("ERROR", failure.headers["x-request-id"])
    assert lines[start + 1] == "Traceback (most recent call last):"
    assert lines[-1] == "RuntimeError: the probe failed"
    assert all(line.startswith("  ") for line in lines[start + 2 : -1])
    # AND nothing is JSON, and no token, address or browser is there
    for line in lines:
        with pytest.raises(json.JSONDecodeError):
            json.loads(line)
    for personal in ("secret-token", "198.51.100.7", "Mozilla", "Probe/1.0"):
        assert personal not in logs.text


def test_json_stays_the_default_and_comes_back_after_text() -> None:
    # GIVEN the app configured for text, then as on Lambda
    configure_logging("INFO", log_format="text")
    assert isinstance(logger.registered_formatter, TextFormatter)
    configure_logging("INFO")
    # WHEN it logs THEN each line is Powertools' JSON with the service, as CloudWatch reads it
    assert type(logger.registered_formatter) is LambdaPowertoolsFormatter
    with captured_logs() as logs:
        logger.info("visit tracked", extra={"counted": True})
    (line,) = logs.lines
    assert line["message"] == "visit tracked"
    assert (line["service"], line["counted"]) == ("portfolio-api", True)
