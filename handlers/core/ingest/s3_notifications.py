"""The uploads an ingest-queue message announces: S3 `ObjectCreated` notifications.

Read by the ingest worker and, for the messages it could not finish, by the dead-letter
consumer: both see the same body S3 sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_lambda_powertools import Logger

logger = Logger(child=True)


@dataclass(frozen=True)
class ObjectCreated:
    """One `ObjectCreated` notification: the key as S3 sent it (URL-encoded), the size it
    reported and the request id of the upload that created the object."""

    key: str
    size: int | None = None
    request_id: str | None = None


def created_objects(body_text: str, bucket: str) -> list[ObjectCreated]:
    """The `ObjectCreated` notifications for `bucket` in one message body."""
    try:
        body = json.loads(body_text)
    except ValueError:
        logger.warning("message is not JSON; ignored")
        return []
    if not isinstance(body, dict) or body.get("Event") == "s3:TestEvent":
        return []
    created: list[ObjectCreated] = []
    for notification in body.get("Records", []):
        s3 = notification.get("s3", {}) if isinstance(notification, dict) else {}
        event_name = str(notification.get("eventName", "")) if s3 else ""
        if not event_name.startswith("ObjectCreated") or s3.get("bucket", {}).get("name") != bucket:
            continue
        key = s3.get("object", {}).get("key")
        size = s3.get("object", {}).get("size")
        request_id = (notification.get("responseElements") or {}).get("x-amz-request-id")
        if isinstance(key, str):
            created.append(
                ObjectCreated(
                    key=key,
                    size=int(size) if isinstance(size, int | float) else None,
                    request_id=request_id if isinstance(request_id, str) else None,
                )
            )
    return created
