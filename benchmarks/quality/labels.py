"""The labelled set (`answer_set.yaml`): documents, answerable and unanswerable questions.

Every document belongs to a *split*: the documents the offline answerer was tuned on
(`tune`), those only reported while tuning (`held-out`), and later ones nothing was tuned
on (`heldout-2`). An answerable question is in its document's split; an unanswerable one
names its split(s), so each split's refusal rate counts the questions written for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

SET_FILE = Path(__file__).with_name("answer_set.yaml")
_SPLIT_ORDER = {"tune": 0, "held-out": 1}

Format = Literal["pdf", "html", "md", "txt"]
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "html": "text/html",
    "md": "text/markdown",
    "txt": "text/plain",
}


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
    split: str
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
    the section heading of the other formats) and the facts of which one must appear in the
    answer. `splits`: the splits it is reported in (an answerable one: its document's)."""

    key: str
    text: str
    document: str | None = None
    pages: tuple[int, ...] = ()
    section: str | None = None
    facts: tuple[str, ...] = ()
    fast: bool = False
    splits: tuple[str, ...] = ()

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

    def split_names(self) -> list[str]:
        """The splits: tuned on, held out, then the others as their first document is listed."""
        names = list(dict.fromkeys(spec.split for spec in self.documents.values()))
        return sorted(
            names, key=lambda name: (_SPLIT_ORDER.get(name, len(_SPLIT_ORDER)), names.index(name))
        )

    def in_splits(self, names: tuple[str, ...]) -> LabelledSet:
        """The documents of those splits and the questions reported in them: a library of
        just those documents (the others are not there as distractors)."""
        wanted = set(names)
        return LabelledSet(
            {k: d for k, d in self.documents.items() if d.split in wanted},
            [q for q in self.questions if wanted & set(q.splits)],
        )

    def only(self, prefixes: tuple[str, ...]) -> LabelledSet:
        """The questions whose key starts with a prefix, over all the documents (the others
        stay as distractors, so retrieval faces the same library)."""
        return LabelledSet(
            self.documents, [q for q in self.questions if q.key.startswith(prefixes)]
        )


def load_set(path: Path = SET_FILE) -> LabelledSet:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    documents = {item["key"]: DocumentSpec(**item) for item in raw["documents"]}
    questions = [_question(item, documents) for item in raw["answerable"]]
    questions += [_question(item, documents) for item in raw["unanswerable"]]
    _check(documents, questions)
    return LabelledSet(documents, questions)


def _question(item: dict[str, Any], documents: dict[str, DocumentSpec]) -> Question:
    page = item.pop("page", None)
    pages = item.pop("pages", [page] if page is not None else [])
    facts = [str(fact) for fact in item.pop("facts", [])]
    split = item.pop("split", None)
    if "document" in item:
        if split is not None:
            raise ValueError(f"{item['key']}: an answerable question is in its document's split")
        spec = documents.get(item["document"])
        splits = [spec.split] if spec is not None else []
    else:
        splits = [split] if isinstance(split, str) else list(split or [])
    return Question(pages=tuple(pages), facts=tuple(facts), splits=tuple(splits), **item)


def _check(documents: dict[str, DocumentSpec], questions: list[Question]) -> None:
    """A label that cannot be scored is a mistake in the set: say which one."""
    keys = [q.key for q in questions]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"duplicate question keys: {sorted(duplicates)}")
    known = {spec.split for spec in documents.values()}
    for q in questions:
        if not q.splits or not set(q.splits) <= known:
            raise ValueError(f"{q.key}: split {list(q.splits)} is not one of {sorted(known)}")
        if q.document is None:
            continue
        spec = documents.get(q.document)
        if spec is None:
            raise ValueError(f"{q.key}: unknown document {q.document!r}")
        if not q.facts:
            raise ValueError(f"{q.key}: an answerable question needs facts")
        if spec.format == "pdf" and not q.pages:
            raise ValueError(f"{q.key}: a PDF question needs page or pages")
        if spec.format != "pdf" and not q.section:
            raise ValueError(f"{q.key}: a question on a document without pages needs a section")
