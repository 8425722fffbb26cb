"""Cost-allocation tags, given explicitly to every taggable resource.

Pulumi transforms would be shorter, but they do not run under mocks, so tags given that
way could not be tested.
"""

from __future__ import annotations

from collections.abc import Mapping

from components.config import PROJECT

COST_TAG = "project"
"""The tag the budget filters on; activate it as a cost-allocation tag in Billing."""


def stack_tags(stack: str, extra: Mapping[str, str]) -> dict[str, str]:
    """The tags every resource of the stack carries."""
    return {**extra, COST_TAG: PROJECT, "stack": stack}


def component_tags(base: Mapping[str, str], component: str) -> dict[str, str]:
    return {**base, "component": component}
