"""Would a cross-encoder reranker, or its score as the relevance gate, do better? (issue 11)

    .venv/bin/python -m benchmarks.rerankers [--split a,b] [--depths 10,20,30,50]
                                             [--max-tokens 128]
                                             [--latency-sample 12] [--latency-tokens 128,256,512]

Asks the answer-quality set (`benchmarks/answer_quality.py`, offline mode, every document
of the splits given in one library) and the 20 off-topic PROBES of
`benchmarks/offline_embedders.py` once with the shipped ranking and once per depth N with
cross-encoder/ms-marco-MiniLM-L-12-v2 (int8 ONNX from a pinned PyPI wheel,
`lambda_build/model_files.py`) reordering the fused top N
(`benchmarks/embedders/reranking.py`); the offline answerer cites in the order it is given.
Each run refuses nothing; four
gates are then applied to what it recorded: the shipped lexical gate, the cross-encoder's
best logit ≥ a threshold (instead of it), both, either. Each threshold is chosen on the
`tune` split's questions only (balanced accuracy) and reported on every split. Prints per
depth, gate and split the counts of answerable questions with the labelled page first / in
the top 3 / within one page, the fact in the answer, unanswerable ones refused, false
refusals, probes answered; where the labelled page stands in the list the answerer gets;
then the cross-encoder's time per question at each depth and pair length (fresh, one
thread), its load time and size. Scores are cached per (question, passage) under
`$DOC_AGENT_EMBEDDERS_CACHE`: the first run at 512 tokens scores ~7,800 pairs (~25 min on
one core here), later runs take ~1 min per depth.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.offline_embedders import PROBES, count_cells

if TYPE_CHECKING:
    from benchmarks.embedders.reranking import Gate, Record
    from benchmarks.quality.labels import LabelledSet, Question
    from benchmarks.quality.run import ModeResult
    from benchmarks.quality.scoring import Outcome, Scorer
    from handlers.core.retrieval.cross_encoder import CrossEncoder

DEPTHS = (10, 20, 30, 50)
TUNE = "tune"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="tune,held-out,heldout-2", help="the library")
    parser.add_argument("--depths", default=",".join(map(str, DEPTHS)))
    parser.add_argument("--max-tokens", type=int, default=128, help="per (question, passage)")
    parser.add_argument("--latency-sample", type=int, default=12, help="questions timed (0: none)")
    parser.add_argument("--latency-tokens", default="128,256,512", help="pair lengths timed")
    args = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from benchmarks.embedders.reranking import GATES, ScoreCache, use_reranking
    from benchmarks.quality.labels import LabelledSet, Question, load_set
    from benchmarks.quality.run import fetch_all, run_mode
    from handlers.core.retrieval.cross_encoder import CrossEncoder
    from lambda_build.model_files import RERANKER, cache_dir

    labelled = load_set().in_splits(tuple(args.split.split(",")))
    probes = [Question(f"probe-{i}", text, splits=("probes",)) for i, text in enumerate(PROBES)]
    asked = LabelledSet(labelled.documents, [*labelled.questions, *probes])
    files = fetch_all(labelled)

    def load() -> CrossEncoder:
        return CrossEncoder.load(RERANKER.model_dir(), max_tokens=args.max_tokens)

    # Pairs are the heading path + the text's densest window (as the shipped reranker's).
    kind = f"{args.max_tokens}-window"
    tag = f"{RERANKER.name}:{kind}"
    cache = ScoreCache(cache_dir() / f"cross-encoder-scores-{kind}.json", load, tag)
    depths: list[int | None] = [None, *(int(d) for d in args.depths.split(","))]
    runs: dict[int | None, tuple[ModeResult, dict[str, Record]]] = {}
    for depth in depths:
        started = time.perf_counter()
        with use_reranking(depth, cache) as records:
            runs[depth] = (run_mode(asked, "offline", files, reranker=False), dict(records))
        print(f"depth {depth or 'shipped'}: {time.perf_counter() - started:.0f} s", flush=True)

    print()
    print(
        "| reranked | gate | threshold | split | top1 | top3 | ±1 | fact | refused ✓ "
        "| false refusals | probes answered |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for depth, (result, records) in runs.items():
        for gate in GATES:
            _report(str(depth or "no (shipped)"), gate, result, records, labelled)
    print()
    print("Where the labelled page stands among the passages the answerer gets (answerable):")
    print("| reranked | split | 1st | 2nd-3rd | 4th-10th | not in 10 |")
    print("|---|---|---|---|---|---|")
    for depth, (result, records) in runs.items():
        _ranks(depth, records, labelled, _scorer(labelled, files, result))
    if args.latency_sample <= 0:
        return
    print()
    tokens = [int(t) for t in args.latency_tokens.split(",")]
    _latency(runs, labelled, RERANKER.model_dir(), args.latency_sample, tokens)


def _report(
    reranked: str,
    gate: Gate,
    result: ModeResult,
    records: dict[str, Record],
    labelled: LabelledSet,
) -> None:
    from benchmarks.embedders.reranking import choose_threshold

    tune = [q for q in labelled.questions if TUNE in q.splits]
    threshold = choose_threshold(
        gate,
        [records[q.text].best for q in tune],
        [q.answerable for q in tune],
        [records[q.text].lexical for q in tune],
    )
    outcomes = [_gated(o, gate, records[o.question.text], threshold) for o in result.outcomes]
    probes = [o for o in outcomes if "probes" in o.question.splits]
    answered_probes = f"{sum(not o.refused for o in probes)}/{len(probes)}"
    for split in [*result.split_names, "all"]:
        chosen = [
            o
            for o in outcomes
            if "probes" not in o.question.splits and (split == "all" or split in o.question.splits)
        ]
        shown = "—" if gate == "lexical" else f"{threshold:.2f}"
        print(
            f"| {reranked} | {gate} | {shown} | {split} | "
            + count_cells(chosen)
            + f" | {answered_probes} |"
        )


def _gated(outcome: Outcome, gate: Gate, record: Record, threshold: float) -> Outcome:
    from benchmarks.embedders.reranking import decide

    if decide(gate, record.lexical, record.best, threshold):
        return outcome
    refused = replace(outcome.answer, text="", citations=[])
    return replace(outcome, answer=refused, top1=False, top3=False, near=False, fact=False)


def _scorer(labelled: LabelledSet, files: dict[str, bytes], result: ModeResult) -> Scorer:
    from benchmarks.quality.scoring import LoadedDocument, Scorer
    from benchmarks.quality.sections import document_sections

    loaded = [
        LoadedDocument(
            labelled.documents[key],
            document_id,
            document_sections(labelled.documents[key].format, files[key]),
        )
        for document_id, key in result.document_keys.items()
    ]
    return Scorer(loaded, labelled.questions)


def _rank(question: Question, record: Record, scorer: Scorer) -> int | None:
    from benchmarks.quality.answers import CitationView

    for position, passage in enumerate(record.ranked):
        view = CitationView(passage.document_id, passage.page, passage.section, passage.text)
        if scorer.place(question, view)[0]:
            return position
    return None


def _ranks(
    depth: int | None, records: dict[str, Record], labelled: LabelledSet, scorer: Scorer
) -> None:
    for split in [*labelled.split_names(), "all"]:
        questions = [
            q for q in labelled.questions if q.answerable and (split == "all" or split in q.splits)
        ]
        ranks = [_rank(q, records[q.text], scorer) for q in questions]
        bins = [
            sum(r == 0 for r in ranks),
            sum(r is not None and 1 <= r <= 2 for r in ranks),
            sum(r is not None and r >= 3 for r in ranks),
            sum(r is None for r in ranks),
        ]
        print(f"| {depth or 'no (shipped)'} | {split} | " + " | ".join(map(str, bins)) + " |")


def _latency(
    runs: dict[int | None, tuple[ModeResult, dict[str, Record]]],
    labelled: LabelledSet,
    model_dir: Path,
    sample: int,
    lengths: list[int],
) -> None:
    from handlers.core.retrieval.cross_encoder import CrossEncoder

    result, shipped_records = runs[None]
    # The shipped run's answers without the time its patch spent scoring for the gates.
    shipped_ms = sorted(
        (o.answer.seconds - shipped_records[o.question.text].seconds) * 1000
        for o in result.outcomes
    )
    size = sum(f.stat().st_size for f in model_dir.iterdir()) / 2**20
    print(
        f"Shipped answer latency (without the cross-encoder): p50 {_pct(shipped_ms, 50):.0f} ms, "
        f"p95 {_pct(shipped_ms, 95):.0f} ms. Model: {size:.1f} MiB on disk."
    )
    deepest = max(d for d in runs if d is not None)
    records = runs[deepest][1]
    questions = labelled.questions[:: max(1, len(labelled.questions) // sample)][:sample]
    print(f"Cross-encoder time per question, fresh, one thread, {len(questions)} questions:")
    print("| tokens per pair (max) | load s | passages scored | p50 ms | p95 ms | mean tokens |")
    print("|---|---|---|---|---|---|")
    for length in lengths:
        started = time.perf_counter()
        model = CrossEncoder.load(model_dir, max_tokens=length)
        load_seconds = time.perf_counter() - started
        for depth in (d for d in DEPTHS if d <= deepest):
            times = []
            tokens: list[int] = []
            for question in questions:
                texts = records[question.text].candidates[:depth]
                tokens.extend(len(model.encoder.pair(question.text, *t).ids) for t in texts)
                started = time.perf_counter()
                model.scores(question.text, texts)
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"| {length} | {load_seconds:.2f} | {depth} | {_pct(times, 50):.0f} | "
                f"{_pct(times, 95):.0f} | {statistics.mean(tokens):.0f} |",
                flush=True,
            )


def _pct(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q)) if values else 0.0


if __name__ == "__main__":
    main()
