"""Doc Agent's guardrails: pure rules (`rules`, `stack_rules`) and their pulumi_policy wrappers."""

from .policies import guardrail_policies

__all__ = ["guardrail_policies"]
