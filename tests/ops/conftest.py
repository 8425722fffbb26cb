"""The ops commands' tests run against the same moto document store and in-process
functions as the handler tests (tests/handlers/conftest.py): the fixtures are shared."""

from tests.handlers.conftest import aws, call_agent, call_api, handler_env

__all__ = ["aws", "call_agent", "call_api", "handler_env"]
