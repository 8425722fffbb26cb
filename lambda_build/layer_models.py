"""Model files a function's layer carries beside its dependencies, under `models/{name}/`.

A layer unpacks under `/opt` on Lambda, so a function finds its model at
`/opt/models/{name}/`; the Pulumi program hands that directory to the function
(`RERANKER_MODEL_DIR`, components/agent_api/environment.py). The files come from the pinned
wheels of `lambda_build/model_files.py`; what the pins say (not the files' bytes, which
would mean a download to check) goes into the layer's staleness digest, so a new pin
rebuilds the layer.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from types import MappingProxyType

from lambda_build.errors import ModelFetchError
from lambda_build.model_files import RERANKER, PinnedWheel

LAYER_MODELS_ROOT = "models"
# Where Lambda unpacks every layer of a function.
LAYER_MOUNT = "/opt"

FUNCTION_MODELS: Mapping[str, tuple[PinnedWheel, ...]] = MappingProxyType(
    {
        # The cross-encoder that reorders the fused passages before the answer.
        "agent": (RERANKER,),
    }
)
"""Function -> the models its layer carries; a function not listed carries none."""


def layer_dir(model: PinnedWheel) -> str:
    """The model's folder inside the layer zip, e.g. `models/ms-marco-MiniLM-L-12-v2-int8`."""
    return f"{LAYER_MODELS_ROOT}/{model.name}"


def runtime_dir(model: PinnedWheel) -> str:
    """Where the deployed function reads the model: `/opt/models/{name}`."""
    return f"{LAYER_MOUNT}/{layer_dir(model)}"


def model_entries(function: str, models: Sequence[PinnedWheel]) -> list[tuple[str, Path]]:
    """Every model file under its layer path, fetching and unpacking each wheel if needed.

    Raises ModelFetchError (naming the function and the model) when pip cannot download a
    wheel or its SHA-256 is not the pinned one.
    """
    entries: list[tuple[str, Path]] = []
    for model in models:
        try:
            source = model.model_dir()
        except (OSError, RuntimeError, subprocess.CalledProcessError, KeyError) as exc:
            raise ModelFetchError(function, model.name, str(exc)) from exc
        entries += [(f"{layer_dir(model)}/{name}", source / name) for name in model.shipped]
    return entries


def models_identity(models: Sequence[PinnedWheel]) -> list[dict[str, object]]:
    """What decides the models' bytes in the layer: each pin, as data for a digest."""
    return [{**asdict(model), "layer_dir": layer_dir(model)} for model in models]
