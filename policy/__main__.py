"""The policy pack the Pulumi CLI runs: `pulumi preview --policy-pack policy` (see `make policy`).

Every guardrail is mandatory: a violation fails the preview or the update.
"""

# The CLI runs this directory with only the directory on sys.path, so the package is imported
# from here; type checkers run from the repository root know it as policy.doc_agent_guardrails.
from doc_agent_guardrails import guardrail_policies  # type: ignore[import-not-found]
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    "doc-agent-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=guardrail_policies(),
    description="Doc Agent's security and cost guardrails (docs/security.md).",
)
