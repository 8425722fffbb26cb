"""Each Lambda role allows every AWS call its handler really makes (moto enforces no IAM,
so a missing action would otherwise fail only once deployed)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.iam.actions import Request, UnmappedOperationError, requests_for
from tests.iam.conftest import RecordedRun
from tests.iam.evaluator import allowed
from tests.iam.recorder import Call
from tests.iam.roles import denied_requests, role_policies


def _without(policy: dict[str, Any], action: str) -> dict[str, Any]:
    statements = []
    for statement in policy["Statement"]:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        kept = [a for a in actions if a != action]
        if kept:
            statements.append({**statement, "Action": kept})
    return {**policy, "Statement": statements}


def test_the_run_exercises_every_function_s_calls(recorded_run: RecordedRun) -> None:
    # The flows must keep reaching the calls that matter, or the check below proves little.
    recorder = recorded_run.recorder
    assert {
        ("s3", "PutObject"),
        ("s3", "GetObject"),
        ("s3", "ListObjectVersions"),
        ("s3", "DeleteObjects"),
        ("dynamodb", "PutItem"),
        ("dynamodb", "Query"),
        ("dynamodb", "DeleteItem"),
    } <= recorder.operations("api")
    assert {
        ("s3", "GetObject"),
        ("s3", "PutObject"),
        ("s3", "ListObjectVersions"),
        ("s3", "DeleteObjects"),
        ("dynamodb", "GetItem"),
        ("dynamodb", "UpdateItem"),
        ("secretsmanager", "GetSecretValue"),
    } <= recorder.operations("ingest")
    assert {
        ("s3", "GetObject"),
        ("dynamodb", "TransactWriteItems"),
        ("dynamodb", "BatchWriteItem"),
        ("dynamodb", "UpdateItem"),
        ("secretsmanager", "GetSecretValue"),
    } <= recorder.operations("agent")
    assert {("dynamodb", "UpdateItem")} <= recorder.operations("dead_letters")


def test_each_role_allows_every_call_its_function_makes(recorded_run: RecordedRun) -> None:
    policies = role_policies(recorded_run.store)

    denied = denied_requests(recorded_run.recorder.calls, policies, recorded_run.store)

    assert denied == [], "\n".join(str(item) for item in denied)


def test_the_browser_upload_and_download_act_with_the_api_role(
    recorded_run: RecordedRun,
) -> None:
    # The presigned POST and GET are signed by `api`: its role must put and get raw files.
    store = recorded_run.store
    raw_puts = [
        call.params["Key"]
        for call in recorded_run.recorder.of("api")
        if (call.service, call.operation) == ("s3", "PutObject")
    ]
    assert raw_puts
    assert all(key.startswith("raw/") for key in raw_puts)
    api = role_policies(store)["api"]
    for key in raw_puts:
        assert allowed(api, Request("s3:PutObject", store.object_arn(key)))
        assert allowed(api, Request("s3:GetObject", store.object_arn(key)))
    # ...and nothing else under the bucket: derived files stay out of the browser's reach.
    assert not allowed(api, Request("s3:PutObject", store.object_arn("derived/u/d/chunks.json")))


@pytest.mark.parametrize(
    ("function", "action", "operation"),
    [
        ("ingest", "s3:ListBucketVersions", "s3.ListObjectVersions"),
        ("agent", "dynamodb:BatchWriteItem", "dynamodb.BatchWriteItem"),
        ("api", "kms:GenerateDataKey", "s3.PutObject"),
    ],
)
def test_a_role_missing_an_action_is_reported_with_the_call_that_needs_it(
    recorded_run: RecordedRun, function: str, action: str, operation: str
) -> None:
    # Given a role without one action its function uses
    policies = role_policies(recorded_run.store)
    policies[function] = _without(policies[function], action)

    # When the recorded calls are checked
    denied = denied_requests(recorded_run.recorder.calls, policies, recorded_run.store)

    # Then exactly that action is reported, for that function and the call that needs it
    assert {(item.function, item.call, item.request.action) for item in denied} == {
        (function, operation, action)
    }


def test_a_call_with_no_known_actions_fails_the_check(recorded_run: RecordedRun) -> None:
    call = Call("api", "s3", "CopyObject", {"Bucket": "b", "Key": "raw/x"})

    with pytest.raises(UnmappedOperationError, match=r"api: s3\.CopyObject"):
        requests_for(call, recorded_run.store)


def test_a_listing_outside_the_document_prefixes_is_denied(recorded_run: RecordedRun) -> None:
    store = recorded_run.store
    ingest = role_policies(store)["ingest"]
    listing = Call("ingest", "s3", "ListObjectVersions", {"Bucket": store.bucket, "Prefix": ""})
    unprefixed = Call("ingest", "s3", "ListObjectVersions", {"Bucket": store.bucket})

    assert not any(allowed(ingest, r) for r in requests_for(listing, store))
    assert not any(allowed(ingest, r) for r in requests_for(unprefixed, store))


def test_the_dead_letter_role_writes_only_what_marking_failed_needs(
    recorded_run: RecordedRun,
) -> None:
    # Given the update the DLQ consumer made (marking the lost upload FAILED)
    store = recorded_run.store
    (update,) = [
        call
        for call in recorded_run.recorder.of("dead_letters")
        if (call.service, call.operation) == ("dynamodb", "UpdateItem")
    ]
    policy = role_policies(store)["dead_letters"]
    assert all(allowed(policy, request) for request in requests_for(update, store))

    # Then the same call naming any other attribute, or returning the whole item, is denied:
    # the table holds every user's conversations and answers too.
    names = update.params["ExpressionAttributeNames"]
    for other in ({**names, "#x": "answer"}, {**names, "#x": "userId"}):
        widened = Call("dead_letters", "dynamodb", "UpdateItem",
                       {**update.params, "ExpressionAttributeNames": other})  # fmt: skip
        assert not allowed(policy, requests_for(widened, store)[0])
    returning = Call("dead_letters", "dynamodb", "UpdateItem",
                     {**update.params, "ReturnValues": "ALL_OLD"})  # fmt: skip
    assert not allowed(policy, requests_for(returning, store)[0])
