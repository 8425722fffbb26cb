"""The agent with the shipped reranker: questions in other words than their answers'."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.core.contracts import metric_names as names
from lambda_build.model_files import RERANKER
from tests.agent.conftest import CallAgent, ConfigureAgent, Library
from tests.agent.test_feedback_api import _emf
from tests.support.conversations import ask
from tests.support.events import USER_A

# The words of the question ("name", "come", "doxygen") are all on page 1; the answer,
# on page 2, says it in other words; pages 3 and 4 make "come" a common word.
MANUAL = [
    (
        1,
        "Doxygen writes the name of every input file it reads to its log, so you can see "
        "where each page of the output comes from. Set QUIET to stop these messages; the "
        "name of the log file comes from the WARN_LOGFILE tag.",
    ),
    (
        2,
        "Doxygen got its name from playing with the words documentation and generator: "
        "documentation became docs, then dox, and generator became gen. The letter y was "
        "added because doxgen was hard to pronounce.",
    ),
    (
        3,
        "Most settings come from the configuration file, and the rest come from the "
        "command line: options given there come last and win.",
    ),
    (
        4,
        "Where the input files come from is set with INPUT; wildcards come from FILE_PATTERNS.",
    ),
]
QUESTION = "Where does the name doxygen come from?"


def _first_cited_page(call_agent: CallAgent) -> int:
    result, _ = ask(call_agent, QUESTION)
    assert result.status == 200, result.body
    return int(result.body["citations"][0]["page"])


def test_the_reranker_cites_the_page_that_answers_first(
    call_agent: CallAgent, library: Library, configure_agent: ConfigureAgent
) -> None:
    library.add(USER_A, "doxygen.txt", MANUAL)
    assert _first_cited_page(call_agent) == 1  # the fused ranking: the words, not the answer

    configure_agent(RERANKER_MODEL_DIR=str(RERANKER.model_dir()))
    assert _first_cited_page(call_agent) == 2


def test_a_missing_model_leaves_the_fused_ranking_and_says_so(
    call_agent: CallAgent,
    library: Library,
    configure_agent: ConfigureAgent,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    library.add(USER_A, "doxygen.txt", MANUAL)
    configure_agent(RERANKER_MODEL_DIR=str(tmp_path))
    assert _first_cited_page(call_agent) == 1
    assert "reranker unavailable" in caplog.text
    assert _first_cited_page(call_agent) == 1  # logged once: the agent goes on without it
    assert caplog.text.count("reranker unavailable") == 1
    # ...and each question answered without it counts, for the alarm.
    unavailable = [r for r in _emf(capsys) if names.RERANKER_UNAVAILABLE in r]
    assert [r[names.RERANKER_UNAVAILABLE] for r in unavailable] == [[1.0], [1.0]]


def test_without_a_configured_reranker_nothing_is_counted(
    call_agent: CallAgent, library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    library.add(USER_A, "doxygen.txt", MANUAL)
    assert _first_cited_page(call_agent) == 1
    assert not [r for r in _emf(capsys) if names.RERANKER_UNAVAILABLE in r]
