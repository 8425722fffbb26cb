"""The smoke test the pipeline runs after deploying dev, run here against the local stack:
so it is known to pass against a working stack, and to fail, naming the step, against a
broken one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from local.stack import LocalStack, StackInfo
from ops import smoke
from ops.outputs import StackOutputs
from tests.ops.local_outputs import outputs_of

pytestmark = pytest.mark.enable_socket


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackInfo]:
    site = tmp_path_factory.mktemp("no-site")
    with LocalStack(port=0, site_dir=site, log_requests=False) as info:
        yield info


def test_the_smoke_test_passes_against_the_local_stack_and_cleans_up(
    local_stack: StackInfo,
) -> None:
    outputs = outputs_of(local_stack)

    times = smoke.Journey(outputs).run()

    steps = [name for name, _ in times.steps]
    assert steps == [
        "health",
        "create user",
        "upload",
        "ingest (until READY)",
        "ask",
        "delete",
        "delete user",
    ]
    # Nothing is left behind: no throwaway user, no document item, no object
    cognito = boto3.client("cognito-idp", region_name=local_stack.region)
    users = cognito.list_users(UserPoolId=local_stack.user_pool_id)["Users"]
    assert all(not u["Username"].startswith("smoke-") for u in users)
    emails = [a["Value"] for u in users for a in u["Attributes"] if a["Name"] == "email"]
    assert not [e for e in emails if e.startswith("smoke-")]
    s3 = boto3.client("s3", region_name=local_stack.region)
    listed = s3.list_object_versions(Bucket=local_stack.bucket_name, Prefix="raw/")
    assert not listed.get("Versions")


def test_the_smoke_test_fails_and_names_the_step_when_the_api_is_wrong(
    local_stack: StackInfo, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = outputs_of(local_stack).model_copy(
        update={"api_url": local_stack.api_url + "/nowhere"}
    )

    with pytest.raises(smoke.SmokeFailure, match="GET /health answered 403"):
        smoke.Journey(broken).run()


def test_the_command_reads_an_outputs_file(
    local_stack: StackInfo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs: StackOutputs = outputs_of(local_stack)
    path = tmp_path / "outputs.json"
    path.write_text(outputs.model_dump_json(by_alias=True))

    assert smoke.main(["--outputs", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "smoke test passed" in printed
    assert "ingest (until READY)" in printed
