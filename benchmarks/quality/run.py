"""Run a labelled set through the product in one mode and score every answer."""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchmarks.quality.answers import Mode
from benchmarks.quality.corpus import fetch_document
from benchmarks.quality.labels import Format, LabelledSet
from benchmarks.quality.scoring import LoadedDocument, Outcome, Scorer, Summary, summarise
from benchmarks.quality.sections import document_sections
from benchmarks.quality.stack import ProductStack


@dataclass(frozen=True)
class ModeResult:
    mode: Mode
    summary: Summary
    outcomes: list[Outcome]
    ingest_seconds: float
    chunks: int
    document_keys: dict[str, str]  # documentId → the set's key
    formats: dict[str, Format]  # question key → its document's format (answerable ones)
    splits: dict[str, tuple[str, ...]]  # question key → the splits it is reported in
    split_names: list[str]  # in the order to report them


def fetch_all(labelled: LabelledSet) -> dict[str, bytes]:
    return {key: fetch_document(spec) for key, spec in labelled.documents.items()}


def run_mode(
    labelled: LabelledSet, mode: Mode, files: dict[str, bytes], *, reranker: bool = True
) -> ModeResult:
    """The product as shipped (`reranker`: with the agent's cross-encoder) over the set."""
    with ProductStack(mode, reranker=reranker) as stack:
        started = time.perf_counter()
        loaded = []
        chunks = 0
        for key, spec in labelled.documents.items():
            ingested = stack.ingest(spec, files[key])
            chunks += ingested.chunks or 0
            sections = document_sections(spec.format, files[key])
            loaded.append(LoadedDocument(spec, ingested.document_id, sections))
        ingest_seconds = time.perf_counter() - started
        scorer = Scorer(loaded, labelled.questions)
        outcomes = [scorer.score(q, stack.ask(q.text)) for q in labelled.questions]
    keys = {doc.document_id: doc.spec.key for doc in loaded}
    formats = {
        q.key: labelled.documents[q.document].format
        for q in labelled.questions
        if q.document is not None
    }
    splits = {q.key: q.splits for q in labelled.questions}
    return ModeResult(
        mode,
        summarise(outcomes),
        outcomes,
        ingest_seconds,
        chunks,
        keys,
        formats,
        splits,
        labelled.split_names(),
    )
