"""HTML text with selectolax (lexbor): visible text only, a line per block element."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from handlers.core.extraction.html_depth import check_html_depth
from handlers.core.extraction.pages import Page, clean_text
from handlers.core.extraction.plain_text import decode_text

_INVISIBLE = "script, style, noscript, template, svg, head, iframe, object, embed"
_BLOCKS = (
    "address, article, aside, blockquote, br, dd, div, dl, dt, figcaption, figure, footer,"
    " form, h1, h2, h3, h4, h5, h6, header, hr, li, main, nav, ol, p, pre, section, table,"
    " td, th, tr, ul"
)


def html_pages(data: bytes, max_depth: int | None = None) -> list[Page]:
    text = decode_text(data)
    if max_depth is not None:
        check_html_depth(text, max_depth)
    tree = LexborHTMLParser(text)
    for node in tree.css(_INVISIBLE):
        node.decompose()
    # Inline elements join their words; block elements end a line.
    for node in tree.css(_BLOCKS):
        node.insert_after("\n")
    root = tree.body or tree.root
    text = root.text(deep=True, separator="", strip=False) if root is not None else ""
    return [Page(number=1, text=clean_text(text))]
