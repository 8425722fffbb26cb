"""The sample documents: a three-page PDF handbook (drawn with fpdf2) and a Markdown guide.

Each suggested question shares its key words with exactly one sentence, so the offline
provider quotes the sentence that answers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKDOWN_FILE = HERE / "station-services.md"
PDF_NAME = "northwind-visitor-handbook.pdf"

# (question, the fact its answer must contain)
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("When does the station gate close?", "19:00"),
    ("How long can kayaks be borrowed?", "4 hours"),
    ("What is the emergency radio channel?", "channel 16"),
    ("What is the Wi-Fi network name?", "northwind-guest"),
)

HANDBOOK_PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Arriving at the station",
        (
            "Welcome to Northwind Field Station, a research and visitor station on the north "
            "shore of Lake Ardmore.",
            "The station gate opens at 07:30 and the station gate closes at 19:00 every day, "
            "weekends included.",
            "Check in at the blue cabin next to the car park; the warden hands out keys and a "
            "map of the trails.",
        ),
    ),
    (
        "Safety on site",
        (
            "The emergency radio channel is channel 16; a handheld radio hangs by the door of "
            "every cabin.",
            "The nearest hospital is in Ardmore town, 42 km south along the lake road.",
            "After dark every visitor carries a whistle and a head torch outside the cabins.",
        ),
    ),
    (
        "Borrowing equipment",
        (
            "Kayaks can be borrowed for up to 4 hours at a time, with a deposit of 25 euros.",
            "Life jackets are mandatory on the water and hang in the boathouse.",
            "Wet suits go back to the drying room by 18:00 so they are dry the next morning.",
        ),
    ),
)


@dataclass(frozen=True)
class DemoDocument:
    name: str
    content_type: str
    body: bytes


def handbook_pdf() -> bytes:
    """The handbook, one section per page (fpdf2's core fonts: Latin-1 text only)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)  # each section fits its page; the footer stays on it
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))  # the same bytes on every start
    pdf.set_title("Northwind Field Station - Visitor handbook")
    for number, (title, paragraphs) in enumerate(HANDBOOK_PAGES, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=18)
        pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", size=12)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 7, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        pdf.set_y(-20)
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 10, f"Visitor handbook - page {number}", align="C")
    return bytes(pdf.output())


def demo_documents() -> list[DemoDocument]:
    return [
        DemoDocument(PDF_NAME, "application/pdf", handbook_pdf()),
        DemoDocument(MARKDOWN_FILE.name, "text/markdown", MARKDOWN_FILE.read_bytes()),
    ]
