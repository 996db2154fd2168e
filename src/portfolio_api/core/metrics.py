"""Business metrics as CloudWatch EMF lines: their names, namespace and dimensions, in one place.

Powertools' `Metrics` keeps one metric set per process; `log_metrics` on the Lambda handler
prints it as one EMF line at the end of each invocation that counted something. Nothing flushes
it outside Lambda, so there nothing is counted (make dev's log stays free of EMF lines).
template.yaml's dashboard draws these same names; a test keeps the two in step.
"""

import os
import warnings
from enum import StrEnum
from typing import Protocol

from aws_lambda_powertools.metrics import Metrics, MetricUnit
from aws_lambda_powertools.warnings import PowertoolsUserWarning

NAMESPACE = "PortfolioApi"
SERVICE = "portfolio-api"

metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
# Most invocations count nothing, and Powertools warns of each empty flush.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


class BusinessMetric(StrEnum):
    VISITS_COUNTED = "VisitsCounted"
    VIEWS_COUNTED = "ViewsCounted"
    LOGINS_FAILED = "LoginsFailed"


class MetricsSink(Protocol):
    def count(self, metric: BusinessMetric) -> None: ...


def running_in_lambda() -> bool:
    return "AWS_LAMBDA_FUNCTION_NAME" in os.environ


class BusinessMetrics:
    """Counts events into Powertools' metric set, under Lambda only."""

    def __init__(self, *, environment: str, enabled: bool | None = None) -> None:
        self._enabled = running_in_lambda() if enabled is None else enabled
        if self._enabled:
            with warnings.catch_warnings():
                # Lambda builds one app per process; tests build many, each setting it again.
                warnings.simplefilter("ignore", PowertoolsUserWarning)
                metrics.set_default_dimensions(environment=environment)

    def count(self, metric: BusinessMetric) -> None:
        if self._enabled:
            metrics.add_metric(name=metric.value, unit=MetricUnit.Count, value=1)
