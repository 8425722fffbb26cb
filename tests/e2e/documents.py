"""Small real documents to upload: a multi-page PDF (fpdf2) and a DOCX (python-docx).

Each page is long (about a thousand words of filler around its facts), so that however
the worker sizes its chunks, the chunk holding a fact starts on the fact's own page.
"""

from __future__ import annotations

import io
import random

from docx import Document
from fpdf import FPDF

_FILLER_WORDS = [
    "meadow",
    "river",
    "orchard",
    "lantern",
    "harbor",
    "pebble",
    "willow",
    "granite",
    "meadowlark",
    "canyon",
    "thicket",
    "prairie",
    "ember",
    "quarry",
    "lagoon",
    "tundra",
    "glacier",
    "bramble",
    "cobble",
    "hazel",
    "summit",
    "marsh",
    "fjord",
    "dune",
    "savanna",
    "ridge",
    "delta",
    "estuary",
    "plateau",
    "grove",
]


def filler(words: int, seed: int) -> str:
    """Deterministic text that shares no word with the questions the tests ask."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(words // 8):
        sentence = " ".join(rng.choice(_FILLER_WORDS) for _ in range(8))
        sentences.append(sentence.capitalize() + ".")
    return " ".join(sentences)


def long_page(fact: str, seed: int, words: int = 1000) -> str:
    """About `words` words of filler with `fact` in the middle."""
    half = filler(words // 2, seed)
    return f"{half} {fact} {filler(words // 2, seed + 1)}"


def pdf(pages: list[str]) -> bytes:
    """One PDF page per string (small type, so a thousand words fit on one page)."""
    document = FPDF()
    document.set_auto_page_break(auto=False)
    document.set_font("Helvetica", size=6)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 2.6, text)
    return bytes(document.output())


def docx(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
