"""Hybrid retrieval: BM25, fusion, the ETag-keyed cache, embedding compatibility, and
recall@5 on a labelled set for both providers' embeddings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import boto3
import pytest

from handlers.core.contracts.layout import bm25_key, embeddings_key, passages_key
from handlers.core.derived.cache import DocumentCache
from handlers.core.derived.lexical import LexicalIndex
from handlers.core.derived.passage import Passage
from handlers.core.derived.passages_file import PassagesFileError, read_legacy_chunks
from handlers.core.derived.source import S3DocumentSource
from handlers.core.derived.vectors import Embedder, Matrix
from handlers.core.documents.models import DocumentRecord
from handlers.core.llm.embeddings import OfflineEmbedder, make_embedder
from handlers.core.retrieval.bm25 import bm25_scores
from handlers.core.retrieval.fusion import reciprocal_rank_fusion
from handlers.core.retrieval.index import HybridIndex
from handlers.core.runtime.settings import LlmSettings
from tests.agent.conftest import BUCKET, DIMENSIONS, REGION, USER_A, USER_B, Library
from tests.agent.fake_openai import FakeOpenAI
from tests.agent.labelled_set import DISTRACTORS, DOCUMENTS, QUESTIONS

RECALL_FLOOR = 0.85


class CountingS3:
    """Wraps the S3 client to count the calls retrieval makes."""

    def __init__(self) -> None:
        self._client = boto3.client("s3", region_name=REGION)
        self.calls: list[str] = []

    def head_object(self, **kwargs: Any) -> Any:
        self.calls.append("head")
        return self._client.head_object(**kwargs)

    def get_object(self, **kwargs: Any) -> Any:
        self.calls.append("get")
        return self._client.get_object(**kwargs)


class SpyEmbedder:
    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.calls = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimensions(self) -> int:
        return self.inner.dimensions

    def embed(self, texts: Sequence[str]) -> Matrix:
        self.calls += 1
        return self.inner.embed(texts)


def records(library: Library, user_id: str, ids: Sequence[str]) -> list[DocumentRecord]:
    found = [library.documents.get(user_id, document_id) for document_id in ids]
    return [record for record in found if record is not None]


def test_bm25_ranks_rarer_matching_terms_higher_across_documents() -> None:
    first = LexicalIndex.build(["the cat sat", "the dog barked loudly", "the the the"])
    second = LexicalIndex.build(["a cat and a dog", "nothing here"])
    scores = bm25_scores("dog loudly", [first, second])
    assert scores[0][1] > scores[1][0] > 0  # both terms beat one term
    assert (scores[0][0], scores[0][2], scores[1][1]) == (0, 0, 0)
    assert [s.shape for s in bm25_scores("", [first])] == [(3,)]


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]], k=60)
    assert max(fused, key=lambda key: fused[key]) == "b"
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)


def test_format_1_chunk_files_in_either_shape_parse() -> None:
    assert read_legacy_chunks("d", b'[{"text": "a", "page": 2}]') == [Passage("d", "", 0, 2, "a")]
    assert read_legacy_chunks(
        "d", b'{"chunks": [{"chunkIndex": 4, "pageNumber": 1, "text": "b"}]}'
    ) == [Passage("d", "", 4, 1, "b")]
    with pytest.raises(PassagesFileError, match="chunk"):
        read_legacy_chunks("d", b'[{"page": 1}]')


def test_reads_what_the_ingest_worker_writes(library: Library) -> None:
    # Given derived files written by the ingest side's own writer and chunker
    from handlers.core.derived.parts import build_parts
    from handlers.core.derived.writer import write_derived
    from handlers.core.documents.files import DocumentFiles
    from handlers.core.extraction.pages import Page
    from handlers.core.ingest.chunking import chunk_parts

    document_id = library.add(USER_A, "manual.txt", ["placeholder"])
    pages = [
        Page(number=1, text="Setup takes five minutes."),
        Page(number=2, text="Reset the router by holding the button."),
    ]
    parts = build_parts(pages, paged=True)
    chunks = chunk_parts(document_id, parts, size=6, overlap=2)
    embedder = OfflineEmbedder(DIMENSIONS)
    s3 = boto3.client("s3", region_name=REGION)
    write_derived(
        DocumentFiles(s3, BUCKET),
        USER_A,
        document_id,
        parts,
        chunks,
        embedder.embed([c.text for c in chunks]),
    )

    # When retrieval searches it
    index = HybridIndex(S3DocumentSource(s3, BUCKET, DocumentCache()), embedder)
    hits = index.search(records(library, USER_A, [document_id]), "reset router button", top_k=1)

    # Then it finds the right passage with its page, part and offsets in the part
    assert (hits[0].page, hits[0].part) == (2, 2)
    assert hits[0].text == pages[1].text[hits[0].start : hits[0].end]
    assert "Reset the router" in hits[0].text
    assert hits[0].dense_score > 0


def test_warm_cache_reuses_loaded_documents_until_their_etag_changes(library: Library) -> None:
    # Given a document, and a retriever with a fresh cache
    document_id = library.add(USER_A, "terms.txt", ["alpha beta", "gamma delta"])
    s3 = CountingS3()
    embedder = OfflineEmbedder(DIMENSIONS)
    source = S3DocumentSource(s3, BUCKET, DocumentCache(), revalidate_after_seconds=0)
    index = HybridIndex(source, embedder)
    docs = records(library, USER_A, [document_id])

    # When it searches twice
    assert index.search(docs, "gamma", top_k=1)[0].chunk_index == 1
    cold = list(s3.calls)
    s3.calls.clear()
    index.search(docs, "gamma", top_k=1)

    # Then the cold search read the statistics and the matrix, then the text of the passage
    # returned (GETs carry the ETags), and the warm one only checked the ETags of the two
    # files it was loaded from
    assert cold == ["get", "get", "get"]
    assert s3.calls == ["head", "head"]

    # When the document is re-ingested with other text, the next search sees it
    library.write(USER_A, document_id, [(1, "epsilon"), (1, "zeta")], embedder)
    s3.calls.clear()
    assert index.search(docs, "zeta", top_k=1)[0].text == "zeta"
    assert s3.calls.count("get") == 3


def test_recently_checked_documents_cost_no_s3_call(library: Library) -> None:
    document_id = library.add(USER_A, "terms.txt", ["alpha beta", "gamma delta"])
    s3 = CountingS3()
    source = S3DocumentSource(s3, BUCKET, DocumentCache(), revalidate_after_seconds=3600)
    index = HybridIndex(source, OfflineEmbedder(DIMENSIONS))
    docs = records(library, USER_A, [document_id])
    index.search(docs, "gamma", top_k=1)
    s3.calls.clear()

    assert index.search(docs, "alpha", top_k=1)[0].chunk_index == 0
    assert s3.calls == []


def test_missing_derived_files_skip_the_document(library: Library) -> None:
    kept = library.add(USER_A, "kept.txt", ["the warranty lasts two years"])
    gone = library.add(USER_A, "gone.txt", ["the warranty lasts three years"])
    s3 = boto3.client("s3", region_name=REGION)
    for key in (bm25_key, passages_key, embeddings_key):
        s3.delete_object(Bucket=BUCKET, Key=key(USER_A, gone))
    index = HybridIndex(S3DocumentSource(s3, BUCKET, DocumentCache()), OfflineEmbedder(DIMENSIONS))
    hits = index.search(records(library, USER_A, [kept, gone]), "warranty", top_k=5)
    assert {hit.document_id for hit in hits} == {kept}


def test_documents_embedded_otherwise_are_searched_with_bm25_only(library: Library) -> None:
    # Given a document embedded at 128 dimensions, and a 256-dimension query embedder
    document_id = library.add(
        USER_A,
        "terms.txt",
        ["pay within thirty days", "warranty of two years"],
        embedder=OfflineEmbedder(128),
    )
    spy = SpyEmbedder(OfflineEmbedder(DIMENSIONS))
    s3 = CountingS3()
    index = HybridIndex(S3DocumentSource(s3, BUCKET, DocumentCache()), spy)

    hits = index.search(records(library, USER_A, [document_id]), "warranty", top_k=2)

    # Then it is found by its words, the query is not embedded and the matrix not read
    # (the GETs: bm25.npz, and passages.json for the text of the passage returned)
    assert hits[0].chunk_index == 1
    assert hits[0].dense_score == 0.0
    assert spy.calls == 0
    assert s3.calls.count("get") == 2


def test_only_documents_passed_in_are_read(library: Library) -> None:
    mine = library.add(USER_A, "mine.txt", ["shared words about invoices"])
    library.add(USER_B, "theirs.txt", ["shared words about invoices and secrets"])
    s3 = CountingS3()
    index = HybridIndex(S3DocumentSource(s3, BUCKET, DocumentCache()), OfflineEmbedder(DIMENSIONS))
    hits = index.search(library.documents.list_ready(USER_A), "invoices secrets", top_k=5)
    assert {hit.document_id for hit in hits} == {mine}
    assert len(s3.calls) == 3  # one document: GETs of bm25.npz, the matrix, the text


def recall_at_5(
    library: Library, embedder: Embedder, user_id: str, query_embedder: Embedder | None = None
) -> float:
    ids: dict[str, str] = {}
    for name, chunks in DOCUMENTS.items():
        ids[name] = library.add(user_id, name, [*chunks, *DISTRACTORS], embedder=embedder)
    documents = library.documents.list_ready(user_id)
    index = HybridIndex(
        S3DocumentSource(boto3.client("s3", region_name=REGION), BUCKET, DocumentCache()),
        query_embedder or embedder,
    )
    found = 0
    for question, name, chunk_index in QUESTIONS:
        hits = index.search(documents, question, top_k=5)
        found += any(h.document_id == ids[name] and h.chunk_index == chunk_index for h in hits)
    return found / len(QUESTIONS)


def test_recall_at_5_offline_embeddings_plus_bm25(
    library: Library, record_property: Any, capsys: Any
) -> None:
    recall = recall_at_5(library, OfflineEmbedder(DIMENSIONS), USER_A)
    record_property("recall_at_5_offline", recall)
    with capsys.disabled():
        print(f"\nrecall@5 offline hashed embeddings + BM25: {recall:.2f}")
    assert recall >= RECALL_FLOOR


def test_recall_at_5_openai_embeddings_plus_bm25(
    library: Library,
    openai_secret_arn: str,
    fake_openai: FakeOpenAI,
    record_property: Any,
    capsys: Any,
) -> None:
    # The fake server's embeddings (bag of words, md5-hashed) fetched over HTTP through
    # the real client: the same path as text-embedding-3-small, not its quality.
    settings = LlmSettings.from_env(
        {
            "LLM_PROVIDER": "openai",
            "OPENAI_SECRET_ARN": openai_secret_arn,
            "OPENAI_BASE_URL": fake_openai.base_url,
            "EMBEDDING_DIMENSIONS": str(DIMENSIONS),
        }
    )
    recall = recall_at_5(library, make_embedder(settings), USER_A)
    record_property("recall_at_5_openai_fake", recall)
    with capsys.disabled():
        print(f"\nrecall@5 fake-server embeddings + BM25: {recall:.2f}")
    assert recall >= RECALL_FLOOR
    assert len(fake_openai.calls("/v1/embeddings")) >= len(QUESTIONS)


def test_recall_at_5_bm25_only_fallback(library: Library, capsys: Any) -> None:
    # Documents embedded with another model are searched with BM25 alone: still useful.
    recall = recall_at_5(
        library, OfflineEmbedder(128), USER_A, query_embedder=OfflineEmbedder(DIMENSIONS)
    )
    with capsys.disabled():
        print(f"\nrecall@5 BM25 only (embedding model mismatch): {recall:.2f}")
    assert recall >= RECALL_FLOOR - 0.1


def test_a_denied_derived_file_counts_as_missing_like_s3_says_to_callers_without_list() -> None:
    # Given S3 as AWS answers the agent (no s3:ListBucket): 403 for a key that does not exist
    from botocore.exceptions import ClientError

    class DenyingS3:
        def get_object(self, **_: object) -> object:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "GetObject")

        def head_object(self, **_: object) -> object:
            raise ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadObject")

    source = S3DocumentSource(DenyingS3(), BUCKET, DocumentCache())
    # When a derived file is read, then it is missing (the document is skipped), not an error
    assert source._get("derived/u/d/bm25.npz") is None
    assert source._etag("derived/u/d/chunks.json") is None


def test_other_s3_errors_still_fail_loudly() -> None:
    from botocore.exceptions import ClientError

    class ThrottledS3:
        def get_object(self, **_: object) -> object:
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "slow"}}, "GetObject")

    source = S3DocumentSource(ThrottledS3(), BUCKET, DocumentCache())
    with pytest.raises(ClientError):
        source._get("derived/u/d/chunks.json")


def test_table_of_contents_passages_rank_below_body_text(library: Library) -> None:
    # Given a document whose contents page repeats every title, and whose page 3 answers
    from handlers.core.derived.passage import Part
    from handlers.core.derived.writer import write_derived

    document_id = library.add(USER_A, "manual.pdf", ["placeholder"])
    contents = "\n".join(
        f"{title} ..... {page}"
        for title, page in [
            ("Reset the router", 3),
            ("Router reset button", 3),
            ("Resetting the router to factory settings", 3),
            ("Router lights", 4),
            ("Router warranty", 5),
        ]
    )
    parts = [
        Part(1, contents, page=1, navigation=True),
        Part(2, "Unpack the box and place it near a window.", page=2),
        Part(3, "To reset it, hold the button for ten seconds.", page=3),
    ]
    passages = [
        Passage(
            document_id,
            "",
            i,
            p.page,
            p.text,
            part=p.number,
            start=0,
            end=len(p.text),
            navigation=p.navigation,
        )
        for i, p in enumerate(parts)
    ]
    embedder = OfflineEmbedder(DIMENSIONS)
    write_derived(
        library.files,
        USER_A,
        document_id,
        parts,
        passages,
        embedder.embed([p.text for p in passages]),
    )
    index = HybridIndex(
        S3DocumentSource(boto3.client("s3", region_name=REGION), BUCKET, DocumentCache()),
        embedder,
    )

    # When the question shares more words with the contents page than with the answer
    hits = index.search(records(library, USER_A, [document_id]), "reset router button", top_k=3)

    # Then the body page still comes first, and the contents page after every body hit
    assert hits[0].page == 3
    assert [hit.navigation for hit in hits] == sorted(hit.navigation for hit in hits)
    assert hits[-1].page == 1
