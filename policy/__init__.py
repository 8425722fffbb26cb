"""Doc Agent's CrossGuard policy pack (`pulumi preview --policy-pack policy`).

The Pulumi CLI runs this directory as a script (`__main__.py`), so the pack's code lives in
`doc_agent_guardrails/`, a package importable from here alone: the pack never imports the
program (`components/`).
"""
