"""The business metrics the handlers emit (CloudWatch EMF via Powertools Metrics).

Shared with `components/observability/`, whose alarms and dashboard name these metrics:
rename one here and both sides follow. The namespace is set per stack through
`POWERTOOLS_METRICS_NAMESPACE`; every metric carries one dimension, `service`
(`POWERTOOLS_SERVICE_NAME`: api, ingest or agent). Pure Python: the Pulumi program imports it.
"""

from __future__ import annotations

NAMESPACE_PREFIX = "DocAgent"
SERVICE_DIMENSION = "service"


def namespace(stack: str) -> str:
    return f"{NAMESPACE_PREFIX}/{stack}"


# api
DOCUMENTS_UPLOADED = "DocumentsUploaded"
# ingest
DOCUMENTS_READY = "DocumentsReady"
DOCUMENTS_FAILED = "DocumentsFailed"  # one more metric per reason: DocumentsFailed_<reason code>
INGEST_DURATION_MS = "IngestDuration"

INGEST_PAGES = "IngestPages"
# dead_letters: uploads whose ingest message was dead-lettered (the worker never finished)
DOCUMENTS_DEAD_LETTERED = "DocumentsDeadLettered"
# agent
QUESTIONS_ANSWERED = "QuestionsAnswered"
LLM_LATENCY_MS = "LlmLatency"
LLM_PROMPT_TOKENS = "PromptTokens"
LLM_COMPLETION_TOKENS = "CompletionTokens"
# The LLM error-rate alarm divides LlmErrors by LlmRequests, so a question that fails must
# count in both (LlmRequests 1, LlmErrors 1) and one that succeeds should emit LlmErrors 0:
# with no LlmRequests at all during an outage, the rate has nothing to divide by.
LLM_REQUESTS = "LlmRequests"  # calls to the model, failed ones included
LLM_ERRORS = "LlmErrors"  # questions whose model call failed after retries
QUOTA_REJECTIONS = "QuotaRejections"
# What the relevance gate found for each answered question: 1 or 0 per question, so their
# average is the share of questions the documents do not answer, or answer doubtfully.
ANSWERS_NOT_IN_DOCUMENTS = "AnswersNotInDocuments"
ANSWERS_DOUBTFUL = "AnswersDoubtful"
# Questions answered without the reranker the function is configured with (it failed to load).
RERANKER_UNAVAILABLE = "RerankerUnavailable"
# Readers' verdicts on answers, counted when given or changed: once with `service` alone (the
# negative-rate alarm) and once more per answering model (`model` dimension, the dashboard).
FEEDBACK_POSITIVE = "FeedbackPositive"
FEEDBACK_NEGATIVE = "FeedbackNegative"
MODEL_DIMENSION = "model"
# sweeper (handlers/sweeper.py): documents it repaired on each run
SWEPT_UPLOADS_NEVER_ARRIVED = "SweptUploadsNeverArrived"
SWEPT_REQUEUED = "SweptRequeued"  # ingestion stuck: the upload was delivered to ingest again
SWEPT_STUCK_FAILED = "SweptStuckFailed"  # still stuck after the re-enqueue: FAILED


def documents_failed_for(reason_code: str) -> str:
    """The per-reason failure metric; the dashboard graphs them all by SEARCHing the prefix."""
    return f"{DOCUMENTS_FAILED}_{reason_code}"
