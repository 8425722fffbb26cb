"""The two units of a derived document: a part (page or section) and a passage in it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """A page (PDF, paged Word and text files) or a heading section (HTML, Markdown...).

    `number` is the part's 1-based position in the document; `page` the page a reader
    cites (None for formats without pages); `section` the heading path, e.g.
    "Installation \u203a Requirements"; `navigation` marks a table of contents or an index,
    which retrieval ranks below body text. `contents` (start, end): `text[start:end]` is a
    list of entries pointing at pages inside an otherwise ordinary page (a chapter's first
    page listing its sections above its first section; a list of commands with their
    section numbers below an introduction): its passages are navigation, the rest are not.
    `headings` ((offset, path), ascending): where the PDF outline's headings start in
    `text`; a PDF page's `section` is then the heading path in force at its top.
    """

    number: int
    text: str
    page: int | None = None
    page_label: str | None = None
    section: str | None = None
    navigation: bool = False
    contents: tuple[int, int] | None = None
    headings: tuple[tuple[int, str], ...] = ()

    def section_at(self, offset: int) -> str | None:
        """The heading path in force at `offset` of this part's text."""
        section = self.section
        for start, path in self.headings:
            if start > offset:
                break
            section = path
        return section

    def navigation_at(self, start: int, end: int) -> bool:
        """Whether the passage `text[start:end]` of this part is navigation (passages never
        cross the bounds of `contents`)."""
        if self.navigation:
            return True
        return self.contents is not None and self.contents[0] <= start and end <= self.contents[1]


@dataclass(frozen=True)
class Passage:
    """One passage of one document: what is embedded, scored, returned and cited.

    `text` is `part_text[start:end]`. Documents stored in the old format (v1) have no
    parts: `part`, `start` and `end` are None and `page` is the chunk's majority page.
    Stored passages have an empty `document_name` and no scores; a search fills them.
    """

    document_id: str
    document_name: str
    chunk_index: int
    page: int | None
    text: str
    score: float = 0.0
    # The parts of the fused score, so an answerer can tell a real match from noise.
    lexical_score: float = 0.0
    dense_score: float = 0.0
    part: int | None = None
    page_label: str | None = None
    section: str | None = None
    start: int | None = None
    end: int | None = None
    navigation: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def indexed_text(self) -> str:
        """What is embedded and counted for BM25: the text under its heading path, so a
        passage deep in a section still matches the section's title ("Approximate
        Matching"). Citations quote `text` only."""
        return f"{self.section}\n{self.text}" if self.section else self.text
