"""Answer quality on real documents: does the answer cite the right page and hold the fact?

    .venv/bin/python -m benchmarks.answer_quality [--fast] [--modes offline,openai]
                                                  [--json FILE] [--questions] [--only KEY]
                                                  [--split NAME] [--no-reranker]

The labelled set (`benchmarks/quality/answer_set.yaml`) is documentation from Debian's
packages (PDF, HTML, Markdown, plain text), fetched with `apt-get download` on first use and cached under
`$DOC_AGENT_QUALITY_CACHE` (default `~/.cache/doc-agent/answer-quality/`). Each mode
ingests every document through the `ingest` handler and asks every question through the
`agent` handler, in moto, with the agent's cross-encoder reranker as the build ships it
(`--no-reranker`: without): `offline` with the offline provider, `openai` with the OpenAI
provider against the tests' fake OpenAI server (a scripted reader as the model). Prints,
per mode: exact page in the top 1 and top 3 citations, within one page (top 3), the fact
in the answer, correct refusals of unanswerable questions, false refusals of answerable
ones, and p50/p95 answer latency; then the rates per format and per split (the documents
the offline answerer was tuned on, held out, and a second held-out set), and how many
of the answers that turned out wrong, and right, were marked doubtful.
`--fast` runs the subset `make test` holds floors on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.quality.answers import MODES, Mode
from benchmarks.quality.labels import load_set
from benchmarks.quality.scoring import summarise

if TYPE_CHECKING:
    from benchmarks.quality.run import ModeResult
    from benchmarks.quality.scoring import Outcome

COLUMNS = (
    ("mode", 8),
    ("top1", 6),
    ("top3", 6),
    ("±1 page", 8),
    ("fact", 6),
    ("refused ✓", 10),
    ("false refusals", 15),
    ("p50 ms", 8),
    ("p95 ms", 8),
)


def table(results: list[ModeResult]) -> str:
    lines = ["| " + " | ".join(name for name, _ in COLUMNS) + " |"]
    lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for result in results:
        s = result.summary
        cells = [
            result.mode,
            _pct(s.top1),
            _pct(s.top3),
            _pct(s.near),
            _pct(s.fact),
            _pct(s.correct_refusals),
            _pct(s.false_refusals),
            f"{s.p50_ms:.0f}",
            f"{s.p95_ms:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_table(results: list[ModeResult]) -> str:
    """The answerable questions' rates per document format (PDF pages, HTML sections)."""
    lines = [
        "| mode | format | questions | top1 | top3 | ±1 | fact |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for fmt in ("pdf", "html", "md", "txt"):
            outcomes = [o for o in result.outcomes if result.formats.get(o.question.key) == fmt]
            if not outcomes:
                continue
            s = summarise(outcomes)
            rates = " | ".join(_pct(v) for v in (s.top1, s.top3, s.near, s.fact))
            lines.append(f"| {result.mode} | {fmt} | {s.answerable} | {rates} |")
    return "\n".join(lines)


def split_table(results: list[ModeResult]) -> str:
    """Each split's rates (its answerable questions, and the unanswerable ones written for
    it), then the whole set: the tuned-on documents apart from those nothing was tuned on."""
    lines = [
        "| mode | split | answerable | unanswerable | top1 | top3 | ±1 | fact | refused ✓ "
        "| false refusals |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        groups = [
            (name, [o for o in result.outcomes if name in result.splits.get(o.question.key, ())])
            for name in result.split_names
        ]
        for name, outcomes in [*groups, ("all", result.outcomes)]:
            if not outcomes:
                continue
            s = summarise(outcomes)
            rates = (s.top1, s.top3, s.near, s.fact, s.correct_refusals, s.false_refusals)
            cells = [result.mode, name, str(s.answerable), str(s.unanswerable)]
            lines.append("| " + " | ".join(cells + [_pct(v) for v in rates]) + " |")
    return "\n".join(lines)


def doubt_table(results: list[ModeResult]) -> str:
    """How many answers were marked doubtful (the message's `grounding`, from
    `Evidence.doubtful`), of the wrong answers (an unanswerable question answered, or neither
    the labelled page in the top 3 nor the fact) and of the right ones. The offline answer
    says so in its text; the OpenAI path hands the doubt to the model."""
    lines = [
        "| mode | doubtful answers | of the wrong answers | of the right answers |",
        "|---|---|---|---|",
    ]
    for result in results:
        answered = [o for o in result.outcomes if not o.refused]
        wrong = [o for o in answered if not o.question.answerable or not (o.top3 or o.fact)]
        right = [o for o in answered if o not in wrong]
        cells = [_doubted(outcomes) for outcomes in (answered, wrong, right)]
        lines.append(f"| {result.mode} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _doubted(outcomes: list[Outcome]) -> str:
    count = sum(o.answer.grounding == "doubtful" for o in outcomes)
    return f"{count} of {len(outcomes)}"


def question_lines(result: ModeResult) -> list[str]:
    lines = []
    for o in result.outcomes:
        cited = ", ".join(
            f"{result.document_keys.get(c.document_id, '?')} "
            + (c.section or (f"p{c.page}" if c.page is not None else "-"))
            for c in o.answer.citations[:3]
        )
        if o.question.answerable:
            marks = "".join(
                mark if flag else "."
                for mark, flag in (("1", o.top1), ("3", o.top3), ("±", o.near), ("F", o.fact))
            )
            want = o.question.section or ",".join(map(str, o.question.pages))
            lines.append(f"  {marks} {o.question.key:<32} want {want} · cited {cited}")
        else:
            verdict = "refused" if o.refused else "ANSWERED"
            lines.append(f"  {verdict:<4} {o.question.key:<32} cited {cited}")
    return lines


def as_json(results: list[ModeResult]) -> dict[str, object]:
    return {
        result.mode: {
            "summary": asdict(result.summary),
            "ingestSeconds": round(result.ingest_seconds, 2),
            "chunks": result.chunks,
            "questions": [
                {
                    "key": o.question.key,
                    "answerable": o.question.answerable,
                    "splits": list(o.question.splits),
                    "top1": o.top1,
                    "top3": o.top3,
                    "near": o.near,
                    "fact": o.fact,
                    "refused": o.refused,
                    "grounding": o.answer.grounding,
                    "ms": round(o.answer.seconds * 1000, 1),
                    "citations": [
                        {**asdict(c), "documentKey": result.document_keys.get(c.document_id)}
                        for c in o.answer.citations
                    ],
                    "answer": o.answer.text,
                }
                for o in result.outcomes
            ],
        }
        for result in results
    }


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="only the fast subset")
    parser.add_argument("--modes", default=",".join(MODES), help="offline,openai")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--questions", action="store_true", help="one line per question")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PREFIX",
        help="ask only the questions whose key starts so (repeatable); every document is kept",
    )
    parser.add_argument(
        "--split",
        action="append",
        default=[],
        metavar="NAME",
        help="only the documents and questions of this split (repeatable): tune, held-out, "
        "heldout-2; the other documents are left out of the library",
    )
    parser.add_argument(
        "--no-reranker",
        action="store_true",
        help="the agent without its cross-encoder (the fused ranking and the lexical gate)",
    )
    args = parser.parse_args()
    labelled = load_set()
    if args.split:
        unknown_splits = set(args.split) - set(labelled.split_names())
        if unknown_splits:
            parser.error(f"unknown splits {sorted(unknown_splits)}")
        labelled = labelled.in_splits(tuple(args.split))
    if args.fast:
        labelled = labelled.fast_subset()
    if args.only:
        labelled = labelled.only(tuple(args.only))
        if not labelled.questions:
            parser.error(f"no question key starts with {', '.join(args.only)}")
    modes = [cast(Mode, mode.strip()) for mode in args.modes.split(",") if mode.strip()]
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes {sorted(unknown)}; choose from {', '.join(MODES)}")
    # Before the handlers are imported (with `run`): their loggers read the level once, and
    # a log line per request would bury the report.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from benchmarks.quality.run import fetch_all, run_mode

    files = fetch_all(labelled)
    answerable = sum(q.answerable for q in labelled.questions)
    print(
        f"{len(labelled.documents)} documents, {answerable} answerable and "
        f"{len(labelled.questions) - answerable} unanswerable questions"
    )
    results = []
    for mode in modes:
        result = run_mode(labelled, mode, files, reranker=not args.no_reranker)
        results.append(result)
        print(f"{mode}: ingested {result.chunks} chunks in {result.ingest_seconds:.1f} s")
        if args.questions:
            print("\n".join(question_lines(result)))
    print(table(results))
    print()
    print(format_table(results))
    print()
    print(split_table(results))
    print()
    print(doubt_table(results))
    if args.json:
        args.json.write_text(json.dumps(as_json(results), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
