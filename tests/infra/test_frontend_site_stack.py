"""FrontendSite as the program wires it, for both stacks: the real endpoints, the real origin."""

from __future__ import annotations

import json

from components.config import parse_config
from policy.doc_agent_guardrails.values import statements
from tests.infra.program import StackRun, stack_config
from tests.infra.pulumi_mocks import Registered
from tests.infra.resources import policy

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


def _one(run: StackRun, token: str) -> Registered:
    (found,) = run.of_type(token)
    return found


def _site_origin(run: StackRun) -> str:
    domain: str = _one(run, DISTRIBUTION).outputs["domainName"]
    return f"https://{domain}"


def test_the_csp_names_the_api_cognito_and_the_documents_bucket(stack: StackRun) -> None:
    region = parse_config(stack_config(stack.stack)).region
    # The origin of the stage URL the site calls.
    api = _one(stack, "aws:apigateway/stage:Stage").outputs["invokeUrl"].rsplit("/", 1)[0]
    documents = stack.named("store-documents").outputs["bucket"]
    headers = _one(stack, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    csp = headers.inputs["securityHeadersConfig"]["contentSecurityPolicy"]["contentSecurityPolicy"]
    (connect,) = [d.split()[1:] for d in csp.split(";") if d.split()[0] == "connect-src"]
    assert sorted(connect) == sorted(
        [
            "'self'",
            api,
            f"https://cognito-idp.{region}.amazonaws.com",
            f"https://{documents}.s3.{region}.amazonaws.com",
        ]
    )


def test_config_json_points_the_site_at_this_stack(stack: StackRun) -> None:
    settings = parse_config(stack_config(stack.stack))
    region = settings.region
    (config,) = [
        o
        for o in stack.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
        if o.inputs["key"] == "config.json"
    ]
    stage = _one(stack, "aws:apigateway/stage:Stage")
    pool = _one(stack, "aws:cognito/userPool:UserPool")
    assert json.loads(config.inputs["content"]) == {
        "apiUrl": stage.outputs["invokeUrl"],
        "region": region,
        "userPoolId": pool.outputs["endpoint"].rsplit("/", 1)[-1],
        "userPoolClientId": stack.outputs["userPoolClientId"],
        "cognitoEndpoint": f"https://cognito-idp.{region}.amazonaws.com/",
        # The site checks sizes before uploading against the stack's own limit.
        "maxUploadBytes": settings.documents.max_upload_mb * 1024 * 1024,
    }
    assert stack.outputs["siteUrl"] == _site_origin(stack) + "/"


def test_the_site_origin_reaches_the_cors_of_the_bucket(stack: StackRun) -> None:
    cors = stack.by_input(
        "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
        "bucket",
        stack.named("store-documents").outputs["bucket"],
    )
    (rule,) = cors[0].inputs["corsRules"]
    assert _site_origin(stack) in rule["allowedOrigins"]


def test_the_site_bucket_is_readable_by_this_distribution_only(stack: StackRun) -> None:
    bucket = stack.named("site-assets")
    (bucket_policy,) = stack.by_input(
        "aws:s3/bucketPolicy:BucketPolicy", "bucket", bucket.outputs["bucket"]
    )
    (allow,) = [s for s in statements(policy(bucket_policy)) if s["Effect"] == "Allow"]
    assert allow["Condition"] == {
        "StringEquals": {"AWS:SourceArn": _one(stack, DISTRIBUTION).outputs["arn"]}
    }


def test_prod_keeps_access_logs_dev_does_not(stack: StackRun) -> None:
    deliveries = stack.of_type("aws:cloudwatch/logDelivery:LogDelivery")
    assert len(deliveries) == (1 if stack.stack == "prod" else 0)
