"""The local stack's moto takes DynamoDB requests one at a time, so a failed transaction
cannot roll back another request's write (moto restores a whole-table snapshot)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from local.moto_server import MotoServer

WRITES = 150


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A client of the stack's moto (with moto's own ThreadedMotoServer, the test fails)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    server = MotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client(
        "dynamodb",
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )
    client.create_table(
        TableName="t",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
    )
    yield client
    server.stop()


@pytest.mark.enable_socket
def test_a_failing_transaction_never_loses_a_concurrent_write(dynamodb: Any) -> None:
    # Given one thread keeps running transactions whose condition fails
    stop = threading.Event()

    def failing_transactions() -> None:
        while not stop.is_set():
            with contextlib.suppress(ClientError):
                dynamodb.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": "t",
                                "Key": {"PK": {"S": "missing"}},
                                "UpdateExpression": "SET n = :one",
                                "ConditionExpression": "attribute_exists(PK)",
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            }
                        }
                    ]
                )

    loser = threading.Thread(target=failing_transactions)
    loser.start()

    # When other writes happen meanwhile
    try:
        for index in range(WRITES):
            dynamodb.put_item(TableName="t", Item={"PK": {"S": f"item-{index}"}})
    finally:
        stop.set()
        loser.join()

    # Then every one of them is still there
    scanned = dynamodb.scan(TableName="t", Select="COUNT")["Count"]
    assert scanned == WRITES
