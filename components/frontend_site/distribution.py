"""The CloudFront distribution in front of the site bucket, and the policies it serves with.

Origin access control (the bucket stays private), the security-headers policy, two cache
policies (HTML and `config.json` never cached; the content-hashed `_next/static/*` files
for a year), the clean-URL viewer-request function, and 403/404 answered by `/404.html`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import CustomDomain
from components.frontend_site.edge import (
    CLEAN_URLS_CODE,
    CLEAN_URLS_RUNTIME,
    HSTS_MAX_AGE_SECONDS,
    content_security_policy,
)
from components.frontend_site.files import ENTRY_PAGE

ORIGIN_ID = "site-bucket"
IMMUTABLE_PATH = "/_next/static/*"
ERROR_PAGE = "/404.html"
ONE_YEAR_SECONDS = 31_536_000


def create_distribution(
    name: str,
    *,
    bucket: aws.s3.Bucket,
    connect_sources: pulumi.Input[Sequence[str]],
    certificate_arn: pulumi.Output[str] | None,
    custom_domain: CustomDomain | None,
    price_class: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.cloudfront.Distribution:
    """The distribution and its policies, children of the component `opts` names."""
    access = aws.cloudfront.OriginAccessControl(
        f"{name}-oac",
        description=f"{name}: CloudFront reads the site bucket",
        origin_access_control_origin_type="s3",
        signing_behavior="always",
        signing_protocol="sigv4",
        opts=opts,
    )
    headers = _create_headers_policy(name, connect_sources, opts)
    no_cache = _create_cache_policy(name, "no-cache", ttl=0, opts=opts)
    immutable = _create_cache_policy(name, "immutable", ttl=ONE_YEAR_SECONDS, opts=opts)
    clean_urls = aws.cloudfront.Function(
        f"{name}-clean-urls",
        runtime=CLEAN_URLS_RUNTIME,
        code=CLEAN_URLS_CODE,
        comment="/route and /route/ -> /route/index.html",
        publish=True,
        tags=tags,
        opts=opts,
    )
    behavior = {
        "target_origin_id": ORIGIN_ID,
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD", "OPTIONS"],
        "cached_methods": ["GET", "HEAD"],
        "response_headers_policy_id": headers.id,
        "compress": True,
    }
    return aws.cloudfront.Distribution(
        f"{name}-cdn",
        comment=f"{name}: Doc Agent site",
        enabled=True,
        is_ipv6_enabled=True,
        http_version="http2and3",
        price_class=price_class,
        default_root_object=ENTRY_PAGE,
        aliases=[custom_domain.domain_name] if custom_domain else None,
        origins=[
            {
                "origin_id": ORIGIN_ID,
                "domain_name": bucket.bucket_regional_domain_name,
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
        viewer_certificate=viewer_certificate(certificate_arn),
        tags=tags,
        opts=opts,
    )


def viewer_certificate(certificate_arn: pulumi.Output[str] | None) -> dict[str, Any]:
    if certificate_arn is None:
        # CloudFront's own *.cloudfront.net certificate only allows the TLSv1 policy;
        # TLS >= 1.2 for viewers needs a custom domain (its policy is TLSv1.2_2021).
        return {"cloudfront_default_certificate": True}
    return {
        "acm_certificate_arn": certificate_arn,
        "ssl_support_method": "sni-only",
        "minimum_protocol_version": "TLSv1.2_2021",
    }


def _create_headers_policy(
    name: str, connect_sources: pulumi.Input[Sequence[str]], opts: pulumi.ResourceOptions
) -> aws.cloudfront.ResponseHeadersPolicy:
    csp = pulumi.Output.from_input(connect_sources).apply(content_security_policy)
    return aws.cloudfront.ResponseHeadersPolicy(
        f"{name}-security-headers",
        comment=f"{name}: HSTS, CSP, nosniff, frame-deny, referrer policy",
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
        opts=opts,
    )


def _create_cache_policy(
    name: str, suffix: str, *, ttl: int, opts: pulumi.ResourceOptions
) -> aws.cloudfront.CachePolicy:
    # Own policies instead of the managed ones: no lookups, and the TTLs are visible here.
    # CloudFront refuses compression settings in the key of a policy that never caches.
    cached = ttl > 0
    return aws.cloudfront.CachePolicy(
        f"{name}-{suffix}",
        comment=f"{name}: {suffix}",
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
        opts=opts,
    )
