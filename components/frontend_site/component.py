"""FrontendSite: the static Next.js export in a private bucket, served only by CloudFront.

CloudFront reads the bucket through origin access control, adds the security headers,
caches the content-hashed `_next/static/*` files for a year and nothing else, and rewrites
clean URLs to the exported `index.html` files. `config.json`, generated from the stack's
outputs, tells the one build which API and user pool to talk to.

The distribution and its headers policy depend only on the connect sources, never on
`runtime_config`: the program passes the site's origin to the API as a deferred output,
so only the `config.json` object may wait for the API's stage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import CustomDomain
from components.frontend_site.buckets import access_log_bucket
from components.frontend_site.distribution import create_distribution
from components.frontend_site.domain import alias_records, validated_certificate
from components.frontend_site.files import (
    NO_STORE,
    RUNTIME_CONFIG_KEY,
    SiteFile,
    site_files,
)
from components.frontend_site.releases import enable_releases, write_manifest
from components.private_bucket import bucket_policy, objects_arn, private_bucket
from components.release import release_version
from components.tags import component_tags


@dataclass(frozen=True)
class FrontendSiteArgs:
    site_dir: Path
    """The static export (frontend/out); missing or without index.html raises SiteNotBuiltError."""
    connect_sources: pulumi.Input[Sequence[str]]
    """Exact origins for the CSP's connect-src: the API, Cognito and the documents bucket."""
    runtime_config: pulumi.Input[Mapping[str, Any]]
    """The content of /config.json: apiUrl, region, userPoolId, userPoolClientId,
    cognitoEndpoint, maxUploadBytes."""
    tags: Mapping[str, str]
    """Cost-allocation tags of the stack."""
    custom_domain: CustomDomain | None = None
    """A domain in a Route 53 zone of the account: ACM certificate (us-east-1) and alias records."""
    access_logs: bool = False
    """CloudFront standard logging (v2) to a bucket of this component."""
    disposable_logs: bool = False
    """Let `pulumi destroy` delete the access-log bucket with its logs (unprotected stacks)."""
    price_class: str = "PriceClass_100"


class FrontendSite(pulumi.ComponentResource):
    origin: pulumi.Output[str]
    """`https://<custom domain or distribution domain>`: the origin CORS must allow."""
    url: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    distribution_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: FrontendSiteArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Before any resource: a missing build fails the program, not a half-made site.
        files = site_files(args.site_dir)
        super().__init__("doc-agent:index:FrontendSite", name, None, opts)
        self._name = name
        self._args = args
        self._tags = component_tags(args.tags, "frontend-site")
        self._child = pulumi.ResourceOptions(parent=self)
        self._us_east_1_opts: pulumi.ResourceOptions | None = None

        self.bucket = self._create_bucket()
        domain = args.custom_domain
        certificate_arn = (
            validated_certificate(
                name, domain, tags=self._tags, opts=self._child, us_east_1=self._us_east_1()
            )
            if domain
            else None
        )
        self.distribution = create_distribution(
            name,
            bucket=self.bucket,
            connect_sources=args.connect_sources,
            certificate_arn=certificate_arn,
            custom_domain=domain,
            price_class=args.price_class,
            tags=self._tags,
            opts=self._child,
        )
        self._create_bucket_policy()
        # Releases (components/frontend_site/releases.py): versioned objects and a manifest per deploy.
        versioning = enable_releases(f"{name}-assets", self.bucket, self._child)
        uploaded = self._upload(files, versioning)
        write_manifest(name, self.bucket, release_version(), uploaded, self._tags, self._child)
        if domain:
            alias_records(name, domain, self.distribution, opts=self._child)
        if args.access_logs:
            self._create_access_logs()

        host = domain.domain_name if domain else None
        self.origin = self.distribution.domain_name.apply(lambda d: f"https://{host or d}")
        self.url = self.origin.apply(lambda origin: f"{origin}/")
        self.bucket_name = self.bucket.bucket
        self.distribution_id = self.distribution.id
        self.register_outputs(
            {
                "origin": self.origin,
                "url": self.url,
                "bucket_name": self.bucket_name,
                "distribution_id": self.distribution_id,
            }
        )

    def _us_east_1(self) -> pulumi.ResourceOptions:
        # CloudFront's certificates and its log delivery exist in us-east-1 only.
        if self._us_east_1_opts is None:
            provider = aws.Provider(
                f"{self._name}-us-east-1",
                region="us-east-1",
                # An explicit provider does not read the stack's `aws:` config by itself.
                profile=pulumi.Config("aws").get("profile"),
                opts=self._child,
            )
            self._us_east_1_opts = pulumi.ResourceOptions(parent=self, provider=provider)
        return self._us_east_1_opts

    def _create_bucket(self) -> aws.s3.Bucket:
        # force_destroy: superseded hashed assets are kept (retain_on_delete), and the whole
        # bucket can be rebuilt from the repository.
        # SSE-S3: the site's files are public by design through CloudFront; a KMS key would
        # need a key-policy grant for CloudFront, for nothing.
        return private_bucket(
            f"{self._name}-assets", tags=self._tags, opts=self._child, force_destroy=True
        )

    def _create_bucket_policy(self) -> None:
        bucket_policy(
            f"{self._name}-assets",
            self.bucket,
            {
                "Sid": "AllowThisDistributionOnly",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": objects_arn(self.bucket),
                "Condition": {"StringEquals": {"AWS:SourceArn": self.distribution.arn}},
            },
            opts=self._child,
        )

    def _upload(
        self, files: Sequence[SiteFile], versioning: pulumi.Resource
    ) -> dict[str, aws.s3.BucketObjectv2]:
        uploaded: dict[str, aws.s3.BucketObjectv2] = {}
        for file in files:
            uploaded[file.key] = aws.s3.BucketObjectv2(
                f"{self._name}-file-{file.key}",
                bucket=self.bucket.id,
                key=file.key,
                source=pulumi.FileAsset(str(file.path)),
                content_type=file.content_type,
                cache_control=file.cache_control,
                tags=self._tags,
                # A page loaded before a deploy still fetches the hashed chunks it names.
                opts=pulumi.ResourceOptions(
                    parent=self, retain_on_delete=file.immutable, depends_on=[versioning]
                ),
            )
        uploaded[RUNTIME_CONFIG_KEY] = aws.s3.BucketObjectv2(
            f"{self._name}-runtime-config",
            bucket=self.bucket.id,
            key=RUNTIME_CONFIG_KEY,
            content=pulumi.Output.from_input(self._args.runtime_config).apply(
                lambda config: json.dumps(dict(config), indent=2, sort_keys=True)
            ),
            content_type="application/json",
            cache_control=NO_STORE,
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        return uploaded

    def _create_access_logs(self) -> None:
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        logs, logs_policy = access_log_bucket(
            f"{self._name}-access-logs",
            tags=self._tags,
            opts=self._child,
            account_id=account_id,
            force_destroy=self._args.disposable_logs,
        )
        source = aws.cloudwatch.LogDeliverySource(
            f"{self._name}-access-log-source",
            log_type="ACCESS_LOGS",
            resource_arn=self.distribution.arn,
            tags=self._tags,
            opts=self._us_east_1(),
        )
        destination = aws.cloudwatch.LogDeliveryDestination(
            f"{self._name}-access-log-destination",
            output_format="json",
            delivery_destination_configuration={"destination_resource_arn": logs.arn},
            tags=self._tags,
            opts=self._us_east_1(),
        )
        aws.cloudwatch.LogDelivery(
            f"{self._name}-access-log-delivery",
            delivery_source_name=source.name,
            delivery_destination_arn=destination.arn,
            tags=self._tags,
            # Delivery is checked against the bucket policy when it is created.
            opts=pulumi.ResourceOptions.merge(
                self._us_east_1(), pulumi.ResourceOptions(depends_on=[logs_policy])
            ),
        )
