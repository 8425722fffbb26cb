"""The WAF web ACL in front of the API stage (prod): AWS managed rules and a rate limit per IP."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
from pulumi_aws import wafv2 as waf

COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet"
MANAGED_RULE_GROUPS = (
    COMMON_RULE_SET,
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
BODY_SIZE_RULE = "SizeRestrictions_BODY"
"""The common rule set's rule that blocks request bodies over 8 KB."""
BODY_SIZE_RULE_LIMIT_BYTES = 8 * 1024
# Rules of the managed groups that only count: the handlers' models bound every field of
# every body, and a long question in a non-Latin script passes 8 KB well under the
# question's character limit (API Gateway itself caps a body at 10 MB).
COUNTED_RULES: dict[str, tuple[str, ...]] = {COMMON_RULE_SET: (BODY_SIZE_RULE,)}


def _visibility(metric: str) -> waf.WebAclRuleVisibilityConfigArgs:
    return waf.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def _count_only(
    rule: str,
) -> waf.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs:
    return waf.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(
        name=rule,
        action_to_use=waf.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
            count=waf.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
        ),
    )


def _managed_rule(group: str, priority: int) -> waf.WebAclRuleArgs:
    return waf.WebAclRuleArgs(
        name=group,
        priority=priority,
        override_action=waf.WebAclRuleOverrideActionArgs(
            # The SDK's field-less args classes have an unannotated __init__.
            none=waf.WebAclRuleOverrideActionNoneArgs()  # type: ignore[no-untyped-call]
        ),
        statement=waf.WebAclRuleStatementArgs(
            managed_rule_group_statement=waf.WebAclRuleStatementManagedRuleGroupStatementArgs(
                vendor_name="AWS",
                name=group,
                rule_action_overrides=[_count_only(rule) for rule in COUNTED_RULES.get(group, ())]
                or None,
            )
        ),
        visibility_config=_visibility(group),
    )


def create_firewall(
    name: str,
    stage_arn: pulumi.Input[str],
    rate_limit: int,
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> aws.wafv2.WebAcl:
    child = pulumi.ResourceOptions(parent=parent)
    rules = [_managed_rule(group, priority) for priority, group in enumerate(MANAGED_RULE_GROUPS)]
    rules.append(
        waf.WebAclRuleArgs(
            name="rate-limit-per-ip",
            priority=len(MANAGED_RULE_GROUPS),
            action=waf.WebAclRuleActionArgs(block=waf.WebAclRuleActionBlockArgs()),
            statement=waf.WebAclRuleStatementArgs(
                rate_based_statement=waf.WebAclRuleStatementRateBasedStatementArgs(
                    limit=rate_limit, aggregate_key_type="IP"
                )
            ),
            visibility_config=_visibility("rate-limit-per-ip"),
        )
    )
    acl = aws.wafv2.WebAcl(
        f"{name}-waf",
        aws.wafv2.WebAclArgs(
            scope="REGIONAL",
            default_action=waf.WebAclDefaultActionArgs(allow=waf.WebAclDefaultActionAllowArgs()),
            rules=rules,
            visibility_config=waf.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True,
                metric_name=f"{name}-waf",
                sampled_requests_enabled=True,
            ),
            tags=tags,
        ),
        opts=child,
    )
    aws.wafv2.WebAclAssociation(
        f"{name}-waf-association", resource_arn=stage_arn, web_acl_arn=acl.arn, opts=child
    )
    return acl
