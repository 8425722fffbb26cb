"""The local stack's resources are the deployed ones, created without loading Pulumi."""

from __future__ import annotations

from typing import Any

from local.resources import StackResources
from tests.local.conftest import ORIGIN
from tests.support.imports import modules_after_import


def test_the_documents_bucket_takes_only_the_deployed_post_from_the_site(
    aws: Any, resources: StackResources
) -> None:
    (rule,) = aws.client("s3").get_bucket_cors(Bucket=resources.bucket_name)["CORSRules"]
    # Browsers upload with a presigned POST and never read objects directly, as deployed.
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [ORIGIN]


def test_reading_the_deployed_definitions_does_not_load_pulumi() -> None:
    loaded = modules_after_import("local.resources")
    assert "components.document_store.definitions" in loaded
    assert not {name for name in loaded if name.split(".")[0] in ("pulumi", "pulumi_aws")}
