"""Business metrics as CloudWatch EMF lines: their names, namespace and dimensions, in one place.

template.yaml's dashboard draws these same names; a test keeps the two in step.
"""

import threading
from enum import StrEnum
from typing import Protocol

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

NAMESPACE = "PortfolioApi"
SERVICE = "portfolio-api"


class BusinessMetric(StrEnum):
    VISITS_COUNTED = "VisitsCounted"
    VIEWS_COUNTED = "ViewsCounted"
    LOGINS_FAILED = "LoginsFailed"


class MetricsSink(Protocol):
    def count(self, metric: BusinessMetric) -> None: ...


class BusinessMetrics:
    """Counts events; `publish` prints them as one EMF line, which CloudWatch turns into metrics.

    Ephemeral: Powertools' `Metrics` shares one metric set across every instance in the process.
    The lock matters only under uvicorn, where requests publish from several threads.
    """

    def __init__(self, *, environment: str) -> None:
        self._emf = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
        self._emf.set_default_dimensions(environment=environment)
        self._lock = threading.Lock()

    def count(self, metric: BusinessMetric) -> None:
        with self._lock:
            self._emf.add_metric(name=metric.value, unit=MetricUnit.Count, value=1)

    def publish(self) -> None:
        """A no-op when nothing was counted: Powertools would warn about an empty flush."""
        with self._lock:
            if self._emf.metric_set:
                self._emf.flush_metrics()
                # Powertools keeps the set when POWERTOOLS_METRICS_DISABLED is on, then prints
                # it anyway at 100 values.
                self._emf.clear_metrics()
