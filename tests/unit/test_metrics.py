"""Business metrics: counted under Lambda into Powertools' set, flushed as one EMF line."""

import json
from collections.abc import Iterator

import pytest

from portfolio_api.core.metrics import (
    NAMESPACE,
    BusinessMetric,
    BusinessMetrics,
    metrics,
    running_in_lambda,
)


@pytest.fixture(autouse=True)
def _empty_metric_set() -> Iterator[None]:
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()


def test_counts_leave_as_one_emf_line_then_start_again(capsys: pytest.CaptureFixture[str]) -> None:
    sink = BusinessMetrics(environment="test", enabled=True)
    # GIVEN two visits and a failed login counted in one invocation
    sink.count(BusinessMetric.VISITS_COUNTED)
    sink.count(BusinessMetric.VISITS_COUNTED)
    sink.count(BusinessMetric.LOGINS_FAILED)
    # WHEN log_metrics flushes at the end of the invocation, and of the next one
    metrics.flush_metrics()
    metrics.flush_metrics()
    # THEN one EMF line carries both metrics, and the next invocation has nothing left to send
    (line,) = capsys.readouterr().out.splitlines()
    emf = json.loads(line)
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == NAMESPACE
    assert (emf["VisitsCounted"], emf["LoginsFailed"]) == ([1.0, 1.0], [1.0])
    assert (emf["service"], emf["environment"]) == ("portfolio-api", "test")


def test_outside_lambda_nothing_is_counted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a process that is no Lambda function (make dev's uvicorn)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    sink = BusinessMetrics(environment="local")
    # WHEN 150 requests each count a visit (Powertools prints any set reaching 100 values)
    for _ in range(150):
        sink.count(BusinessMetric.VISITS_COUNTED)
    # THEN nothing piled up, and nothing was printed
    assert not running_in_lambda()
    assert metrics.metric_set == {}
    assert capsys.readouterr().out == ""


def test_lambda_is_told_by_the_variable_its_runtime_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "portfolio-api-dev")
    assert running_in_lambda()
    assert BusinessMetrics(environment="dev")._enabled
