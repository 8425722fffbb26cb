"""Pulumi mocks that behave like AWS: every resource gets the ids, ARNs and names AWS computes.

The monitor also records each registration (type, name, inputs, parent, protect,
retain_on_delete) so tests can assert properties of everything the program declares.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs

ACCOUNT_ID = "123456789012"


@dataclass
class Registered:
    type: str
    name: str
    urn: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    custom: bool
    parent: str = ""
    protect: bool = False
    retain_on_delete: bool = False
    dependencies: list[str] = field(default_factory=list)
    provider: str = ""
    """The explicit provider reference (`<provider urn>::<id>`), empty for the default one."""

    @property
    def tags(self) -> dict[str, str]:
        return dict(self.inputs.get("tags") or {})


def _service(token: str) -> str:
    # "aws:sqs/queue:Queue" -> "sqs"
    return token.split(":")[1].split("/")[0]


def _physical(name: str) -> str:
    # Pulumi auto-names with a random suffix; a fixed one keeps tests deterministic.
    return re.sub(r"[^A-Za-z0-9-]", "-", name)[:56] + "-a1b2c3d"


class AwsMocks(pulumi.runtime.Mocks):
    def __init__(self, region: str) -> None:
        self.region = region

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        if not args.custom:
            return f"{args.name}-id", inputs
        name = inputs.get("name") or _physical(args.name)
        arn = f"arn:aws:{_service(args.typ)}:{self.region}:{ACCOUNT_ID}:{name}"
        outputs: dict[str, Any] = {"name": name, "arn": arn, **inputs}
        resource_id = f"{name}-id"
        outputs.update(self._specific(args.typ, name, inputs, outputs))
        return outputs.pop("id", resource_id), outputs

    def _specific(
        self, typ: str, name: str, inputs: dict[str, Any], current: dict[str, Any]
    ) -> dict[str, Any]:
        region, account = self.region, ACCOUNT_ID
        if typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or name
            return {
                "id": bucket,
                "bucket": bucket,
                "arn": f"arn:aws:s3:::{bucket}",
                "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
            }
        if typ == "aws:sqs/queue:Queue":
            url = f"https://sqs.{region}.amazonaws.com/{account}/{name}"
            return {"id": url, "url": url}
        if typ == "aws:dynamodb/table:Table":
            return {"id": name, "arn": f"arn:aws:dynamodb:{region}:{account}:table/{name}"}
        if typ == "aws:kms/key:Key":
            key_id = f"{name}-key-id"
            return {
                "id": key_id,
                "keyId": key_id,
                "arn": f"arn:aws:kms:{region}:{account}:key/{key_id}",
            }
        if typ == "aws:iam/role:Role":
            return {"id": name, "arn": f"arn:aws:iam::{account}:role/{name}"}
        if typ == "aws:backup/vault:Vault":
            return {"id": name}
        if typ == "aws:lambda/function:Function":
            arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
            return {
                "id": name,
                "arn": arn,
                "qualifiedArn": f"{arn}:1",
                "invokeArn": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations",
                "version": "1",
            }
        if typ == "aws:lambda/layerVersion:LayerVersion":
            return {"arn": f"arn:aws:lambda:{region}:{account}:layer:{name}:1", "version": "1"}
        if typ == "aws:lambda/alias:Alias":
            fn = inputs.get("functionName", "fn")
            alias_arn = f"arn:aws:lambda:{region}:{account}:function:{fn}:{name}"
            return {
                "arn": alias_arn,
                "invokeArn": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{alias_arn}/invocations",
            }
        if typ == "aws:apigateway/restApi:RestApi":
            api_id = "abc123defg"
            return {
                "id": api_id,
                "rootResourceId": "root123",
                "executionArn": f"arn:aws:execute-api:{region}:{account}:{api_id}",
                "arn": f"arn:aws:apigateway:{region}::/restapis/{api_id}",
            }
        if typ == "aws:apigateway/stage:Stage":
            return {
                "invokeUrl": f"https://abc123defg.execute-api.{region}.amazonaws.com/{inputs.get('stageName')}",
                "arn": f"arn:aws:apigateway:{region}::/restapis/abc123defg/stages/{inputs.get('stageName')}",
                "executionArn": f"arn:aws:execute-api:{region}:{account}:abc123defg/{inputs.get('stageName')}",
            }
        if typ == "aws:cognito/userPool:UserPool":
            pool_id = f"{region}_AbCdEf123"
            return {
                "id": pool_id,
                "arn": f"arn:aws:cognito-idp:{region}:{account}:userpool/{pool_id}",
                "endpoint": f"cognito-idp.{region}.amazonaws.com/{pool_id}",
            }
        if typ == "aws:cognito/userPoolClient:UserPoolClient":
            return {"id": "client1234567890abcdefghij"}
        if typ == "aws:secretsmanager/secret:Secret":
            return {
                "id": f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf",
                "arn": f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf",
            }
        if typ == "aws:sns/topic:Topic":
            return {
                "id": f"arn:aws:sns:{region}:{account}:{name}",
                "arn": f"arn:aws:sns:{region}:{account}:{name}",
            }
        if typ == "aws:cloudwatch/logGroup:LogGroup":
            return {"id": name, "arn": f"arn:aws:logs:{region}:{account}:log-group:{name}"}
        if typ == "aws:cloudfront/distribution:Distribution":
            return {
                "id": "E2ABCDEF123456",
                "domainName": "d111111abcdef8.cloudfront.net",
                "hostedZoneId": "Z2FDTNDATAQYW2",
                "arn": f"arn:aws:cloudfront::{account}:distribution/E2ABCDEF123456",
            }
        if typ == "aws:cloudfront/function:Function":
            return {
                "arn": f"arn:aws:cloudfront::{account}:function/{name}",
                "etag": "ETVPDKIKX0DER",
            }
        if typ in (
            "aws:cloudfront/originAccessControl:OriginAccessControl",
            "aws:cloudfront/cachePolicy:CachePolicy",
            "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
        ):
            return {"id": f"{name}-id", "etag": "E1ABCDEF"}
        if typ == "aws:route53/record:Record":
            return {"id": f"{inputs.get('zoneId')}_{name}_{inputs.get('type')}", "fqdn": name}
        if typ == "aws:cloudwatch/logDeliverySource:LogDeliverySource":
            return {"arn": f"arn:aws:logs:us-east-1:{account}:delivery-source:{name}"}
        if typ == "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
            return {"arn": f"arn:aws:logs:us-east-1:{account}:delivery-destination:{name}"}
        if typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            return {"id": name, "arn": f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}"}
        if typ == "aws:cloudwatch/dashboard:Dashboard":
            dashboard = inputs.get("dashboardName", name)
            return {
                "id": dashboard,
                "dashboardArn": f"arn:aws:cloudwatch::{account}:dashboard/{dashboard}",
            }
        if typ == "aws:budgets/budget:Budget":
            return {
                "id": f"{account}:{name}",
                "accountId": account,
                "arn": f"arn:aws:budgets::{account}:budget/{name}",
            }
        if typ == "aws:wafv2/webAcl:WebAcl":
            return {"arn": f"arn:aws:wafv2:{region}:{account}:regional/webacl/{name}/id"}
        if typ == "aws:acm/certificate:Certificate":
            domain = inputs.get("domainName", "example.com")
            return {
                "arn": f"arn:aws:acm:us-east-1:{account}:certificate/{name}",
                "domainValidationOptions": [
                    {
                        "domainName": domain,
                        "resourceRecordName": f"_x.{domain}.",
                        "resourceRecordType": "CNAME",
                        "resourceRecordValue": "_y.acm-validations.aws.",
                    }
                ],
            }
        return {}

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        # A dict, not a tuple: the SDK's mock monitor cannot iterate a None failure list.
        token = args.token
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/deployer",
                "userId": "AIDAEXAMPLE",
                "id": ACCOUNT_ID,
            }
        if token == "aws:index/getRegion:getRegion":
            return {"name": self.region, "region": self.region, "id": self.region}
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            return {"json": json.dumps({"Version": "2012-10-17", "Statement": []}), "id": "doc"}
        raise NotImplementedError(f"no mock for the call {token}")


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: AwsMocks) -> None:
        super().__init__(mocks)
        self.registered: list[Registered] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            registration = self.resources[response.urn]
            self.registered.append(
                Registered(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    id=registration.id or "",
                    inputs=pulumi.runtime.rpc.deserialize_properties(request.object),
                    outputs=dict(registration.state),
                    custom=bool(request.custom),
                    parent=request.parent,
                    protect=bool(request.protect),
                    retain_on_delete=bool(request.retainOnDelete),
                    dependencies=list(request.dependencies),
                    provider=request.provider,
                )
            )
        return response
