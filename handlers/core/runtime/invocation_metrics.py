"""Business metrics recorded during one invocation and published at its end (EMF).

Powertools keeps recorded metrics in a store shared by every `Metrics` instance, so a use
case can record with `record_count(...)` and the handler publishes with
`publish_metrics()`. The namespace (`POWERTOOLS_METRICS_NAMESPACE`) and the `service`
dimension (`POWERTOOLS_SERVICE_NAME`) are read when publishing, not at import, so a
function imported before its environment is set (tests, the local stack) still works.
Without a namespace nothing is published (and nothing fails).
"""

from __future__ import annotations

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric


def begin_invocation() -> None:
    """Forget anything recorded outside this invocation.

    The store outlives an invocation in a warm container; an invocation that died before
    publishing must not have its metrics published by the next one.
    """
    Metrics().clear_metrics()


def record_count(name: str, value: float = 1) -> None:
    Metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


def record_milliseconds(name: str, value: float) -> None:
    Metrics().add_metric(name=name, unit=MetricUnit.Milliseconds, value=value)


def record_count_by(name: str, dimension: str, value: str, count: float = 1) -> None:
    """A count split by one more dimension than `service` (e.g. the answer's model).

    Written at once as its own EMF record: the shared store's dimensions apply to every metric
    of the invocation, and the alarms need the service-only series unchanged.
    """
    if not Metrics().namespace:
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=count) as one:
        one.add_dimension(name=dimension, value=value)


def publish_metrics() -> None:
    metrics = Metrics()
    if metrics.namespace and metrics.metric_set:
        metrics.flush_metrics()
    else:
        metrics.clear_metrics()
