"""The WAF web ACL in front of the API stage (prod): AWS managed rules and a rate limit per IP."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)


def _visibility(metric: str) -> dict[str, object]:
    return {
        "cloudwatch_metrics_enabled": True,
        "metric_name": metric,
        "sampled_requests_enabled": True,
    }


def create_firewall(
    name: str,
    stage_arn: pulumi.Input[str],
    rate_limit: int,
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> aws.wafv2.WebAcl:
    child = pulumi.ResourceOptions(parent=parent)
    rules: list[dict[str, object]] = [
        {
            "name": group,
            "priority": priority,
            "override_action": {"none": {}},
            "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
            "visibility_config": _visibility(group),
        }
        for priority, group in enumerate(MANAGED_RULE_GROUPS)
    ]
    rules.append(
        {
            "name": "rate-limit-per-ip",
            "priority": len(MANAGED_RULE_GROUPS),
            "action": {"block": {}},
            "statement": {
                "rate_based_statement": {"limit": rate_limit, "aggregate_key_type": "IP"}
            },
            "visibility_config": _visibility("rate-limit-per-ip"),
        }
    )
    acl = aws.wafv2.WebAcl(
        f"{name}-waf",
        scope="REGIONAL",
        default_action={"allow": {}},
        rules=rules,
        visibility_config=_visibility(f"{name}-waf"),
        tags=tags,
        opts=child,
    )
    aws.wafv2.WebAclAssociation(
        f"{name}-waf-association", resource_arn=stage_arn, web_acl_arn=acl.arn, opts=child
    )
    return acl
