"""The X-Ray tracer the use cases add their subsegments with.

Powertools' `Tracer` keeps one configuration for every instance in a process, so this one
and the handler's `Tracer(service=...)` record into the same trace. Tracing is on in Lambda
(active tracing) and off anywhere else: Powertools turns it off outside a Lambda runtime,
and tests set `POWERTOOLS_TRACE_DISABLED`. Subsegments keep no response
(`capture_response=False`; the ingest handler's keeps only the failed message ids), and annotations hold only short codes (content kind, outcome,
model): no document text, question, answer or user id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Tracer

# Only boto3 calls get automatic subsegments. The SDK has no patch for httpx2 (the openai
# client's transport); the model calls are traced by `capture_method` instead. Patching
# every library the SDK knows costs ~10 ms of cold start for modules we do not use.
PATCHED_MODULES: tuple[str, ...] = ("botocore",)


def keep_object_keys_out_of_traces() -> None:
    """Stop X-Ray recording S3 request parameters (`Key`, `Prefix`, `CopySource`): ours hold
    the user id and the file name. The bucket name and the operation stay."""
    from aws_xray_sdk.ext import boto_utils  # type: ignore[import-untyped]

    for params in boto_utils.whitelist["services"].get("s3", {}).get("operations", {}).values():
        params.pop("request_parameters", None)


tracer = Tracer(patch_modules=PATCHED_MODULES)
if not tracer.disabled:
    keep_object_keys_out_of_traces()

Handler = TypeVar("Handler", bound=Callable[..., Any])


def trace_handler(tracer: Tracer, *, capture_response: bool) -> Callable[[Handler], Handler]:
    """`tracer.capture_lambda_handler`, keeping the handler's signature for the type checker
    (Powertools types the result as `Callable[..., Any]`)."""

    def decorate(handler: Handler) -> Handler:
        traced = tracer.capture_lambda_handler(handler, capture_response=capture_response)
        return cast(Handler, traced)

    return decorate
