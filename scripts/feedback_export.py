"""Export the answers readers rated 👎 as CSV, for the team to read what went wrong.

    make feedback STACK=prod [SINCE=2026-01-31]         # the stack's table, from its outputs
    python scripts/feedback_export.py --table NAME [--region R] [--since 2026-01-31T12:00]

One row per answer, newest rating first: ratedAt, model, grounding (what the relevance gate
found: found, doubtful, not_found — whether 👎 answers cluster in one is how to tell the gate
from the ranking in production), question, answer, citations, comment. It names no one: no user id, and e-mail addresses typed into the text are replaced
by `[email]`. Every cell is text a user wrote (questions, comments, file names) or the model
wrote from it, so a cell a spreadsheet would run as a formula (starting with = + - @, a tab
or a carriage return) is prefixed with an apostrophe (OWASP's "CSV injection" advice). Reads with the caller's AWS credentials (`dynamodb:Scan` on the table);
`AWS_ENDPOINT_URL` points it at the local stack.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from boto3.dynamodb.conditions import Attr  # noqa: E402

from handlers.core.conversations.feedback_models import FeedbackRating  # noqa: E402
from handlers.core.conversations.models import Citation, Message  # noqa: E402

COLUMNS = ("ratedAt", "model", "grounding", "question", "answer", "citations", "comment")
# Any local@domain token: a host name without a dot (ana@localhost) is an address too.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*")
# What spreadsheets read as the start of a formula (or of a cell to re-parse).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def negative_feedback(table: Any, since: datetime | None = None) -> list[Message]:
    """Every message rated 👎 (at or after `since`), newest rating first."""
    scan: dict[str, Any] = {
        "FilterExpression": Attr("entity").eq("message")
        & Attr("feedback.rating").eq(FeedbackRating.DOWN.value)
    }
    found = (Message.model_validate(item) for item in _scan(table, scan))
    rated = [
        (m.feedback.updated_at, m)
        for m in found
        if m.feedback is not None and (since is None or m.feedback.updated_at >= since)
    ]
    return [m for _, m in sorted(rated, key=lambda pair: pair[0], reverse=True)]


def write_csv(messages: Iterable[Message], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for message in messages:
        feedback = message.feedback
        writer.writerow(
            [
                feedback.updated_at.isoformat() if feedback else "",
                message.model,
                message.grounding.value,
                _cell(message.question),
                _cell(message.answer),
                _neutralise(" | ".join(_citation(c) for c in message.citations)),
                _cell(feedback.comment or "") if feedback else "",
            ]
        )
        count += 1
    return count


def _citation(citation: Citation) -> str:
    section = getattr(citation, "section", None)
    where = f"p. {citation.page}" if citation.page is not None else section
    return (
        f"{_redact(citation.document_name)} ({where})" if where else _redact(citation.document_name)
    )


def _redact(text: str) -> str:
    return _EMAIL.sub("[email]", text)


def _neutralise(text: str) -> str:
    """Text a spreadsheet shows as text, never evaluates."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _cell(text: str) -> str:
    return _neutralise(_redact(text))


def _scan(table: Any, scan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    while True:
        response = table.scan(**scan)
        yield from response.get("Items", [])
        last_key = response.get("LastEvaluatedKey")
        if not last_key:
            return
        scan["ExclusiveStartKey"] = last_key


def parse_since(value: str) -> datetime:
    """An ISO date or date-time; UTC unless it says otherwise."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="the table (stack output `table`)")
    parser.add_argument(
        "--region", help="the stack's region (stack output `region`); default: the caller's"
    )
    parser.add_argument("--since", type=parse_since, help="ISO date or date-time (UTC)")
    args = parser.parse_args(argv)

    import boto3

    table = boto3.resource("dynamodb", region_name=args.region).Table(args.table)
    count = write_csv(negative_feedback(table, args.since), sys.stdout)
    print(f"{count} answers rated 👎", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
