"""Lambda runtime plumbing every function shares.

Settings parsed from the environment, the tracer, business metrics per invocation, SQS
batches with partial failures, SnapStart priming, and loading only the Powertools modules a
function uses (`lean_imports`).
"""
