"""FrontendSite built directly under mocks: private bucket, CloudFront, headers, caching, upload."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components.config import CustomDomain
from components.frontend_site import FrontendSite, FrontendSiteArgs, SiteNotBuiltError
from components.frontend_site.releases import RELEASES_PREFIX
from components.tags import stack_tags
from policy.doc_agent_guardrails.taggable import takes_tags
from policy.doc_agent_guardrails.values import statements
from tests.infra.program import MockedPulumi, StackRun
from tests.infra.pulumi_mocks import Registered
from tests.infra.resources import (
    assert_private_and_owner_enforced,
    denies_insecure_transport,
    for_bucket,
    policy,
)

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
BUCKET = "aws:s3/bucket:Bucket"
RECORD = "aws:route53/record:Record"
REGION = "eu-west-1"
API = f"https://abc123defg.execute-api.{REGION}.amazonaws.com"
COGNITO = f"https://cognito-idp.{REGION}.amazonaws.com"
UPLOADS = f"https://store-documents-a1b2c3d.s3.{REGION}.amazonaws.com"
CONNECT_SOURCES = [API, COGNITO, UPLOADS]
RUNTIME_CONFIG = {
    "apiUrl": f"{API}/api",
    "region": REGION,
    "userPoolId": f"{REGION}_AbCdEf123",
    "userPoolClientId": "client1234567890abcdefghij",
    "cognitoEndpoint": f"{COGNITO}/",
}
TAGS = stack_tags("dev", {"environment": "dev"})
DOMAIN = CustomDomain(domain_name="docs.example.com", hosted_zone_id="Z0123456789ABC")
SITE_FILES = {
    "index.html": "<!doctype html><title>Doc Agent</title>",
    "404.html": "<!doctype html><title>Not found</title>",
    "documents/index.html": "<!doctype html><title>Documents</title>",
    "documents/index.txt": "1:RSC payload",
    "_next/static/chunks/app-3b7v8xei.js": "console.log(1)",
    "_next/static/chunks/app-2egbuiz8.css": "body{}",
    "_next/static/media/inter-latin.woff2": "wOF2",
    "favicon.ico": "ico",
    # A copy the local stack left behind: the stack's own config.json must win.
    "config.json": '{"apiUrl": "http://127.0.0.1:8000/api"}',
}


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    for key, text in SITE_FILES.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_text(text)
    return root


def _deploy(pulumi_mocks: MockedPulumi, site_dir: Path, **overrides: Any) -> StackRun:
    def program() -> Mapping[str, Any]:
        site = FrontendSite(
            "site",
            FrontendSiteArgs(
                site_dir=site_dir,
                connect_sources=CONNECT_SOURCES,
                runtime_config=overrides.pop("runtime_config", RUNTIME_CONFIG),
                tags=TAGS,
                **overrides,
            ),
        )
        return {
            "origin": site.origin,
            "url": site.url,
            "bucket_name": site.bucket_name,
            "distribution_id": site.distribution_id,
        }

    return pulumi_mocks.run_function(program)


@pytest.fixture
def site(pulumi_mocks: MockedPulumi, site_dir: Path) -> StackRun:
    return _deploy(pulumi_mocks, site_dir)


@pytest.fixture
def full_site(pulumi_mocks: MockedPulumi, site_dir: Path) -> StackRun:
    """The prod shape: a custom domain and access logs."""
    return _deploy(pulumi_mocks, site_dir, custom_domain=DOMAIN, access_logs=True)


def _one(run: StackRun, token: str) -> Registered:
    (found,) = run.of_type(token)
    return found


def _id(resource: Registered) -> str:
    # The mocks give CloudFront policies and OACs the id "<physical name>-id".
    return f"{resource.outputs['name']}-id"


def _by_id(run: StackRun, token: str, resource_id: str) -> Registered:
    (found,) = [r for r in run.of_type(token) if _id(r) == resource_id]
    return found


def _csp(run: StackRun) -> dict[str, list[str]]:
    headers = _one(run, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    text = headers.inputs["securityHeadersConfig"]["contentSecurityPolicy"]["contentSecurityPolicy"]
    directives = [d.split() for d in text.split(";")]
    return {name: values for name, *values in directives}


def _depends_on(run: StackRun, resource: Registered) -> set[str]:
    """Every URN the resource waits for, directly or through other resources."""
    by_urn = {r.urn: r for r in run.resources}
    seen: set[str] = set()
    pending = list(resource.dependencies)
    while pending:
        urn = pending.pop()
        if urn not in seen:
            seen.add(urn)
            pending += by_urn[urn].dependencies if urn in by_urn else []
    return seen


def test_the_bucket_policy_lets_only_this_distribution_read(site: StackRun) -> None:
    # Given the site, when we read its bucket policy
    bucket, distribution = site.named("site-assets"), _one(site, DISTRIBUTION)
    doc = policy(for_bucket(site, "aws:s3/bucketPolicy:BucketPolicy", bucket))
    # Then one Allow: CloudFront's service, GetObject only, conditioned on this distribution
    (allow,) = [s for s in statements(doc) if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Resource"] == bucket.outputs["arn"] + "/*"
    assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution.outputs["arn"]}}
    assert denies_insecure_transport(doc, bucket.outputs["arn"])
    assert denies_insecure_transport(doc, bucket.outputs["arn"] + "/*")


def test_every_bucket_is_private_owner_enforced_encrypted_and_tls_only(full_site: StackRun) -> None:
    buckets = full_site.of_type(BUCKET)
    assert {b.name for b in buckets} == {"site-assets", "site-access-logs"}
    for bucket in buckets:
        assert_private_and_owner_enforced(full_site, bucket)
        sse = for_bucket(
            full_site,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            bucket,
        )
        assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {
            "sseAlgorithm": "AES256"
        }
        doc = policy(for_bucket(full_site, "aws:s3/bucketPolicy:BucketPolicy", bucket))
        assert denies_insecure_transport(doc, bucket.outputs["arn"] + "/*"), bucket.name


def test_cloudfront_reads_the_bucket_through_origin_access_control(site: StackRun) -> None:
    distribution = _one(site, DISTRIBUTION)
    oac = _one(site, "aws:cloudfront/originAccessControl:OriginAccessControl")
    assert oac.inputs["originAccessControlOriginType"] == "s3"
    assert oac.inputs["signingBehavior"] == "always"
    assert oac.inputs["signingProtocol"] == "sigv4"
    (origin,) = distribution.inputs["origins"]
    assert origin["originAccessControlId"] == _id(oac)
    assert origin["domainName"] == site.named("site-assets").outputs["bucketRegionalDomainName"]
    assert "s3OriginConfig" not in origin  # no legacy origin access identity


def test_the_csp_allows_exactly_the_given_endpoints(site: StackRun) -> None:
    csp = _csp(site)
    assert sorted(csp["connect-src"]) == sorted(["'self'", *CONNECT_SOURCES])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == csp["form-action"] == ["'self'"]
    assert not any("*" in value for values in csp.values() for value in values)


def test_security_headers_hsts_nosniff_frame_deny_referrer(site: StackRun) -> None:
    config = _one(site, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs[
        "securityHeadersConfig"
    ]
    assert config["strictTransportSecurity"] == {
        "accessControlMaxAgeSec": 63_072_000,
        "includeSubdomains": True,
        "preload": True,
        "override": True,
    }
    assert config["contentTypeOptions"] == {"override": True}
    assert config["frameOptions"] == {"frameOption": "DENY", "override": True}
    assert config["referrerPolicy"]["referrerPolicy"] == "strict-origin-when-cross-origin"


def test_hashed_assets_are_cached_a_year_and_everything_else_not_at_all(site: StackRun) -> None:
    distribution = _one(site, DISTRIBUTION).inputs
    policies = "aws:cloudfront/cachePolicy:CachePolicy"
    headers = _one(site, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    default = distribution["defaultCacheBehavior"]
    (assets,) = distribution["orderedCacheBehaviors"]
    assert assets["pathPattern"] == "/_next/static/*"
    never = _by_id(site, policies, default["cachePolicyId"]).inputs
    year = _by_id(site, policies, assets["cachePolicyId"]).inputs
    assert (never["minTtl"], never["defaultTtl"], never["maxTtl"]) == (0, 0, 0)
    assert (year["minTtl"], year["defaultTtl"], year["maxTtl"]) == (31_536_000,) * 3
    for behavior in (default, assets):
        assert behavior["viewerProtocolPolicy"] == "redirect-to-https"
        assert behavior["responseHeadersPolicyId"] == _id(headers)
        assert behavior["allowedMethods"] == ["GET", "HEAD", "OPTIONS"]


def test_clean_urls_function_runs_on_viewer_requests_of_pages_only(site: StackRun) -> None:
    function = _one(site, "aws:cloudfront/function:Function")
    assert function.inputs["runtime"] == "cloudfront-js-2.0"
    assert function.inputs["publish"] is True
    distribution = _one(site, DISTRIBUTION).inputs
    assert distribution["defaultCacheBehavior"]["functionAssociations"] == [
        {"eventType": "viewer-request", "functionArn": function.outputs["arn"]}
    ]
    assert "functionAssociations" not in distribution["orderedCacheBehaviors"][0]
    assert distribution["defaultRootObject"] == "index.html"


def test_missing_pages_get_the_404_page(site: StackRun) -> None:
    responses = _one(site, DISTRIBUTION).inputs["customErrorResponses"]
    # S3 answers 403 for a missing key when the reader may not list the bucket.
    assert {(r["errorCode"], r["responseCode"], r["responsePagePath"]) for r in responses} == {
        (403, 404, "/404.html"),
        (404, 404, "/404.html"),
    }


def test_default_domain_uses_cloudfronts_certificate_over_http2_and_3(site: StackRun) -> None:
    distribution = _one(site, DISTRIBUTION).inputs
    assert distribution["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    assert distribution["httpVersion"] == "http2and3"
    assert distribution["isIpv6Enabled"] is True
    assert distribution["priceClass"] == "PriceClass_100"
    assert "aliases" not in distribution
    assert site.of_type("aws:acm/certificate:Certificate") == []
    assert site.of_type(RECORD) == []
    assert site.outputs["origin"] == "https://d111111abcdef8.cloudfront.net"
    assert site.outputs["url"] == "https://d111111abcdef8.cloudfront.net/"


def test_files_are_uploaded_with_their_content_type_and_caching(site: StackRun) -> None:
    bucket = site.named("site-assets").outputs["bucket"]
    uploaded = {
        o.inputs["key"]: o
        for o in site.of_type(OBJECT)
        if not o.inputs["key"].startswith(RELEASES_PREFIX)
    }
    assert set(uploaded) == set(SITE_FILES)
    expected = {
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "404.html": ("text/html; charset=utf-8", "no-cache"),
        "documents/index.html": ("text/html; charset=utf-8", "no-cache"),
        "documents/index.txt": ("text/plain; charset=utf-8", "no-cache"),
        "_next/static/chunks/app-3b7v8xei.js": (
            "text/javascript; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        "_next/static/chunks/app-2egbuiz8.css": (
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        "_next/static/media/inter-latin.woff2": (
            "font/woff2",
            "public, max-age=31536000, immutable",
        ),
        "favicon.ico": ("image/x-icon", "public, max-age=3600"),
        "config.json": ("application/json", "no-store"),
    }
    for key, (content_type, cache_control) in expected.items():
        upload = uploaded[key]
        assert upload.inputs["bucket"] == bucket, key
        assert (upload.inputs["contentType"], upload.inputs["cacheControl"]) == (
            content_type,
            cache_control,
        ), key
    # Old pages keep loading the hashed chunks they name after a deploy replaced them.
    assert {k for k, o in uploaded.items() if o.retain_on_delete} == {
        k for k in SITE_FILES if k.startswith("_next/static/")
    }


def test_files_come_from_the_build_directory(site: StackRun, site_dir: Path) -> None:
    for upload in site.of_type(OBJECT):
        key = upload.inputs["key"]
        if key == "config.json" or key.startswith(RELEASES_PREFIX):
            continue
        source = upload.inputs["source"]
        assert isinstance(source, pulumi.FileAsset), key
        assert Path(str(source.path)) == site_dir / key


def test_config_json_is_generated_from_the_stack_and_never_cached(site: StackRun) -> None:
    (config,) = [o for o in site.of_type(OBJECT) if o.inputs["key"] == "config.json"]
    assert "source" not in config.inputs  # not the stale local copy
    assert json.loads(config.inputs["content"]) == RUNTIME_CONFIG
    assert config.inputs["cacheControl"] == "no-store"


def test_only_config_json_waits_for_the_api(pulumi_mocks: MockedPulumi, site_dir: Path) -> None:
    # Given a runtime config that depends on another resource (the API's stage, in the program)
    def program() -> Mapping[str, Any]:
        stage = aws.sns.Topic("stage-stand-in")
        FrontendSite(
            "site",
            FrontendSiteArgs(
                site_dir=site_dir,
                connect_sources=CONNECT_SOURCES,
                runtime_config=stage.arn.apply(lambda arn: {**RUNTIME_CONFIG, "apiUrl": arn}),
                tags=TAGS,
            ),
        )
        return {}

    run = pulumi_mocks.run_function(program)
    stage = run.named("stage-stand-in").urn
    # Then the distribution and its headers wait for nothing of it; config.json does (and
    # the release manifest, which names config.json's version)
    waiting = {r.name for r in run.resources if r.custom and stage in _depends_on(run, r)}
    assert waiting == {"site-runtime-config", "site-release-manifest"}


def test_custom_domain_gets_a_us_east_1_certificate_and_alias_records(full_site: StackRun) -> None:
    provider = full_site.named("site-us-east-1")
    assert provider.inputs["region"] == "us-east-1"
    certificate = _one(full_site, "aws:acm/certificate:Certificate")
    validation = _one(full_site, "aws:acm/certificateValidation:CertificateValidation")
    for regional in (certificate, validation):
        assert regional.provider.startswith(provider.urn + "::"), regional.name
    assert certificate.inputs["domainName"] == DOMAIN.domain_name
    assert certificate.inputs["validationMethod"] == "DNS"

    (option,) = certificate.outputs["domainValidationOptions"]
    record = full_site.named("site-certificate-validation-record")
    assert record.inputs["zoneId"] == DOMAIN.hosted_zone_id
    assert (record.inputs["name"], record.inputs["type"], record.inputs["records"]) == (
        option["resourceRecordName"],
        option["resourceRecordType"],
        [option["resourceRecordValue"]],
    )
    assert validation.inputs["certificateArn"] == certificate.outputs["arn"]
    assert validation.inputs["validationRecordFqdns"] == [record.outputs["fqdn"]]

    distribution = _one(full_site, DISTRIBUTION)
    assert distribution.inputs["aliases"] == [DOMAIN.domain_name]
    assert distribution.inputs["viewerCertificate"] == {
        "acmCertificateArn": validation.outputs["certificateArn"],
        "sslSupportMethod": "sni-only",
        "minimumProtocolVersion": "TLSv1.2_2021",
    }
    aliases = [r for r in full_site.of_type(RECORD) if r.name.startswith("site-alias-")]
    assert sorted(r.inputs["type"] for r in aliases) == ["A", "AAAA"]
    for alias in aliases:
        assert alias.inputs["name"] == DOMAIN.domain_name
        assert alias.inputs["zoneId"] == DOMAIN.hosted_zone_id
        assert alias.inputs["aliases"] == [
            {
                "name": distribution.outputs["domainName"],
                "zoneId": distribution.outputs["hostedZoneId"],
                "evaluateTargetHealth": False,
            }
        ]
    assert full_site.outputs["origin"] == "https://docs.example.com"


def test_access_logs_are_delivered_to_a_private_bucket(full_site: StackRun) -> None:
    provider = full_site.named("site-us-east-1")
    logs = full_site.named("site-access-logs")
    source = _one(full_site, "aws:cloudwatch/logDeliverySource:LogDeliverySource")
    destination = _one(full_site, "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination")
    delivery = _one(full_site, "aws:cloudwatch/logDelivery:LogDelivery")
    assert source.inputs["resourceArn"] == _one(full_site, DISTRIBUTION).outputs["arn"]
    assert source.inputs["logType"] == "ACCESS_LOGS"
    assert destination.inputs["deliveryDestinationConfiguration"] == {
        "destinationResourceArn": logs.outputs["arn"]
    }
    assert delivery.inputs["deliverySourceName"] == source.outputs["name"]
    assert delivery.inputs["deliveryDestinationArn"] == destination.outputs["arn"]
    for regional in (source, destination, delivery):
        assert regional.provider.startswith(provider.urn + "::"), regional.name

    logs_policy = for_bucket(full_site, "aws:s3/bucketPolicy:BucketPolicy", logs)
    (allow,) = [s for s in statements(policy(logs_policy)) if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert allow["Action"] == "s3:PutObject"
    assert allow["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
    assert logs_policy.urn in delivery.dependencies
    lifecycle = for_bucket(
        full_site, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", logs
    )
    assert lifecycle.inputs["rules"][0]["expiration"] == {"days": 90}


def test_without_access_logs_there_is_no_log_bucket_nor_provider(site: StackRun) -> None:
    assert [b.name for b in site.of_type(BUCKET)] == ["site-assets"]
    assert site.of_type("aws:cloudwatch/logDelivery:LogDelivery") == []
    assert site.of_type("pulumi:providers:aws") == []


def test_every_taggable_resource_is_tagged_and_every_child_named_and_parented(
    full_site: StackRun,
) -> None:
    component = _one(full_site, "doc-agent:index:FrontendSite")
    taggable = [r for r in full_site.resources if r.custom and takes_tags(r.type)]
    assert len(taggable) > len(SITE_FILES)
    for resource in taggable:
        assert resource.tags == {**TAGS, "component": "frontend-site"}, resource.name
    for resource in full_site.resources:
        if resource is not component:
            assert resource.parent == component.urn, resource.name
            assert resource.name.startswith("site-"), resource.name


@pytest.mark.parametrize("built", ["missing", "empty"])
def test_an_unbuilt_site_fails_with_how_to_build_it(
    pulumi_mocks: MockedPulumi, tmp_path: Path, built: str
) -> None:
    site_dir = tmp_path / "out"
    if built == "empty":
        (site_dir / "_next").mkdir(parents=True)
    with pytest.raises(SiteNotBuiltError, match="make site") as raised:
        _deploy(pulumi_mocks, site_dir)
    assert str(site_dir / "index.html") in str(raised.value)
    # Nothing was declared: the program stops before a half-made site.
    assert pulumi_mocks.monitor is not None
    assert pulumi_mocks.monitor.registered == []


def test_each_deploy_keeps_its_release_addressable_for_rollback(site: StackRun) -> None:
    # The bucket keeps object versions (superseded ones expire, but not the last few)
    bucket = site.named("site-assets")
    (versioning,) = site.of_type("aws:s3/bucketVersioning:BucketVersioning")
    assert versioning.inputs["bucket"] == bucket.id
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
    (lifecycle,) = [
        r
        for r in site.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        if r.inputs["bucket"] == bucket.id
    ]
    expiry = lifecycle.inputs["rules"][0]["noncurrentVersionExpiration"]
    assert expiry["newerNoncurrentVersions"] >= 5
    # And a manifest names every file of this release, config.json included
    manifests = [o for o in site.of_type(OBJECT) if o.inputs["key"].startswith(RELEASES_PREFIX)]
    assert len(manifests) == 1
    content = json.loads(manifests[0].inputs["content"])
    assert set(content["objects"]) == set(SITE_FILES)
    assert manifests[0].inputs["key"] == f"{RELEASES_PREFIX}{content['release']}.json"
