"""The smoke test the pipeline runs after deploying dev, run here against the local stack (in
its own process, as `make dev` runs it): so it is known to pass against a working stack, and
to fail, naming the step, against a broken one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from ops import smoke
from tests.e2e.conftest import running_stack
from tests.ops.local_outputs import outputs_of

pytestmark = pytest.mark.enable_socket


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    log = tmp_path_factory.mktemp("local-stack") / "stack.log"
    with pytest.MonkeyPatch.context() as env:
        # The admin calls go to the stack's moto, with its dummy credentials.
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.setenv(name, "testing")
        env.delenv("AWS_PROFILE", raising=False)
        with running_stack(log) as details:
            env.setenv("AWS_ENDPOINT_URL", details["moto_endpoint"])
            yield details


def test_the_smoke_test_passes_against_the_local_stack_and_cleans_up(
    local_stack: dict[str, Any],
) -> None:
    journey = smoke.Journey(outputs_of(local_stack))
    times = journey.run()

    assert [name for name, _ in times.steps] == [
        "health",
        "create user",
        "upload",
        "ingest (until READY)",
        "ask",
        "delete",
        "delete user",
    ]
    # Nothing is left behind: no throwaway user, no version of its file
    region = local_stack["region"]
    users = boto3.client("cognito-idp", region_name=region).list_users(
        UserPoolId=local_stack["user_pool_id"]
    )["Users"]
    emails = [a["Value"] for u in users for a in u["Attributes"] if a["Name"] == "email"]
    assert not [e for e in emails if e.startswith("smoke-")]
    listed = boto3.client("s3", region_name=region).list_object_versions(
        Bucket=local_stack["bucket_name"], Prefix="raw/"
    )
    keys = [v["Key"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]
    assert journey.document_id
    assert not [key for key in keys if f"/{journey.document_id}/" in key]


def test_the_smoke_test_fails_and_names_the_step_when_the_api_is_wrong(
    local_stack: dict[str, Any],
) -> None:
    broken = outputs_of(local_stack).model_copy(
        update={"api_url": local_stack["api_url"] + "/nowhere"}
    )

    with pytest.raises(smoke.SmokeFailure, match="GET /health answered 403"):
        smoke.Journey(broken).run()


def test_the_command_reads_an_outputs_file(
    local_stack: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(outputs_of(local_stack).model_dump_json(by_alias=True))

    assert smoke.main(["--outputs", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "smoke test passed" in printed
    assert "ingest (until READY)" in printed
    assert smoke.main(["--outputs", str(path), "--health-only"]) == 0
