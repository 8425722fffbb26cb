"""A document's objects in the bucket: presigned upload and download, reads, deletion.

Keys come from `handlers.core.contracts.layout` only. The bucket is versioned, so deleting a
document deletes every version and delete marker under its raw and derived prefixes:
after a delete nothing of the file is left to restore.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aws_lambda_powertools import Logger

from handlers.core.contracts.layout import derived_prefix, raw_prefix

logger = Logger(child=True)

_DELETE_BATCH = 1000
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_DENIED_CODES = frozenset({"403", "AccessDenied", "Forbidden"})


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class DocumentFiles:
    """S3 access for documents. `s3` is a boto3 S3 client (signature v4)."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def presign_upload(
        self, key: str, *, content_type: str, size: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """A presigned POST whose policy pins the key, the content type and the size.

        `content-length-range` is exactly the declared `size` (no margin: the site declares
        `File.size`, the very bytes it sends), so the size the API reports is the size
        stored. S3 refuses an upload that breaks any condition; moto does not check them,
        so the tests decode the policy and assert each one.
        """
        post: dict[str, Any] = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", size, size],
            ],
            ExpiresIn=expires_in,
        )
        return str(post["url"]), {str(k): str(v) for k, v in post["fields"].items()}

    def presign_download(
        self, key: str, *, filename: str, content_type: str, expires_in: int
    ) -> str:
        url: str = self._s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )
        return url

    def size_of(self, key: str) -> int | None:
        """The object's size in bytes, or None when it does not exist.

        S3 answers a HEAD on a missing key with 403, not 404, when the caller may not list
        the bucket itself: the ingest role's ListBucket is limited to document prefixes
        (a condition a HEAD never meets) and it may read every raw object, so a 403 here
        means "not there": an upload deleted before ingest, to acknowledge, not retry.
        """
        from botocore.exceptions import ClientError

        try:
            response = self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in _DENIED_CODES:
                logger.warning("object unreadable, treated as missing", code=code)
                return None
            if code in _MISSING_CODES:
                return None
            raise
        return int(response["ContentLength"])

    def read(self, key: str, *, max_bytes: int) -> bytes:
        """The object's bytes, never more than `max_bytes` (a Range request)."""
        response = self._s3.get_object(
            Bucket=self._bucket, Key=key, Range=f"bytes=0-{max_bytes - 1}"
        )
        body: bytes = response["Body"].read(max_bytes)
        return body

    def put(self, key: str, body: bytes, *, content_type: str) -> None:
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type)

    def delete(self, key: str) -> None:
        """Delete the current version of one object (nothing happens when there is none)."""
        self._s3.delete_object(Bucket=self._bucket, Key=key)

    def get(self, key: str) -> tuple[bytes, str]:
        """The object's bytes and ETag."""
        response = self._s3.get_object(Bucket=self._bucket, Key=key)
        return response["Body"].read(), str(response.get("ETag", ""))

    def delete_document_objects(self, user_id: str, document_id: str) -> int:
        """Delete every version of the raw and derived objects; returns how many went."""
        deleted = 0
        for prefix in (raw_prefix(user_id, document_id), derived_prefix(user_id, document_id)):
            deleted += self._delete_all_versions(prefix)
        return deleted

    def delete_derived(self, user_id: str, document_id: str) -> int:
        return self._delete_all_versions(derived_prefix(user_id, document_id))

    def _delete_all_versions(self, prefix: str) -> int:
        paginator = self._s3.get_paginator("list_object_versions")
        deleted = 0
        batch: list[dict[str, str]] = []
        for page in paginator.paginate(Bucket=self._bucket, Prefix=prefix):
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                batch.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
                if len(batch) == _DELETE_BATCH:
                    deleted += self._delete_batch(batch)
                    batch = []
        if batch:
            deleted += self._delete_batch(batch)
        return deleted

    def _delete_batch(self, batch: list[dict[str, str]]) -> int:
        response = self._s3.delete_objects(
            Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True}
        )
        errors = response.get("Errors", [])
        if errors:
            # Left for a retry: the item is deleted last, so the user can delete again.
            raise RuntimeError(f"S3 refused to delete {len(errors)} object versions")
        return len(batch)
