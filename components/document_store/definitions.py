"""The document store's settings that the local stack and the tests create in moto too.

Pure data, no Pulumi: `component.py` deploys these and `local/resources.py` creates the same
table and bucket in the embedded AWS, so the local stack cannot drift from the deployed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.core.contracts import layout


@dataclass(frozen=True)
class BucketCors:
    """Who may call the documents bucket from a browser."""

    allowed_methods: tuple[str, ...]
    allowed_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age_seconds: int

    def as_pulumi(self, origins: Any) -> dict[str, Any]:
        """One `cors_rules` entry of `aws.s3.BucketCorsConfiguration`."""
        return {
            "allowed_methods": list(self.allowed_methods),
            "allowed_origins": origins,
            "allowed_headers": list(self.allowed_headers),
            "expose_headers": list(self.expose_headers),
            "max_age_seconds": self.max_age_seconds,
        }

    def as_s3_api(self, origins: tuple[str, ...]) -> dict[str, Any]:
        """One `CORSRules` entry of S3's PutBucketCors."""
        return {
            "AllowedOrigins": list(origins),
            "AllowedMethods": list(self.allowed_methods),
            "AllowedHeaders": list(self.allowed_headers),
            "ExposeHeaders": list(self.expose_headers),
            "MaxAgeSeconds": self.max_age_seconds,
        }


# Browsers upload with a presigned POST and never read objects directly.
DOCUMENTS_BUCKET_CORS = BucketCors(
    allowed_methods=("POST",),
    allowed_headers=("*",),
    expose_headers=("ETag",),
    max_age_seconds=3000,
)

# On-demand capacity: a user's traffic comes in bursts no provisioned table would fit.
TABLE_BILLING_MODE = "PAY_PER_REQUEST"


def table_key_schema() -> list[dict[str, str]]:
    """DynamoDB's CreateTable `KeySchema`: the layout's partition and sort keys."""
    return [
        {"AttributeName": layout.PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": layout.SORT_KEY, "KeyType": "RANGE"},
    ]


def table_attribute_definitions() -> list[dict[str, str]]:
    """DynamoDB's CreateTable `AttributeDefinitions`: the layout's key attributes."""
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in layout.KEY_ATTRIBUTES]
