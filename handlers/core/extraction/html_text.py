"""HTML text with selectolax (lexbor): visible text only, a line per block element, a part
per heading section (h1 to h6), named by its heading path."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from handlers.core.extraction.html_depth import check_html_depth
from handlers.core.extraction.pages import Page, clean_text
from handlers.core.extraction.plain_text import decode_text
from handlers.core.extraction.sections import HeadingPath

_INVISIBLE = "script, style, noscript, template, svg, head, iframe, object, embed"
# Permalink anchors after headings (Sphinx's "¶", mkdocs' "#"): not text of the document.
_PERMALINKS = "a.headerlink, a.anchor, a.header-anchor"
_BLOCKS = (
    "address, article, aside, blockquote, br, dd, div, dl, dt, figcaption, figure, footer,"
    " form, h1, h2, h3, h4, h5, h6, header, hr, li, main, nav, ol, p, pre, section, table,"
    " td, th, tr, ul"
)
_HEADINGS = "h1, h2, h3, h4, h5, h6"
# Private-use marks put before each heading, then split on: "\ue000<level>\ue001".
_MARK = re.compile("\ue000([1-6])\ue001")


def html_pages(data: bytes, max_depth: int | None = None) -> list[Page]:
    text = decode_text(data)
    if max_depth is not None:
        check_html_depth(text, max_depth)
    tree = LexborHTMLParser(text.replace("\ue000", "").replace("\ue001", ""))
    for node in tree.css(f"{_INVISIBLE}, {_PERMALINKS}"):
        node.decompose()
    titles: list[str] = []
    for node in tree.css(_HEADINGS):
        titles.append(node.text(deep=True, separator=" ", strip=True))
        level = (node.tag or "h1")[1]
        node.insert_before(f"\n\ue000{level}\ue001")
    # Inline elements join their words; block elements end a line.
    for node in tree.css(_BLOCKS):
        node.insert_after("\n")
    root = tree.body or tree.root
    text = root.text(deep=True, separator="", strip=False) if root is not None else ""
    pieces = _MARK.split(text)
    # pieces: [before the first heading, level, section, level, section, ...]
    parts = [Page(number=1, text=clean_text(pieces[0]))] if pieces[0].strip() else []
    path = HeadingPath()
    for position, title in zip(range(1, len(pieces), 2), titles, strict=False):
        section = path.enter(int(pieces[position]), title)
        parts.append(Page(number=1, text=clean_text(pieces[position + 1]), section=section))
    return parts or [Page(number=1, text="")]
