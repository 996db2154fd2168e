"""Business metrics leave as one EMF line per request that counted something, and only then."""

import json

import pytest

from portfolio_api.core.metrics import NAMESPACE, BusinessMetric, BusinessMetrics


def test_a_request_that_counted_nothing_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a sink with nothing counted WHEN it publishes (Powertools would warn, an error here)
    BusinessMetrics(environment="test").publish()
    # THEN nothing is printed
    assert capsys.readouterr().out == ""


def test_counts_leave_as_one_emf_line_then_start_again(capsys: pytest.CaptureFixture[str]) -> None:
    metrics = BusinessMetrics(environment="test")
    # GIVEN two visits and a failed login counted in one request
    metrics.count(BusinessMetric.VISITS_COUNTED)
    metrics.count(BusinessMetric.VISITS_COUNTED)
    metrics.count(BusinessMetric.LOGINS_FAILED)
    # WHEN the request publishes, twice
    metrics.publish()
    metrics.publish()
    # THEN one EMF line carries both metrics, and the second publish has nothing left to send
    (line,) = capsys.readouterr().out.splitlines()
    emf = json.loads(line)
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == NAMESPACE
    assert (emf["VisitsCounted"], emf["LoginsFailed"]) == ([1.0, 1.0], [1.0])
    assert (emf["service"], emf["environment"]) == ("portfolio-api", "test")


def test_disabled_metrics_never_pile_up_and_print(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Powertools told not to publish
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    metrics = BusinessMetrics(environment="test")
    # WHEN 150 requests each count a visit (Powertools prints any set reaching 100 values)
    for _ in range(150):
        metrics.count(BusinessMetric.VISITS_COUNTED)
        metrics.publish()
    # THEN nothing was printed
    assert capsys.readouterr().out == ""
