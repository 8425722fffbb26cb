"""Reading one derived object from S3 as the `agent` function may: a missing key is None.

S3 answers 403, not 404, for a missing key to a caller without s3:ListBucket, and the
agent has none on purpose (it must not list other users' keys). Its role may read every
derived file, so a 403 means "not there" (or a broken key policy: logged as a warning).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

logger = Logger(child=True)

_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_DENIED_CODES = frozenset({"403", "AccessDenied"})


def is_missing(exc: ClientError) -> bool:
    code = exc.response.get("Error", {}).get("Code")
    if code in _DENIED_CODES:
        logger.warning("derived file unreadable, treated as missing", code=code)
        return True
    return code in _MISSING_CODES


def get_object(s3: Any, bucket: str, key: str) -> tuple[bytes, str] | None:
    """The object's bytes and ETag; None when it does not exist."""
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if is_missing(exc):
            return None
        raise
    return response["Body"].read(), str(response["ETag"])
