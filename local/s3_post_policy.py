"""S3's checks of a browser upload (POST Object with a SigV4 POST policy), which moto skips.

`check_post(form, bucket, ...)` refuses exactly what S3 refuses: no or a malformed
policy, an expired one, a signature that is not the policy's under the credential's
secret, a form field no condition covers, a condition the fields break (key, content
type...), and a file outside `content-length-range`. The errors carry S3's status and
code. See the AWS documentation "Creating a POST policy" and "Browser-based uploads using
POST (AWS Signature Version 4)".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

ALGORITHM = "AWS4-HMAC-SHA256"
# Form fields that no condition needs to cover (S3's documented exceptions).
_UNCOVERED = frozenset({"policy", "x-amz-signature", "file"})


class PostRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PostForm:
    fields: dict[str, str]
    """Form fields by lower-cased name (S3 matches names case-insensitively)."""
    filename: str
    content: bytes


def signing_key(secret: str, date: str, region: str, service: str = "s3") -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def policy_signature(policy_b64: str, secret: str, date: str, region: str) -> str:
    key = signing_key(secret, date, region)
    return hmac.new(key, policy_b64.encode(), hashlib.sha256).hexdigest()


def check_post(
    form: PostForm, bucket: str, secrets: Mapping[str, str], now: datetime | None = None
) -> None:
    """Raise PostRefused unless S3 would accept this upload to `bucket`."""
    fields = form.fields
    if "key" not in fields:
        raise PostRefused(400, "InvalidArgument", "Bucket POST must contain a field named 'key'.")
    if "policy" not in fields:
        # Anonymous: the bucket is not public.
        raise PostRefused(403, "AccessDenied", "Access Denied")
    policy = _decode_policy(fields["policy"])
    _check_signature(fields, secrets)
    _check_expiry(policy, now or datetime.now(UTC))
    conditions = policy.get("conditions")
    if not isinstance(conditions, list):
        raise PostRefused(400, "InvalidPolicyDocument", "Invalid Policy: conditions missing.")
    covered = {"bucket"}
    for condition in conditions:
        covered.add(_check_condition(condition, form, bucket))
    extra = sorted(
        name
        for name in fields
        if name not in covered and name not in _UNCOVERED and not name.startswith("x-ignore-")
    )
    if extra:
        raise PostRefused(
            403,
            "AccessDenied",
            "Invalid according to Policy: Extra input fields: " + ", ".join(extra),
        )


def _decode_policy(policy_b64: str) -> dict[str, Any]:
    try:
        policy = json.loads(base64.b64decode(policy_b64, validate=True))
    except (ValueError, binascii.Error) as exc:
        raise PostRefused(400, "InvalidPolicyDocument", "Invalid Policy: not JSON.") from exc
    if not isinstance(policy, dict):
        raise PostRefused(400, "InvalidPolicyDocument", "Invalid Policy: not an object.")
    return policy


def _check_signature(fields: Mapping[str, str], secrets: Mapping[str, str]) -> None:
    if fields.get("x-amz-algorithm") != ALGORITHM:
        raise PostRefused(400, "InvalidArgument", "Only AWS4-HMAC-SHA256 is supported.")
    access_key, _, scope = fields.get("x-amz-credential", "").partition("/")
    date, _, rest = scope.partition("/")
    region, _, rest = rest.partition("/")
    secret = secrets.get(access_key)
    if secret is None:
        raise PostRefused(
            403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist."
        )
    if rest != "s3/aws4_request" or not fields.get("x-amz-date", "").startswith(date):
        raise PostRefused(400, "InvalidArgument", "The credential scope is malformed.")
    expected = policy_signature(fields["policy"], secret, date, region)
    if not hmac.compare_digest(expected, fields.get("x-amz-signature", "")):
        raise PostRefused(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )


def _check_expiry(policy: Mapping[str, Any], now: datetime) -> None:
    try:
        expires = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
    except (KeyError, ValueError) as exc:
        raise PostRefused(400, "InvalidPolicyDocument", "Invalid Policy: expiration.") from exc
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    if now >= expires:
        raise PostRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")


def _check_condition(condition: Any, form: PostForm, bucket: str) -> str:
    """Check one condition; returns the (lower-cased) field it covers."""
    if isinstance(condition, dict) and len(condition) == 1:
        ((name, value),) = condition.items()
        return _match(str(name).lower(), "eq", str(value), condition, form, bucket)
    if isinstance(condition, list) and len(condition) == 3:
        operator = str(condition[0]).lower()
        if operator == "content-length-range":
            _check_length(condition, len(form.content))
            return "content-length-range"
        if operator in ("eq", "starts-with") and str(condition[1]).startswith("$"):
            name = str(condition[1])[1:].lower()
            return _match(name, operator, str(condition[2]), condition, form, bucket)
    raise PostRefused(400, "InvalidPolicyDocument", f"Invalid Policy: condition {condition!r}.")


def _match(
    name: str, operator: str, expected: str, condition: Any, form: PostForm, bucket: str
) -> str:
    actual = bucket if name == "bucket" else form.fields.get(name)
    ok = actual is not None and (
        actual == expected if operator == "eq" else actual.startswith(expected)
    )
    if not ok:
        raise PostRefused(
            403,
            "AccessDenied",
            f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}",
        )
    return name


def _check_length(condition: list[Any], size: int) -> None:
    try:
        low, high = int(condition[1]), int(condition[2])
    except (TypeError, ValueError) as exc:
        raise PostRefused(400, "InvalidPolicyDocument", "Invalid Policy: length range.") from exc
    if size < low:
        raise PostRefused(
            400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"
        )
    if size > high:
        raise PostRefused(
            400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
        )
