"""The local stack runs the agent with its cross-encoder reranker, as deployed stacks do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handlers.core.runtime.settings import AgentSettings
from lambda_build.model_files import RERANKER
from local.__main__ import parse_args
from local.environment import check_settings, handler_environment
from local.resources import StackResources
from local.stack import LocalStack
from tests.local.conftest import ORIGIN

VARIABLE = "RERANKER_MODEL_DIR"


def test_the_agent_environment_names_the_model_or_turns_reranking_off(
    resources: StackResources,
):
    on = handler_environment(resources, (ORIGIN,), None, reranker_model_dir=Path("/models/x"))
    off = handler_environment(resources, (ORIGIN,), None)
    assert on[VARIABLE] == "/models/x"
    # Set, but empty: a value in the developer's shell cannot switch it back on
    assert off[VARIABLE] == ""
    check_settings(on)
    check_settings(off)
    # as the agent reads them
    assert AgentSettings.from_env(on).reranker_model_dir == Path("/models/x")
    assert AgentSettings.from_env(off).reranker_model_dir is None


@pytest.mark.enable_socket
def test_the_stack_points_the_agent_at_the_downloaded_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv(VARIABLE, raising=False)

    with LocalStack(port=0, site_dir=tmp_path, log_requests=False, demo_library=False) as info:
        while_running = os.environ.get(VARIABLE)

    # The handlers saw the cached model (make test and the first make dev fetch it)
    model_dir = RERANKER.model_dir()
    assert while_running == info.reranker_model_dir == str(model_dir)
    assert {path.name for path in model_dir.iterdir()} >= {"model.onnx", "vocab.txt"}
    assert VARIABLE not in os.environ


@pytest.mark.enable_socket
def test_a_stack_without_the_reranker_overrides_the_shell_and_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(VARIABLE, "/from/the/shell")

    with LocalStack(
        port=0, site_dir=tmp_path, log_requests=False, demo_library=False, reranker=False
    ) as info:
        while_running = os.environ.get(VARIABLE)

    assert while_running == ""
    assert info.reranker_model_dir is None
    assert os.environ[VARIABLE] == "/from/the/shell"


@pytest.mark.parametrize(
    ("setting", "argv", "expected"),
    [(None, [], True), ("off", [], False), ("0", [], False), ("off", ["--reranker"], True),
     (None, ["--no-reranker"], False), ("on", [], True)],
)  # fmt: skip
def test_make_dev_turns_the_reranker_off_with_reranker_off(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, argv: list[str], expected: bool
):
    if setting is None:
        monkeypatch.delenv("RERANKER", raising=False)
    else:
        monkeypatch.setenv("RERANKER", setting)
    assert parse_args(argv).reranker is expected
