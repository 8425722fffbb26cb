"""The derived document: everything ingest stores per document, written and read here only.

Under `derived/{user}/{document}/` (keys in `handlers.core.contracts.layout`):

- `passages.json` — the document's text and its passages (`passages_file`): the *parts*
  (a page of a PDF, or a heading section of HTML, Markdown, text and Word documents),
  each with its cleaned text, page, printed page label, heading path and whether it is a
  table of contents or an index; and the *passages*, each an `[start, end)` character
  range inside one part. A passage never crosses a part, so its page is exact and a
  citation can point at the quoted span of the part's text.
- `embeddings.npy` — one L2-normalised float32 row per passage (`vectors`).
- `bm25.npz` — the passages' lexical statistics (`lexical_file`), written last.

`FORMAT_VERSION` names this layout; it is stored in `passages.json` and `bm25.npz` and on
the document item (`derivedFormat`). Version 1 (no `passages.json`, no version on the
item: `chunks.json` with ~800-word chunks spanning pages) is still read, so documents
ingested before keep answering until `scripts/reindex.py` upgrades them. Bump the version
for any change that makes stored statistics incomparable with the query side (the
tokenizer included).
"""

FORMAT_VERSION = 2
LEGACY_FORMAT_VERSION = 1
