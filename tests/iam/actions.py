"""What IAM authorises for each recorded call: the actions it needs, on which resource.

An explicit table, one entry an operation the handlers make; an operation missing from it
fails the test, so a new call cannot slip through unchecked. KMS is the store's key: the
bucket (SSE-KMS), the table, the queue and the LLM key secret are all encrypted with it, so
a read needs kms:Decrypt and an S3 write kms:GenerateDataKey, with the caller's permissions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.iam.recorder import Call


@dataclass(frozen=True)
class Store:
    """The ARNs the roles are built from, and the ones a call's names map to."""

    region: str
    account: str
    bucket: str
    table: str
    key_arn: str
    queue_arn: str
    secret_arn: str
    dlq_arn: str

    @property
    def bucket_arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket}"

    def object_arn(self, key: str) -> str:
        return f"{self.bucket_arn}/{key}"

    @property
    def table_arn(self) -> str:
        return self.table_arn_named(self.table)

    def table_arn_named(self, name: str) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{name}"

    def log_group_arn(self, function: str) -> str:
        return f"arn:aws:logs:{self.region}:{self.account}:log-group:/aws/lambda/{function}"


@dataclass(frozen=True)
class Request:
    """One authorisation IAM makes: `action` on `resource`, with condition keys."""

    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()
    # Multivalued condition keys (e.g. dynamodb:Attributes): a set per key.
    values: tuple[tuple[str, frozenset[str]], ...] = ()

    def value_of(self, key: str) -> str | None:
        return dict(self.context).get(key)

    def values_of(self, key: str) -> frozenset[str] | None:
        return dict(self.values).get(key)

    def __str__(self) -> str:
        extra = "".join(f" [{key}={value!r}]" for key, value in self.context)
        extra += "".join(f" [{key}={sorted(found)!r}]" for key, found in self.values)
        return f"{self.action} on {self.resource}{extra}"


class UnmappedOperationError(AssertionError):
    pass


def _decrypt(store: Store) -> Request:
    return Request("kms:Decrypt", store.key_arn)


def _s3_read(params: dict[str, Any], store: Store) -> list[Request]:
    action = "s3:GetObjectVersion" if params.get("VersionId") else "s3:GetObject"
    return [Request(action, store.object_arn(params["Key"])), _decrypt(store)]


def _s3_put(params: dict[str, Any], store: Store) -> list[Request]:
    return [
        Request("s3:PutObject", store.object_arn(params["Key"])),
        Request("kms:GenerateDataKey", store.key_arn),
    ]


def _s3_delete_one(key: str, version_id: str | None, store: Store) -> list[Request]:
    requests = [Request("s3:DeleteObject", store.object_arn(key))]
    if version_id:
        requests.append(Request("s3:DeleteObjectVersion", store.object_arn(key)))
    return requests


def _s3_delete(params: dict[str, Any], store: Store) -> list[Request]:
    return _s3_delete_one(params["Key"], params.get("VersionId"), store)


def _s3_delete_many(params: dict[str, Any], store: Store) -> list[Request]:
    return [
        request
        for entry in params["Delete"]["Objects"]
        for request in _s3_delete_one(entry["Key"], entry.get("VersionId"), store)
    ]


def _s3_list(action: str) -> Callable[[dict[str, Any], Store], list[Request]]:
    def requests(params: dict[str, Any], store: Store) -> list[Request]:
        # Without a Prefix the request has no s3:prefix key, and a StringLike on it fails.
        context = (("s3:prefix", params["Prefix"]),) if "Prefix" in params else ()
        return [Request(action, store.bucket_arn, context)]

    return requests


def _dynamodb(action: str) -> Callable[[dict[str, Any], Store], list[Request]]:
    def requests(params: dict[str, Any], store: Store) -> list[Request]:
        arn = store.table_arn_named(params["TableName"])
        if params.get("IndexName"):
            arn = f"{arn}/index/{params['IndexName']}"
        context = (
            (("dynamodb:ReturnValues", params["ReturnValues"]),) if "ReturnValues" in params else ()
        )
        values = ((ATTRIBUTES, _attributes(params)),) if action == "UpdateItem" else ()
        # DynamoDB decrypts the table key (the store's CMK) with the caller's permissions.
        return [Request(f"dynamodb:{action}", arn, context, values), _decrypt(store)]

    return requests


ATTRIBUTES = "dynamodb:Attributes"


def _attributes(params: dict[str, Any]) -> frozenset[str]:
    """The attribute names an update names: its key's and those its expressions name
    through placeholders (ours name every attribute so, but the key in `attribute_exists`)."""
    names = set(params.get("Key", {})) | set(params.get("ExpressionAttributeNames", {}).values())
    return frozenset(names)


def _batch_write(params: dict[str, Any], store: Store) -> list[Request]:
    """Authorised as dynamodb:BatchWriteItem on each table it writes."""
    return [
        request
        for table in params["RequestItems"]
        for request in _dynamodb("BatchWriteItem")({"TableName": table}, store)
    ]


_TRANSACT_PARTS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _transact_write(params: dict[str, Any], store: Store) -> list[Request]:
    """Authorised part by part: a Put needs dynamodb:PutItem on its table, and so on."""
    requests = []
    for item in params["TransactItems"]:
        for part, action in _TRANSACT_PARTS.items():
            if part in item:
                requests += _dynamodb(action)(item[part], store)
    return requests


def _secret(params: dict[str, Any], store: Store) -> list[Request]:
    return [Request("secretsmanager:GetSecretValue", params["SecretId"]), _decrypt(store)]


def _sqs_send(params: dict[str, Any], store: Store) -> list[Request]:
    """To the (KMS-encrypted) ingest queue: the sender needs the key to encrypt."""
    return [
        Request("sqs:SendMessage", store.queue_arn),
        Request("kms:GenerateDataKey", store.key_arn),
        _decrypt(store),
    ]


def _describe_secret(params: dict[str, Any], store: Store) -> list[Request]:
    """Metadata only: no decryption of the value."""
    return [Request("secretsmanager:DescribeSecret", params["SecretId"])]


_ACTIONS: dict[tuple[str, str], Callable[[dict[str, Any], Store], list[Request]]] = {
    ("s3", "GetObject"): _s3_read,
    ("s3", "HeadObject"): _s3_read,
    ("s3", "PutObject"): _s3_put,
    ("s3", "DeleteObject"): _s3_delete,
    ("s3", "DeleteObjects"): _s3_delete_many,
    ("s3", "ListObjectsV2"): _s3_list("s3:ListBucket"),
    ("s3", "ListObjects"): _s3_list("s3:ListBucket"),
    ("s3", "ListObjectVersions"): _s3_list("s3:ListBucketVersions"),
    ("dynamodb", "GetItem"): _dynamodb("GetItem"),
    ("dynamodb", "PutItem"): _dynamodb("PutItem"),
    ("dynamodb", "UpdateItem"): _dynamodb("UpdateItem"),
    ("dynamodb", "DeleteItem"): _dynamodb("DeleteItem"),
    ("dynamodb", "Query"): _dynamodb("Query"),
    ("dynamodb", "BatchWriteItem"): _batch_write,
    ("dynamodb", "TransactWriteItems"): _transact_write,
    ("secretsmanager", "GetSecretValue"): _secret,
    # i13-ops: the sweeper's scan and re-enqueue, GET /health's secret check
    ("dynamodb", "Scan"): _dynamodb("Scan"),
    ("sqs", "SendMessage"): _sqs_send,
    ("secretsmanager", "DescribeSecret"): _describe_secret,
}


def requests_for(call: Call, store: Store) -> list[Request]:
    """The authorisations `call` needs; an operation not in the table fails."""
    requests = _ACTIONS.get((call.service, call.operation))
    if requests is None:
        raise UnmappedOperationError(
            f"{call} is not in tests/iam/actions.py: add the IAM actions it needs"
        )
    return requests(call.params, store)


def platform_requests(function: str, store: Store) -> list[Request]:
    """What the Lambda service does with the function's role, outside the handler: decrypt
    its environment variables (encrypted with the store key), write its log streams and X-Ray
    segments, and for `ingest` (`dead_letters`) the SQS event source mapping polling the encrypted
    queue (dead-letter queue)."""
    stream = f"{store.log_group_arn(function)}:log-stream:2026/01/01/[$LATEST]0123"
    requests = [
        _decrypt(store),
        Request("logs:CreateLogStream", stream),
        Request("logs:PutLogEvents", stream),
        Request("xray:PutTraceSegments", "*"),
        Request("xray:PutTelemetryRecords", "*"),
    ]
    if function == "ingest":
        requests += [
            Request("sqs:ReceiveMessage", store.queue_arn),
            Request("sqs:DeleteMessage", store.queue_arn),
            Request("sqs:GetQueueAttributes", store.queue_arn),
            _decrypt(store),
        ]
    if function == "dead_letters":
        # Its event source mapping polls the (encrypted) dead-letter queue.
        requests += [
            Request("sqs:ReceiveMessage", store.dlq_arn),
            Request("sqs:DeleteMessage", store.dlq_arn),
            Request("sqs:GetQueueAttributes", store.dlq_arn),
            _decrypt(store),
        ]
    return requests
