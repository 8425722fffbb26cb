"""The labelled set (`answer_set.yaml`): documents, answerable and unanswerable questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

SET_FILE = Path(__file__).with_name("answer_set.yaml")

Format = Literal["pdf", "html"]
CONTENT_TYPES: dict[str, str] = {"pdf": "application/pdf", "html": "text/html"}


@dataclass(frozen=True)
class DocumentSpec:
    """One document: where it comes from (a Debian package's file) and what it is."""

    key: str
    title: str
    format: Format
    package: str
    version: str
    path: str
    sha256: str
    licence: str
    pages: int | None = None  # PDF pages

    @property
    def file_name(self) -> str:
        return f"{self.key}.{self.format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


@dataclass(frozen=True)
class Question:
    """A question. Answerable ones name their document, where the answer is (PDF pages, or
    the HTML section heading) and the facts of which one must appear in the answer."""

    key: str
    text: str
    document: str | None = None
    pages: tuple[int, ...] = ()
    section: str | None = None
    facts: tuple[str, ...] = ()
    fast: bool = False

    @property
    def answerable(self) -> bool:
        return self.document is not None


@dataclass(frozen=True)
class LabelledSet:
    documents: dict[str, DocumentSpec]
    questions: list[Question] = field(default_factory=list)

    def fast_subset(self) -> LabelledSet:
        """The questions marked `fast` and the documents they (and nothing else) need."""
        questions = [q for q in self.questions if q.fast]
        needed = {q.document for q in questions if q.document is not None}
        return LabelledSet({k: d for k, d in self.documents.items() if k in needed}, questions)

    def only(self, prefixes: tuple[str, ...]) -> LabelledSet:
        """The questions whose key starts with a prefix, over all the documents (the others
        stay as distractors, so retrieval faces the same library)."""
        return LabelledSet(
            self.documents, [q for q in self.questions if q.key.startswith(prefixes)]
        )


def load_set(path: Path = SET_FILE) -> LabelledSet:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    documents = {item["key"]: DocumentSpec(**item) for item in raw["documents"]}
    questions = [_question(item) for item in raw["answerable"]]
    questions += [_question(item) for item in raw["unanswerable"]]
    _check(documents, questions)
    return LabelledSet(documents, questions)


def _question(item: dict[str, Any]) -> Question:
    page = item.pop("page", None)
    pages = item.pop("pages", [page] if page is not None else [])
    facts = [str(fact) for fact in item.pop("facts", [])]
    return Question(pages=tuple(pages), facts=tuple(facts), **item)


def _check(documents: dict[str, DocumentSpec], questions: list[Question]) -> None:
    """A label that cannot be scored is a mistake in the set: say which one."""
    keys = [q.key for q in questions]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"duplicate question keys: {sorted(duplicates)}")
    for q in questions:
        if q.document is None:
            continue
        spec = documents.get(q.document)
        if spec is None:
            raise ValueError(f"{q.key}: unknown document {q.document!r}")
        if not q.facts:
            raise ValueError(f"{q.key}: an answerable question needs facts")
        if spec.format == "pdf" and not q.pages:
            raise ValueError(f"{q.key}: a PDF question needs page or pages")
        if spec.format == "html" and not q.section:
            raise ValueError(f"{q.key}: an HTML question needs a section")
