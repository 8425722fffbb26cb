"""`make rollback`: every function's `live` alias to the previous version, the site to the
previous release, a CloudFront invalidation; against moto (Lambda, S3, CloudFront)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from components.frontend_site.releases import manifest_key
from ops import rollback
from ops.outputs import StackOutputs

REGION = "us-east-1"
SITE = "doc-agent-site"
RELEASES = ("aaa111", "bbb222", "ccc333")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


def _code(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", f"def handler(e, c):\n    return {marker!r}\n")
    return buffer.getvalue()


def create_function(name: str) -> None:
    iam = boto3.client("iam")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _code("r0")},
    )


def deploy_function(name: str, release: str) -> None:
    """What `pulumi up` does with SnapStart on: new code, a published version, the alias on it."""
    lam = boto3.client("lambda", region_name=REGION)
    lam.update_function_code(FunctionName=name, ZipFile=_code(release))
    version = lam.publish_version(FunctionName=name)["Version"]
    try:
        lam.update_alias(FunctionName=name, Name="live", FunctionVersion=version)
    except lam.exceptions.ResourceNotFoundException:
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)


def deploy_site(release: str, index: bytes) -> None:
    """What FrontendSite does: upload the files (versioned), then the release manifest."""
    s3 = boto3.client("s3", region_name=REGION)
    versions = {
        "index.html": s3.put_object(Bucket=SITE, Key="index.html", Body=index)["VersionId"],
        "config.json": s3.put_object(Bucket=SITE, Key="config.json", Body=b"{}")["VersionId"],
    }
    manifest = {"release": release, "objects": versions}
    s3.put_object(Bucket=SITE, Key=manifest_key(release), Body=json.dumps(manifest).encode())


def live(name: str) -> str:
    alias = boto3.client("lambda", region_name=REGION).get_alias(FunctionName=name, Name="live")
    return str(alias["FunctionVersion"])


def index_html() -> bytes:
    body: bytes = boto3.client("s3").get_object(Bucket=SITE, Key="index.html")["Body"].read()
    return body


@pytest.fixture
def stack(aws: None, tmp_path: Path) -> Path:
    """A prod-like stack after three deploys: versions 1-3 of api and agent, three site
    releases (a second apart, as deploys are), and a distribution."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=SITE)
    s3.put_bucket_versioning(Bucket=SITE, VersioningConfiguration={"Status": "Enabled"})
    create_function("doc-agent-api")
    create_function("doc-agent-agent")
    for release in RELEASES:
        deploy_site(release, f"<html>{release}</html>".encode())
        deploy_function("doc-agent-api", release)
        deploy_function("doc-agent-agent", release)
        time.sleep(1.05)  # S3's LastModified has whole seconds
    boto3.client("lambda", region_name=REGION).create_function(
        FunctionName="doc-agent-ingest-dev",  # like a dev stack: no alias
        Runtime="python3.13",
        Role=boto3.client("iam").get_role(RoleName="doc-agent-api-role")["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": _code("dev")},
    )
    distribution = boto3.client("cloudfront").create_distribution(
        DistributionConfig={
            "CallerReference": "site",
            "Comment": "site",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "s3",
                        "DomainName": f"{SITE}.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "https-only"},
        }
    )["Distribution"]
    outputs = StackOutputs(
        region=REGION,
        api_url="https://api.example.com/api",
        user_pool_id="pool",
        user_pool_client_id="client",
        table="table",
        documents_bucket="documents",
        ingest_queue_url="https://sqs/ingest",
        ingest_dlq_url="https://sqs/dlq",
        site_bucket=SITE,
        site_distribution_id=distribution["Id"],
        function_names={
            "api": "doc-agent-api",
            "agent": "doc-agent-agent",
            "ingest": "doc-agent-ingest-dev",
        },
    )
    path = tmp_path / "outputs.json"
    path.write_text(outputs.model_dump_json(by_alias=True))
    return path


def test_rollback_moves_aliases_and_the_site_back_one_release_and_invalidates(
    stack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (live("doc-agent-api"), live("doc-agent-agent")) == ("3", "3")

    assert rollback.main(["--outputs", str(stack)]) == 0

    # Then each alias is on the previous version, the site serves the previous release
    assert (live("doc-agent-api"), live("doc-agent-agent")) == ("2", "2")
    assert index_html() == b"<html>bbb222</html>"
    printed = capsys.readouterr().out
    assert "api: live version 3 -> 2" in printed
    assert "ingest: no `live` alias, left as it is" in printed
    assert "site: release bbb222" in printed
    # And CloudFront was told to drop what it cached
    distribution_id = json.loads(stack.read_text())["siteDistributionId"]
    invalidations = boto3.client("cloudfront").list_invalidations(DistributionId=distribution_id)
    assert invalidations["InvalidationList"]["Quantity"] == 1

    # And running it again changes nothing more: "previous" counts from the newest deploy
    assert rollback.main(["--outputs", str(stack)]) == 0
    assert live("doc-agent-api") == "2"
    assert index_html() == b"<html>bbb222</html>"


def test_rollback_to_a_time_restores_what_was_live_then(stack: Path) -> None:
    # Given the moment the first release was complete (site and functions), before the second
    manifest = boto3.client("s3").head_object(Bucket=SITE, Key=manifest_key(RELEASES[0]))
    firsts = [
        rollback._modified(
            boto3.client("lambda").get_function(FunctionName=name, Qualifier="1")["Configuration"][
                "LastModified"
            ]
        )
        for name in ("doc-agent-api", "doc-agent-agent")
    ]
    moment = max(manifest["LastModified"], *firsts)

    assert rollback.main(["--outputs", str(stack), "--to", moment.isoformat()]) == 0

    assert index_html() == b"<html>aaa111</html>"
    assert (live("doc-agent-api"), live("doc-agent-agent")) == ("1", "1")


def test_a_dry_run_changes_nothing(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rollback.main(["--outputs", str(stack), "--dry-run"]) == 0
    assert live("doc-agent-api") == "3"
    assert index_html() == b"<html>ccc333</html>"
    assert "api: live version 3 -> 2" in capsys.readouterr().out


def test_a_time_before_any_release_is_refused(
    stack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_ago = (datetime.now(UTC) - timedelta(days=30)).isoformat()

    assert rollback.main(["--outputs", str(stack), "--to", long_ago]) == 1

    assert "nothing was released at or before" in capsys.readouterr().err
    assert live("doc-agent-api") == "3"
    assert index_html() == b"<html>ccc333</html>"
