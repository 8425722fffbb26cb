"""Create the product's AWS resources in the embedded AWS, from the deployed definitions.

The one path by which anything creates them in moto: the local stack (`create_resources`)
and the tests (`tests/support/aws.py`, through `create_table` and `create_documents_bucket`).
Table keys and TTL, the bucket's notification prefix and events, and the queues' visibility
and redrive settings come from `handlers.core.contracts.layout`; the table's billing and the
bucket's CORS rule from `components/document_store/definitions.py`: the modules the Pulumi
components deploy.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from components.document_store.definitions import (
    DOCUMENTS_BUCKET_CORS,
    TABLE_BILLING_MODE,
    table_attribute_definitions,
    table_key_schema,
)
from handlers.core.contracts import layout
from handlers.core.contracts.password_policy import PASSWORD_POLICY
from local import defaults


@dataclass(frozen=True)
class StackResources:
    table_name: str
    bucket_name: str
    queue_url: str
    queue_arn: str
    dlq_url: str
    user_pool_id: str
    user_pool_client_id: str
    openai_secret_arn: str | None


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str


def create_resources(
    session: Any, cors_origins: tuple[str, ...], openai_api_key: str | None
) -> StackResources:
    """Everything the three functions use; `session` is a boto3 Session bound to moto."""
    prefix = defaults.NAME_PREFIX
    table_name = create_table(session.client("dynamodb"), f"{prefix}-documents")
    dlq_url, queue_url, queue_arn = _create_queues(session.client("sqs"), prefix)
    s3 = session.client("s3")
    bucket_name = create_documents_bucket(s3, f"{prefix}-documents", cors_origins)
    _notify_ingest_queue(s3, bucket_name, queue_arn)
    pool_id, client_id = _create_user_pool(session.client("cognito-idp"), prefix)
    secret_arn = None
    if openai_api_key:
        secret = session.client("secretsmanager").create_secret(
            Name=f"{prefix}/openai-api-key", SecretString=openai_api_key
        )
        secret_arn = str(secret["ARN"])
    return StackResources(
        table_name=table_name,
        bucket_name=bucket_name,
        queue_url=queue_url,
        queue_arn=queue_arn,
        dlq_url=dlq_url,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        openai_secret_arn=secret_arn,
    )


def create_table(dynamodb: Any, name: str) -> str:
    """The single table: keys, billing and TTL as DocumentStore deploys them."""
    dynamodb.create_table(
        TableName=name,
        BillingMode=TABLE_BILLING_MODE,
        KeySchema=table_key_schema(),
        AttributeDefinitions=table_attribute_definitions(),
    )
    dynamodb.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": layout.TTL_ATTRIBUTE},
    )
    return name


def _create_queues(sqs: Any, prefix: str) -> tuple[str, str, str]:
    dlq_url = sqs.create_queue(
        QueueName=f"{prefix}-ingest-dlq",
        Attributes={"MessageRetentionPeriod": str(layout.DLQ_RETENTION_SECONDS)},
    )["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": layout.MAX_RECEIVE_COUNT}
    visibility = layout.visibility_timeout_seconds(defaults.INGEST_TIMEOUT_SECONDS)
    queue_url = sqs.create_queue(
        QueueName=f"{prefix}-ingest",
        Attributes={
            "VisibilityTimeout": str(visibility),
            "MessageRetentionPeriod": str(layout.MESSAGE_RETENTION_SECONDS),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return str(dlq_url), str(queue_url), _queue_arn(sqs, queue_url)


def _queue_arn(sqs: Any, queue_url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def create_documents_bucket(s3: Any, name: str, cors_origins: tuple[str, ...]) -> str:
    """The documents bucket, versioned, with the deployed CORS rule for `cors_origins`."""
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_cors(
        Bucket=name,
        CORSConfiguration={"CORSRules": [DOCUMENTS_BUCKET_CORS.as_s3_api(cors_origins)]},
    )
    return name


def _notify_ingest_queue(s3: Any, name: str, queue_arn: str) -> None:
    s3.put_bucket_notification_configuration(
        Bucket=name,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": "ingest",
                    "QueueArn": queue_arn,
                    "Events": list(layout.NOTIFICATION_EVENTS),
                    "Filter": {
                        "Key": {
                            "FilterRules": [
                                {"Name": "prefix", "Value": layout.NOTIFICATION_FILTER_PREFIX}
                            ]
                        }
                    },
                }
            ]
        },
    )


def _create_user_pool(cognito: Any, prefix: str) -> tuple[str, str]:
    pool = cognito.create_user_pool(
        PoolName=f"{prefix}-users",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": PASSWORD_POLICY.as_cognito_api()},
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=f"{prefix}-site",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return str(pool["Id"]), str(client["ClientId"])


def create_demo_user(session: Any, user_pool_id: str, email: str) -> DemoUser:
    """A confirmed user with a fresh password, so a person can sign in at once."""
    password = f"Demo-{secrets.token_hex(4)}-Aa1"
    cognito = session.client("cognito-idp")
    cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True
    )
    return DemoUser(email=email, password=password)
