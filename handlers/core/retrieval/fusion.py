"""Reciprocal rank fusion (Cormack et al., 2009): score = Σ weight / (k + rank).

Weighted per ranking, so a ranking known to be weaker (the offline provider's hashed
embeddings, a noisier copy of BM25's word overlap) cannot outvote a stronger one.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[K]],
    *,
    k: int = RRF_K,
    weights: Sequence[float] | None = None,
) -> dict[K, float]:
    """Fused scores of every key in any ranking (best first within each ranking)."""
    fused: dict[K, float] = {}
    for position, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[position]
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused
