"""Observability: alarms with a runbook, a dashboard, an encrypted alarm topic and a budget.

`alarms.py` and `dashboard.py` are data (what is watched and shown), `notifications.py`
the policies and budget notifications, `component.py` the Pulumi resources.
"""

from components.observability.args import MonitoredFunction, ObservabilityArgs
from components.observability.component import Observability

__all__ = ["MonitoredFunction", "Observability", "ObservabilityArgs"]
