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
from components.frontend_site.domain import alias_records, validated_certificate
from components.frontend_site.edge import (
    CLEAN_URLS_CODE,
    CLEAN_URLS_RUNTIME,
    HSTS_MAX_AGE_SECONDS,
    content_security_policy,
)
from components.frontend_site.files import (
    ENTRY_PAGE,
    NO_STORE,
    RUNTIME_CONFIG_KEY,
    SiteFile,
    site_files,
)
from components.frontend_site.releases import enable_releases, write_manifest
from components.private_bucket import bucket_policy, objects_arn, private_bucket
from components.release import release_version
from components.tags import component_tags

ORIGIN_ID = "site-bucket"
IMMUTABLE_PATH = "/_next/static/*"
ERROR_PAGE = "/404.html"
ONE_YEAR_SECONDS = 31_536_000


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
        self.distribution = self._create_distribution(certificate_arn)
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

    def _create_distribution(
        self, certificate_arn: pulumi.Output[str] | None
    ) -> aws.cloudfront.Distribution:
        args = self._args
        access = aws.cloudfront.OriginAccessControl(
            f"{self._name}-oac",
            description=f"{self._name}: CloudFront reads the site bucket",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=self._child,
        )
        headers = self._create_headers_policy()
        no_cache = self._create_cache_policy("no-cache", ttl=0)
        immutable = self._create_cache_policy("immutable", ttl=ONE_YEAR_SECONDS)
        clean_urls = aws.cloudfront.Function(
            f"{self._name}-clean-urls",
            runtime=CLEAN_URLS_RUNTIME,
            code=CLEAN_URLS_CODE,
            comment="/route and /route/ -> /route/index.html",
            publish=True,
            tags=self._tags,
            opts=self._child,
        )
        behavior = {
            "target_origin_id": ORIGIN_ID,
            "viewer_protocol_policy": "redirect-to-https",
            "allowed_methods": ["GET", "HEAD", "OPTIONS"],
            "cached_methods": ["GET", "HEAD"],
            "response_headers_policy_id": headers.id,
            "compress": True,
        }
        if certificate_arn is None:
            # CloudFront's own *.cloudfront.net certificate only allows the TLSv1 policy;
            # TLS >= 1.2 for viewers needs a custom domain (its policy is TLSv1.2_2021).
            certificate: dict[str, Any] = {"cloudfront_default_certificate": True}
        else:
            certificate = {
                "acm_certificate_arn": certificate_arn,
                "ssl_support_method": "sni-only",
                "minimum_protocol_version": "TLSv1.2_2021",
            }
        domain = args.custom_domain
        return aws.cloudfront.Distribution(
            f"{self._name}-cdn",
            comment=f"{self._name}: Doc Agent site",
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=args.price_class,
            default_root_object=ENTRY_PAGE,
            aliases=[domain.domain_name] if domain else None,
            origins=[
                {
                    "origin_id": ORIGIN_ID,
                    "domain_name": self.bucket.bucket_regional_domain_name,
                    "origin_access_control_id": access.id,
                }
            ],
            # HTML and config.json: never cached, so a deploy shows at once.
            default_cache_behavior={
                **behavior,
                "cache_policy_id": no_cache.id,
                "function_associations": [
                    {"event_type": "viewer-request", "function_arn": clean_urls.arn}
                ],
            },
            ordered_cache_behaviors=[
                {**behavior, "path_pattern": IMMUTABLE_PATH, "cache_policy_id": immutable.id}
            ],
            # Without s3:ListBucket, S3 answers 403 for a missing key: both mean "not found".
            custom_error_responses=[
                {
                    "error_code": code,
                    "response_code": 404,
                    "response_page_path": ERROR_PAGE,
                    "error_caching_min_ttl": 10,
                }
                for code in (403, 404)
            ],
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate=certificate,
            tags=self._tags,
            opts=self._child,
        )

    def _create_headers_policy(self) -> aws.cloudfront.ResponseHeadersPolicy:
        csp = pulumi.Output.from_input(self._args.connect_sources).apply(content_security_policy)
        return aws.cloudfront.ResponseHeadersPolicy(
            f"{self._name}-security-headers",
            comment=f"{self._name}: HSTS, CSP, nosniff, frame-deny, referrer policy",
            security_headers_config={
                "strict_transport_security": {
                    "access_control_max_age_sec": HSTS_MAX_AGE_SECONDS,
                    "include_subdomains": True,
                    "preload": True,
                    "override": True,
                },
                "content_security_policy": {"content_security_policy": csp, "override": True},
                "content_type_options": {"override": True},
                "frame_options": {"frame_option": "DENY", "override": True},
                "referrer_policy": {
                    "referrer_policy": "strict-origin-when-cross-origin",
                    "override": True,
                },
            },
            opts=self._child,
        )

    def _create_cache_policy(self, suffix: str, *, ttl: int) -> aws.cloudfront.CachePolicy:
        # Own policies instead of the managed ones: no lookups, and the TTLs are visible here.
        # CloudFront refuses compression settings in the key of a policy that never caches.
        cached = ttl > 0
        return aws.cloudfront.CachePolicy(
            f"{self._name}-{suffix}",
            comment=f"{self._name}: {suffix}",
            min_ttl=ttl,
            default_ttl=ttl,
            max_ttl=ttl,
            parameters_in_cache_key_and_forwarded_to_origin={
                "cookies_config": {"cookie_behavior": "none"},
                "headers_config": {"header_behavior": "none"},
                "query_strings_config": {"query_string_behavior": "none"},
                "enable_accept_encoding_brotli": cached,
                "enable_accept_encoding_gzip": cached,
            },
            opts=self._child,
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
