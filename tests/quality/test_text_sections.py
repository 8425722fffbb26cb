"""Markdown and plain-text documents are scored by their heading sections, as HTML is: a
label names a heading, and a citation's excerpt is placed in the section it lies in."""

from __future__ import annotations

from benchmarks.quality.sections import document_sections

MARKDOWN = b"""# Tool

Intro text.

## Install

Run `make install` as root.

```
## not a heading inside code
```

Setup
-----

Edit the config file before the first start.
"""

# As DocBook's text export writes it: a table of contents, numbered headings at the margin
# (some wrapped, a no-break space after the number), indented body text.
PLAIN = """Table of Contents

1. Basics
    1.1. What is it?
    1.2. How do I get it for my old and
    slow computer?

Chapter 1. Basics

1.1.\u00a0What is it?

    It is a tool.

1.2.\u00a0How do I get it for my old and
slow computer?

    Download the small image.
    1. Then boot it (an indented numbered line is body text).
""".encode()


def test_markdown_sections_follow_atx_and_setext_headings_outside_code() -> None:
    sections = document_sections("md", MARKDOWN)
    assert sections is not None
    assert [s.heading for s in sections.sections] == ["", "Tool", "Install", "Setup"]
    install = sections.index_of_heading("Install")
    assert install is not None
    assert "notaheadinginsidecode" in sections.sections[install].text
    assert sections.indexes_of_excerpt("Edit the config file") == {3}
    assert sections.indexes_of_path("Tool \u203a Setup") == {3}


def test_numbered_text_headings_are_sections_and_the_contents_list_is_not_their_text() -> None:
    sections = document_sections("txt", PLAIN)
    assert sections is not None
    headings = [s.heading for s in sections.sections]
    assert headings[1:] == [
        "1. Basics",
        "Chapter 1. Basics",
        "1.1.\u00a0What is it?",
        "1.2.\u00a0How do I get it for my old and slow computer?",
    ]
    # A wrapped heading is named whole; its number is not part of the label
    index = sections.index_of_heading("How do I get it for my old and slow computer?")
    assert index == 4
    assert "downloadthesmallimage" in sections.sections[index].text
    assert sections.indexes_of_excerpt("Then boot it (an indented") == {4}


def test_pdfs_have_no_sections() -> None:
    assert document_sections("pdf", b"%PDF-1.4") is None
