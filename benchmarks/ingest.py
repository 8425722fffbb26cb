"""Extraction + cleaning + passage splitting throughput of the ingest worker.

    .venv/bin/python benchmarks/ingest.py [--repeat 3]

Generates text PDFs (fpdf2, ~350 words a page) and DOCX files (python-docx, a hard page
break between pages) of 10, 100 and 500 pages, runs `extract_pages` + `build_parts`
(running heads, navigation pages) + `chunk_parts` on each (best of --repeat runs) and
prints pages/s and passages/s ("chunks"); the offline embedder's passages/s is shown too,
since it is the third step of the same worker.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from handlers.core.derived.parts import build_parts  # noqa: E402
from handlers.core.extraction import ExtractionLimits, extract_pages  # noqa: E402
from handlers.core.ingest.chunking import chunk_parts  # noqa: E402
from handlers.core.llm.embeddings import OfflineEmbedder  # noqa: E402

SIZES = (10, 100, 500)
WORDS_PER_PAGE = 350
LIMITS = ExtractionLimits(max_bytes=512 * 1024 * 1024, max_pages=10_000)
_VOCABULARY = tuple(
    " ".join(
        (
            "the of and to in a is that for it as was with be by on not he this are or his",
            "from at which but have an they you were her she there one all we their been has",
            "document contract payment clause invoice delivery schedule warranty liability",
            "notice agreement party term period service data report section table figure",
        )
    ).split(" ")
)


def page_text(rng: random.Random) -> str:
    return " ".join(rng.choice(_VOCABULARY) for _ in range(WORDS_PER_PAGE))


def make_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    rng = random.Random(pages)
    pdf = FPDF()
    pdf.set_font("helvetica", size=8)
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(w=0, text=page_text(rng))
    return bytes(pdf.output())


def make_docx(pages: int) -> bytes:
    import docx

    rng = random.Random(pages)
    document = docx.Document()
    for number in range(pages):
        if number:
            document.add_page_break()  # type: ignore[no-untyped-call]
        document.add_paragraph(page_text(rng))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description="ingest extraction + chunking throughput")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    embedder = OfflineEmbedder(256)

    header = (
        f"{'format':<6} {'pages':>6} {'MB':>6} {'chunks':>7} {'extract+chunk s':>16}"
        f" {'pages/s':>9} {'chunks/s':>9} {'embed chunks/s':>15}"
    )
    print(header)
    print("-" * len(header))
    for kind, make in (("pdf", make_pdf), ("docx", make_docx)):
        for pages in SIZES:
            data = make(pages)

            def run(data: bytes = data, kind: str = kind) -> object:
                parts = build_parts(extract_pages(data, kind, LIMITS), paged=True)
                return chunk_parts("bench", parts)

            seconds, chunks = best_of(args.repeat, run)
            assert isinstance(chunks, list)
            texts = [chunk.text for chunk in chunks]

            def embed(texts: list[str] = texts) -> object:
                return embedder.embed(texts)

            embed_seconds, _ = best_of(args.repeat, embed)
            print(
                f"{kind:<6} {pages:>6} {len(data) / 1e6:>6.2f} {len(chunks):>7}"
                f" {seconds:>16.3f} {pages / seconds:>9.0f} {len(chunks) / seconds:>9.0f}"
                f" {len(chunks) / embed_seconds:>15.0f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
