"""`bm25.npz`: the lexical statistics the ingest worker stores, read back by retrieval."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from handlers.core.derived.lexical import LexicalIndex, term_id
from handlers.core.derived.lexical_file import (
    LexicalFileError,
    chunks_digest,
    lexical_file_bytes,
    read_lexical_file,
)
from handlers.core.derived.passage import Part, Passage
from handlers.core.derived.passages_file import passages_file_bytes, read_passages_file
from handlers.core.derived.writer import lexical_bytes
from handlers.core.retrieval.bm25 import bm25_scores, term_ids

TEXTS = [
    "Setup takes five minutes.",
    "Reset the ROUTER by holding the button; the router restarts.",
    "Le café coûte 3 euros — naïve façade, 2024_report",
    "",
]


def ingest_parts(texts: list[str]) -> tuple[list[Part], list[Passage]]:
    parts = [Part(i + 1, t, page=i + 1, navigation=i == 0) for i, t in enumerate(texts)]
    passages = [
        Passage(
            "d", "", i, p.page, p.text, part=p.number, start=0, end=len(p.text), navigation=i == 0
        )
        for i, p in enumerate(parts)
    ]
    return parts, passages


def assert_same_index(left: LexicalIndex, right: LexicalIndex) -> None:
    np.testing.assert_array_equal(left.term_ids, right.term_ids)
    np.testing.assert_array_equal(left.offsets, right.offsets)
    np.testing.assert_array_equal(left.positions, right.positions)
    np.testing.assert_array_equal(left.frequencies, right.frequencies)
    np.testing.assert_array_equal(left.lengths, right.lengths)


def test_round_trip_keeps_every_posting_and_the_chunks_digest() -> None:
    # Given postings of a few chunks
    index = LexicalIndex.build(TEXTS)

    # When they are written and read back
    stored = read_lexical_file(lexical_file_bytes(index, chunks_body=b"[the chunks]"))

    # Then nothing is lost, and the file names the text it was built from
    assert_same_index(stored.index, index)
    assert stored.chunks_digest == chunks_digest(b"[the chunks]")
    assert stored.chunks_digest != chunks_digest(b"[other chunks]")
    assert stored.index.positions.dtype == np.dtype(np.int32)
    assert stored.index.frequencies.dtype == np.dtype(np.float32)
    assert stored.index.lengths.tolist() == [4, 6, 10, 0]  # stop words are not counted


def test_small_documents_store_postings_in_16_bits() -> None:
    data = lexical_file_bytes(LexicalIndex.build(TEXTS), chunks_body=b"[]")
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        assert archive["positions"].dtype == np.uint16
        assert archive["frequencies"].dtype == np.uint16
        assert archive["term_ids"].dtype == np.int64


def test_a_document_without_words_round_trips() -> None:
    stored = read_lexical_file(lexical_file_bytes(LexicalIndex.build(["", "  "]), chunks_body=b""))
    assert stored.index.size == 2
    assert stored.index.term_ids.shape == (0,)
    assert [s.tolist() for s in bm25_scores("anything", [stored.index])] == [[0.0, 0.0]]


def test_term_ids_are_stable_blake2b_not_python_hash() -> None:
    # A fixed value: the same token must map to the same id in every process, forever.
    assert term_id("router") == term_id("router")
    assert term_id("router") == -1_752_599_171_686_904_872
    assert term_id("router") != term_id("routers")


def test_ingest_and_query_tokenise_identically() -> None:
    # Given the file the ingest writer stores for some passages
    parts, passages = ingest_parts(TEXTS)
    body = passages_file_bytes(parts, passages)
    stored_file = read_lexical_file(lexical_bytes(passages, body))
    stored = stored_file.index

    # Then a query's terms, in any case and punctuation, are terms of the stored postings
    query = term_ids("router, RESET! Café")
    assert np.isin(query, stored.term_ids).all()
    scores = bm25_scores("router, RESET! Café", [stored])[0]
    assert int(np.argmax(scores)) == 1
    assert scores[2] > 0  # "café" matched the accented word
    assert scores[0] == scores[3] == 0

    # And the postings equal those retrieval builds from the stored text, and the file
    # carries which passages are navigation (a table of contents here: the first)
    rebuilt = LexicalIndex.build([p.text for p in read_passages_file("d", body).passages])
    assert_same_index(stored, rebuilt)
    assert stored_file.navigation.tolist() == [True, False, False, False]
    assert stored_file.chunks_digest == chunks_digest(body)


def test_scores_match_the_string_vocabulary_definition() -> None:
    # BM25 by hand for "dog" over three chunks: idf = ln(1 + (N - df + .5) / (df + .5))
    index = LexicalIndex.build(["dog dog cat", "cat", "dog"])
    scores = bm25_scores("dog", [index])[0]
    average = 5 / 3
    idf = np.log(1 + (3 - 2 + 0.5) / (2 + 0.5))

    def expected(tf: float, length: float) -> float:
        return float(idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average)))

    np.testing.assert_allclose(scores, [expected(2, 3), 0.0, expected(1, 1)], rtol=1e-6)


@pytest.mark.parametrize(
    "data",
    [
        b"not a zip",
        b"",
    ],
)
def test_unreadable_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(LexicalFileError):
        read_lexical_file(data)


def replace_array(data: bytes, name: str, value: np.ndarray) -> bytes:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays[name] = value
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("format", np.asarray([1], dtype=np.int32)),  # format 1: the old tokenizer's
        ("navigation", np.zeros(3, dtype=np.uint8)),
        ("offsets", np.asarray([0, 1], dtype=np.int64)),
        ("positions", np.full(20, 9, dtype=np.uint16)),
        ("chunks_digest", np.zeros(3, dtype=np.uint8)),
        ("term_ids", np.zeros(20, dtype=np.int64)),
    ],
)
def test_inconsistent_files_are_refused(name: str, value: np.ndarray) -> None:
    data = lexical_file_bytes(LexicalIndex.build(TEXTS), chunks_body=b"[]")
    with pytest.raises(LexicalFileError):
        read_lexical_file(replace_array(data, name, value))


def test_a_file_missing_an_array_is_refused() -> None:
    data = lexical_file_bytes(LexicalIndex.build(TEXTS), chunks_body=b"[]")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            if item.filename != "lengths.npy":
                target.writestr(item, source.read(item))
    with pytest.raises(LexicalFileError, match="lengths"):
        read_lexical_file(buffer.getvalue())


def without_array(data: bytes, name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            if item.filename != f"{name}.npy":
                target.writestr(item, source.read(item))
    return buffer.getvalue()


def test_postings_of_the_unstemmed_tokenizer_are_refused() -> None:
    # Files written before stemming have no `terms_version`: their hashed terms ("routers")
    # cannot match today's query terms ("router"), so retrieval must rebuild them from text.
    data = lexical_file_bytes(LexicalIndex.build(TEXTS), chunks_body=b"[]")
    with pytest.raises(LexicalFileError, match="tokenizer"):
        read_lexical_file(without_array(data, "terms_version"))
    with pytest.raises(LexicalFileError, match="tokenizer"):
        read_lexical_file(replace_array(data, "terms_version", np.asarray([1], dtype=np.int32)))
