"""DocumentStore's security and durability properties, for every bucket, queue and table of both stacks."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from components.agent_api import dead_letters
from components.config import parse_config
from handlers.core.contracts import layout
from local.resources import create_documents_bucket, create_table
from policy.doc_agent_guardrails.taggable import takes_tags
from policy.doc_agent_guardrails.values import as_list, statements
from tests.infra.program import StackRun, stack_config
from tests.infra.pulumi_mocks import Registered
from tests.infra.resources import (
    assert_private_and_owner_enforced,
    denies_insecure_transport,
    for_bucket,
    policy,
)

BUCKET = "aws:s3/bucket:Bucket"
QUEUE = "aws:sqs/queue:Queue"
TABLE = "aws:dynamodb/table:Table"


def _documents_bucket(run: StackRun) -> Registered:
    return run.named("store-documents")


def test_every_bucket_blocks_public_access(stack: StackRun) -> None:
    assert stack.of_type(BUCKET)
    for bucket in stack.of_type(BUCKET):
        assert_private_and_owner_enforced(stack, bucket)


def test_every_bucket_is_encrypted_and_tls_only(stack: StackRun) -> None:
    for bucket in stack.of_type(BUCKET):
        sse = for_bucket(
            stack,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            bucket,
        )
        rule = sse.inputs["rules"][0]
        assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] in ("aws:kms", "AES256")
        bucket_policy = policy(for_bucket(stack, "aws:s3/bucketPolicy:BucketPolicy", bucket))
        assert denies_insecure_transport(bucket_policy, bucket.outputs["arn"]), bucket.name
        assert denies_insecure_transport(bucket_policy, bucket.outputs["arn"] + "/*"), bucket.name
        tls_floor = [
            s["Condition"]["NumericLessThan"]["s3:TlsVersion"]
            for s in statements(bucket_policy)
            if s["Effect"] == "Deny" and "NumericLessThan" in s.get("Condition", {})
        ]
        assert tls_floor == ["1.2"], bucket.name


def test_documents_bucket_uses_the_store_key_versioning_and_lifecycle(stack: StackRun) -> None:
    bucket = _documents_bucket(stack)
    key = stack.named("store-key")
    sse = for_bucket(
        stack,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        bucket,
    )
    rule = sse.inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": key.outputs["arn"],
    }
    assert rule["bucketKeyEnabled"] is True
    versioning = for_bucket(stack, "aws:s3/bucketVersioning:BucketVersioning", bucket)
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
    lifecycle = for_bucket(
        stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket
    )
    rules = {rule["id"]: rule for rule in lifecycle.inputs["rules"]}
    config = parse_config(stack_config(stack.stack))
    noncurrent = rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"]
    assert noncurrent["noncurrentDays"] == config.data.noncurrent_version_days
    aborted = rules["abort-incomplete-uploads"]["abortIncompleteMultipartUpload"]
    assert aborted["daysAfterInitiation"] == config.data.abort_incomplete_upload_days


def test_documents_bucket_cors_allows_only_the_site_origins_to_post(stack: StackRun) -> None:
    cors = for_bucket(
        stack, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", _documents_bucket(stack)
    )
    config = parse_config(stack_config(stack.stack))
    (rule,) = cors.inputs["corsRules"]
    assert rule["allowedMethods"] == ["POST"]
    assert "*" not in rule["allowedOrigins"]
    assert set(config.site.allowed_origins) <= set(rule["allowedOrigins"])


def test_raw_uploads_notify_the_ingest_queue_and_only_this_bucket_may_send(stack: StackRun) -> None:
    bucket = _documents_bucket(stack)
    queue = stack.named("store-ingest")
    notification = for_bucket(stack, "aws:s3/bucketNotification:BucketNotification", bucket)
    (target,) = notification.inputs["queues"]
    assert target["queueArn"] == queue.outputs["arn"]
    assert target["filterPrefix"] == layout.RAW_PREFIX
    assert target["events"] == ["s3:ObjectCreated:*"]

    queue_policy = policy(
        stack.by_input("aws:sqs/queuePolicy:QueuePolicy", "queueUrl", queue.outputs["url"])[0]
    )
    allows = [s for s in statements(queue_policy) if s["Effect"] == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    assert allow["Condition"]["ArnEquals"]["aws:SourceArn"] == bucket.outputs["arn"]
    # The queue policy must exist before S3 validates the notification target.
    assert any(dep.endswith("store-ingest-policy") for dep in notification.dependencies)


def test_every_queue_is_kms_encrypted_and_tls_only(stack: StackRun) -> None:
    key = stack.named("store-key")
    for queue in stack.of_type(QUEUE):
        assert queue.inputs["kmsMasterKeyId"] == key.outputs["arn"], queue.name
        queue_policy = stack.by_input(
            "aws:sqs/queuePolicy:QueuePolicy", "queueUrl", queue.outputs["url"]
        )
        assert len(queue_policy) == 1, queue.name
        assert denies_insecure_transport(policy(queue_policy[0]), queue.outputs["arn"])


def test_ingest_queue_redrives_to_the_dlq_with_a_visibility_derived_from_the_worker(
    stack: StackRun,
) -> None:
    config = parse_config(stack_config(stack.stack))
    queue, dlq = stack.named("store-ingest"), stack.named("store-ingest-dlq")
    redrive = json.loads(queue.inputs["redrivePolicy"])
    assert redrive == {
        "deadLetterTargetArn": dlq.outputs["arn"],
        "maxReceiveCount": layout.MAX_RECEIVE_COUNT,
    }
    assert queue.inputs["visibilityTimeoutSeconds"] == 6 * config.functions.ingest.timeout_seconds
    assert dlq.inputs["messageRetentionSeconds"] == layout.DLQ_RETENTION_SECONDS
    allow = stack.by_input(
        "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "queueUrl", dlq.outputs["url"]
    )
    assert json.loads(allow[0].inputs["redriveAllowPolicy"])["sourceQueueArns"] == [
        queue.outputs["arn"]
    ]


def test_the_dlq_visibility_is_derived_from_its_consumers_timeout(stack: StackRun) -> None:
    # SQS's 30 s default equals the consumer's timeout: a message whose batch outlived it
    # would be redelivered while still being processed (AWS advises 6x the timeout).
    dlq = stack.named("store-ingest-dlq")
    assert dlq.inputs["visibilityTimeoutSeconds"] == 6 * dead_letters.SETTINGS.timeout_seconds


def test_every_table_has_the_layout_keys_pitr_kms_and_ttl(stack: StackRun) -> None:
    key = stack.named("store-key")
    prod = stack.stack == "prod"
    assert stack.of_type(TABLE)
    for table in stack.of_type(TABLE):
        assert table.inputs["hashKey"] == layout.PARTITION_KEY
        assert table.inputs["rangeKey"] == layout.SORT_KEY
        assert {(a["name"], a["type"]) for a in table.inputs["attributes"]} == set(
            layout.KEY_ATTRIBUTES
        )
        assert table.inputs["pointInTimeRecovery"] == {"enabled": True}
        assert table.inputs["serverSideEncryption"] == {
            "enabled": True,
            "kmsKeyArn": key.outputs["arn"],
        }
        assert table.inputs["ttl"] == {"attributeName": layout.TTL_ATTRIBUTE, "enabled": True}
        assert table.inputs["deletionProtectionEnabled"] is prod


def test_key_rotates_and_lets_s3_encrypt_notifications(stack: StackRun) -> None:
    key = stack.named("store-key")
    assert key.inputs["enableKeyRotation"] is True
    services = [
        s["Principal"].get("Service")
        for s in statements(policy(key))
        if isinstance(s["Principal"], dict)
    ]
    assert "s3.amazonaws.com" in services


def test_prod_protects_data_and_backs_it_up_dev_does_not(stack: StackRun) -> None:
    prod = stack.stack == "prod"
    for name in ("store-key", "store-documents", "store-table"):
        resource = stack.named(name)
        assert (resource.protect, resource.retain_on_delete) == (prod, prod), name
    selections = stack.of_type("aws:backup/selection:Selection")
    if not prod:
        assert selections == []
        return
    (selection,) = selections
    assert set(selection.inputs["resources"]) == {
        stack.named("store-table").outputs["arn"],
        stack.named("store-documents").outputs["arn"],
    }
    (plan,) = stack.of_type("aws:backup/plan:Plan")
    config = parse_config(stack_config("prod"))
    assert plan.inputs["rules"][0]["lifecycle"]["deleteAfter"] == config.data.backup_retention_days
    (vault,) = stack.of_type("aws:backup/vault:Vault")
    assert vault.inputs["kmsKeyArn"] == stack.named("store-key").outputs["arn"]


def test_every_taggable_resource_carries_cost_allocation_tags(stack: StackRun) -> None:
    config = parse_config(stack_config(stack.stack))
    taggable = [r for r in stack.resources if r.custom and takes_tags(r.type)]
    assert len(taggable) >= 5
    for resource in taggable:
        tags = resource.tags
        assert tags.get("project") == "doc-agent", resource.name
        assert tags.get("stack") == stack.stack, resource.name
        assert tags.get("component"), resource.name
        assert config.tags.items() <= tags.items(), resource.name


def test_children_are_named_after_their_component_and_parented(stack: StackRun) -> None:
    components = [r for r in stack.resources if not r.custom]
    assert {c.type for c in components} >= {"doc-agent:index:DocumentStore"}
    for component in components:
        children = stack.children_of(component)
        assert children, component.name
        for child in children:
            assert child.name.startswith(f"{component.name}-"), child.name


def test_exports_what_later_components_and_users_need(stack: StackRun) -> None:
    assert stack.outputs["documentsBucket"] == _documents_bucket(stack).outputs["bucket"]
    assert stack.outputs["ingestQueueUrl"] == stack.named("store-ingest").outputs["url"]
    assert as_list(stack.outputs["region"]) == ["eu-west-1"]


def test_the_local_stack_creates_the_bucket_and_table_as_deployed(
    stack: StackRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The local stack and the handler tests create the store in moto through local/resources;
    # what they create must be what this stack declares (issue 16: the local bucket allowed
    # GET and HEAD, which no deployed browser may do).
    origins = ("https://app.example.com",)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        create_documents_bucket(s3, "local-documents", origins)
        create_table(dynamodb, "local-table")
        (local_rule,) = s3.get_bucket_cors(Bucket="local-documents")["CORSRules"]
        versioning = s3.get_bucket_versioning(Bucket="local-documents")["Status"]
        local_table = dynamodb.describe_table(TableName="local-table")["Table"]
        local_ttl = dynamodb.describe_time_to_live(TableName="local-table")

    cors = for_bucket(
        stack, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", _documents_bucket(stack)
    )
    (rule,) = cors.inputs["corsRules"]
    assert local_rule["AllowedOrigins"] == list(origins)
    assert local_rule["AllowedMethods"] == rule["allowedMethods"]
    assert local_rule["AllowedHeaders"] == rule["allowedHeaders"]
    assert local_rule["ExposeHeaders"] == rule["exposeHeaders"]
    assert local_rule["MaxAgeSeconds"] == rule["maxAgeSeconds"]
    assert versioning == "Enabled"

    (table,) = stack.of_type(TABLE)
    keys = {key["KeyType"]: key["AttributeName"] for key in local_table["KeySchema"]}
    assert keys == {"HASH": table.inputs["hashKey"], "RANGE": table.inputs["rangeKey"]}
    assert local_table["BillingModeSummary"]["BillingMode"] == table.inputs["billingMode"]
    described = local_ttl["TimeToLiveDescription"]
    assert described["AttributeName"] == table.inputs["ttl"]["attributeName"]
