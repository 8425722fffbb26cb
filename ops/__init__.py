"""Operator commands for a deployed (or the local) stack: smoke test, rollback, restore,
redrive. Each is a module with a `main()` (`python -m ops.<command> --help`), typed and
tested against moto; `make <command> STACK=...` runs it with the stack's outputs.

They live here rather than in `scripts/` (repository chores such as the OpenAPI generator):
these act on running stacks, are imported by their tests, and the pipeline runs them.
"""
