"""Retrieval over documents stored in format 2 (`bm25.npz` + `passages.json`), and over
documents stored in format 1 (statistics built from `chunks.json`), alone and together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import boto3
import numpy as np
import pytest

from handlers.core.contracts.layout import bm25_key, passages_key
from handlers.core.derived.cache import DocumentCache
from handlers.core.derived.passage import Part, Passage
from handlers.core.derived.passages_file import passages_file_bytes
from handlers.core.derived.source import EmbeddingSpace, S3DocumentSource
from handlers.core.documents.models import DocumentRecord
from handlers.core.llm.embeddings import OfflineEmbedder
from handlers.core.retrieval.index import HybridIndex

USER = "33333333-cccc-4ccc-8ccc-cccccccccccc"

FAQ = [
    "Setup takes five minutes with the quick start card.",
    "Reset the router by holding the button for ten seconds.",
    "The warranty lasts two years from the date of purchase.",
]
BILLING = [
    "Invoices are sent on the first day of each month.",
    "Pay within thirty days by bank transfer.",
]


class CountingS3:
    """The S3 client, recording (operation, file name) of every call retrieval makes."""

    def __init__(self, region: str) -> None:
        self._client = boto3.client("s3", region_name=region)
        self.calls: list[tuple[str, str]] = []

    def head_object(self, **kwargs: Any) -> Any:
        self.calls.append(("head", kwargs["Key"].rsplit("/", 1)[-1]))
        return self._client.head_object(**kwargs)

    def get_object(self, **kwargs: Any) -> Any:
        self.calls.append(("get", kwargs["Key"].rsplit("/", 1)[-1]))
        return self._client.get_object(**kwargs)


class Setup:
    def __init__(self, library: Any, env: dict[str, str]) -> None:
        self.library = library
        self.bucket = env["BUCKET_NAME"]
        self.region = env["AWS_REGION"]
        self.embedder = OfflineEmbedder(int(env["EMBEDDING_DIMENSIONS"]))
        self.s3 = boto3.client("s3", region_name=self.region)

    def ingest(self, name: str, texts: Sequence[str]) -> str:
        """A READY document whose derived files come from the ingest worker's writer (one
        page a text)."""
        pages = [(i + 1, text) for i, text in enumerate(texts)]
        document_id: str = self.library.add(USER, name, pages, embedder=self.embedder)
        return document_id

    def legacy(self, name: str, texts: Sequence[str]) -> str:
        """A READY document stored in format 1: chunks.json and embeddings."""
        pages = [(i + 1, text) for i, text in enumerate(texts)]
        document_id: str = self.library.add(USER, name, pages, embedder=self.embedder, legacy=True)
        return document_id

    def records(self, *ids: str) -> list[DocumentRecord]:
        found = [self.library.documents.get(USER, document_id) for document_id in ids]
        return [record for record in found if record is not None]

    def index(self, s3: Any = None, *, revalidate_after_seconds: float = 30.0) -> HybridIndex:
        source = S3DocumentSource(
            s3 or self.s3,
            self.bucket,
            DocumentCache(),
            revalidate_after_seconds=revalidate_after_seconds,
        )
        return HybridIndex(source, self.embedder)


@pytest.fixture
def setup(library: Any, agent_env: dict[str, str]) -> Setup:
    return Setup(library, agent_env)


def test_ingest_writes_a_bm25_file_next_to_the_chunks(setup: Setup) -> None:
    document_id = setup.ingest("faq.txt", FAQ)
    keys = {
        item["Key"]
        for item in setup.s3.list_objects_v2(Bucket=setup.bucket, Prefix=f"derived/{USER}/")[
            "Contents"
        ]
    }
    assert bm25_key(USER, document_id) in keys
    assert bm25_key(USER, document_id).endswith(f"/{document_id}/bm25.npz")


def test_cold_search_reads_postings_and_only_the_returned_documents_text(setup: Setup) -> None:
    # Given two documents written by the ingest worker
    faq = setup.ingest("faq.txt", FAQ)
    billing = setup.ingest("billing.txt", BILLING)
    s3 = CountingS3(setup.region)
    index = setup.index(s3)

    # When a cold search returns one chunk
    hits = index.search(setup.records(faq, billing), "reset the router button", top_k=1)

    # Then it is the right chunk, with its text and page
    assert (hits[0].document_id, hits[0].chunk_index, hits[0].page) == (faq, 1, 2)
    assert hits[0].text == FAQ[1]
    assert hits[0].lexical_score > 0
    assert hits[0].dense_score > 0
    # And it made GETs only (they carry the ETags), and read the text of that document only
    assert sorted(s3.calls) == sorted(
        [("get", "bm25.npz"), ("get", "embeddings.npy")] * 2 + [("get", "passages.json")]
    )


def test_warm_search_checks_the_files_it_read_and_reads_text_once(setup: Setup) -> None:
    # Given a document searched once by a retriever that re-checks ETags every time
    faq = setup.ingest("faq.txt", FAQ)
    s3 = CountingS3(setup.region)
    index = setup.index(s3, revalidate_after_seconds=0)
    docs = setup.records(faq)
    index.search(docs, "warranty years", top_k=1)
    s3.calls.clear()

    # When it searches again
    hits = index.search(docs, "warranty years", top_k=1)

    # Then only the postings' and matrix's ETags are checked, and the text is not re-read
    assert hits[0].chunk_index == 2
    assert sorted(s3.calls) == [("head", "bm25.npz"), ("head", "embeddings.npy")]


def test_old_and_new_documents_are_ranked_on_one_scale(setup: Setup) -> None:
    # Given the same two documents stored twice: in format 2, and in format 1
    new = [setup.ingest("faq.txt", FAQ), setup.ingest("billing.txt", BILLING)]
    old = [setup.legacy("faq.txt", FAQ), setup.legacy("billing.txt", BILLING)]
    mixed = [new[0], old[1]]

    # When the same question is asked of each set
    def scores(ids: list[str]) -> list[tuple[int, float, float]]:
        hits = setup.index().search(setup.records(*ids), "pay the invoices", top_k=5)
        return [(h.chunk_index, h.lexical_score, h.score) for h in hits]

    # Then BM25 (statistics summed across the documents) gives identical scores
    assert scores(new) == scores(old) == scores(mixed)
    assert scores(new)[0][1] > 0


def test_a_question_naming_a_documents_title_ranks_that_document_first(setup: Setup) -> None:
    # Given two manuals whose passages say the same thing, neither naming its program
    same = ["The history file keeps the last 500 commands by default.", "Unrelated text."]
    shell = setup.ingest("shell-reference.pdf", same)
    plotter = setup.ingest("gnuplot-manual.pdf", same)
    docs = setup.records(shell, plotter)

    # When a question names one of them
    gnuplot = setup.index().search(docs, "How long is gnuplot's command history?", top_k=2)
    neither = setup.index().search(docs, "How long is the command history?", top_k=2)

    # Then that manual's passage comes first, by the title's weight alone
    assert [h.document_id for h in gnuplot] == [plotter, shell]
    assert gnuplot[0].lexical_score > gnuplot[1].lexical_score
    assert neither[0].lexical_score == neither[1].lexical_score


def test_a_format_1_document_falls_back_to_its_chunk_text(setup: Setup) -> None:
    # Given a document stored in format 1
    old = setup.legacy("faq.txt", FAQ)
    s3 = CountingS3(setup.region)

    # When it is searched
    hits = setup.index(s3).search(setup.records(old), "router reset", top_k=1)

    # Then bm25.npz and passages.json are looked for, its chunk text tokenised here, and the
    # right chunk found with its page but no part (the citation shows the excerpt alone)
    assert hits[0].text == FAQ[1]
    assert (hits[0].page, hits[0].part, hits[0].start) == (2, None, None)
    assert s3.calls == [
        ("get", "bm25.npz"),
        ("get", "passages.json"),
        ("get", "chunks.json"),
        ("get", "embeddings.npy"),
    ]


def test_a_format_1_bm25_file_is_not_used_with_todays_tokenizer(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a document stored in format 1 with its bm25.npz of format 1
    from handlers.core.derived import lexical_file
    from handlers.core.derived.lexical import LexicalIndex

    old = setup.legacy("faq.txt", FAQ)
    with monkeypatch.context() as patch:
        patch.setattr(lexical_file, "FORMAT_VERSION", 1)
        stale = lexical_file.lexical_file_bytes(
            LexicalIndex.build(["nothing"] * 3), chunks_body=b""
        )
    setup.s3.put_object(Bucket=setup.bucket, Key=bm25_key(USER, old), Body=stale)

    # When it is searched, then its text is tokenised again and the right chunk found
    hits = setup.index().search(setup.records(old), "router reset", top_k=1)
    assert hits[0].text == FAQ[1]


def test_an_unreadable_bm25_file_falls_back_to_the_chunk_text(setup: Setup) -> None:
    faq = setup.ingest("faq.txt", FAQ)
    setup.s3.put_object(Bucket=setup.bucket, Key=bm25_key(USER, faq), Body=b"garbage")

    hits = setup.index().search(setup.records(faq), "warranty purchase", top_k=1)

    assert hits[0].text == FAQ[2]


def test_text_changed_after_loading_is_not_returned_with_old_postings(setup: Setup) -> None:
    # Given a document whose postings are cached but whose text was not read yet
    faq = setup.ingest("faq.txt", FAQ)
    billing = setup.ingest("billing.txt", BILLING)
    cache = DocumentCache()
    source = S3DocumentSource(setup.s3, setup.bucket, cache, revalidate_after_seconds=3600)
    index = HybridIndex(source, setup.embedder)
    docs = setup.records(faq, billing)
    assert index.search(docs, "invoices month", top_k=1)[0].document_id == billing
    assert len(cache) == 2

    # When its passages.json is replaced by other text behind the cache's back
    parts = [Part(i + 1, f"unrelated text {i}", page=1) for i in range(len(FAQ))]
    other = [
        Passage(faq, "", i, 1, p.text, part=p.number, start=0, end=len(p.text))
        for i, p in enumerate(parts)
    ]
    setup.s3.put_object(
        Bucket=setup.bucket, Key=passages_key(USER, faq), Body=passages_file_bytes(parts, other)
    )

    # Then a search that would return it drops it rather than cite the wrong text
    hits = index.search(docs, "router reset button", top_k=5)
    assert {hit.document_id for hit in hits} == {billing}
    assert all("unrelated" not in hit.text for hit in hits)
    # And the stale entry is gone, so the next search reloads the document
    assert len(cache) == 1


def test_read_returns_a_chunk_of_a_document_with_postings(setup: Setup) -> None:
    faq = setup.ingest("faq.txt", FAQ)
    index = setup.index()
    record = setup.records(faq)[0]

    passage = index.read(record, 2)

    assert passage is not None
    assert (passage.text, passage.page, passage.document_name) == (FAQ[2], 3, "faq.txt")
    assert index.read(record, 7) is None


def test_reading_text_grows_the_cached_entry(setup: Setup) -> None:
    faq = setup.ingest("faq.txt", FAQ)
    source = S3DocumentSource(setup.s3, setup.bucket, DocumentCache())
    space = EmbeddingSpace(setup.embedder.model_id, setup.embedder.dimensions)
    loaded = source.load(setup.records(faq), space)[0]
    before = loaded.nbytes

    assert source.texts([loaded])[0] is not None
    assert loaded.nbytes == before + sum(len(text) for text in FAQ)
    assert loaded.embeddings is not None
    np.testing.assert_allclose(np.linalg.norm(loaded.embeddings, axis=1), 1.0, rtol=1e-5)
