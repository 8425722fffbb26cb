"""FrontendSite's custom domain: a DNS-validated ACM certificate in us-east-1 and alias records."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.config import CustomDomain


def validated_certificate(
    name: str,
    domain: CustomDomain,
    *,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    us_east_1: pulumi.ResourceOptions,
) -> pulumi.Output[str]:
    """The ARN of a certificate for the domain, available once Route 53 has validated it."""
    certificate = aws.acm.Certificate(
        f"{name}-certificate",
        domain_name=domain.domain_name,
        validation_method="DNS",
        tags=dict(tags),
        opts=us_east_1,
    )
    # One domain, so exactly one validation record: no resources created inside apply().
    option = certificate.domain_validation_options.apply(lambda options: options[0])
    record = aws.route53.Record(
        f"{name}-certificate-validation-record",
        zone_id=domain.hosted_zone_id,
        name=option.apply(lambda o: o.resource_record_name),
        type=option.apply(lambda o: o.resource_record_type),
        records=[option.apply(lambda o: o.resource_record_value)],
        ttl=60,
        allow_overwrite=True,
        opts=opts,
    )
    validation = aws.acm.CertificateValidation(
        f"{name}-certificate-validation",
        certificate_arn=certificate.arn,
        validation_record_fqdns=[record.fqdn],
        opts=us_east_1,
    )
    arn: pulumi.Output[str] = validation.certificate_arn
    return arn


def alias_records(
    name: str,
    domain: CustomDomain,
    distribution: aws.cloudfront.Distribution,
    *,
    opts: pulumi.ResourceOptions,
) -> None:
    """A and AAAA aliases of the domain to the distribution (IPv6 is on)."""
    for record_type in ("A", "AAAA"):
        aws.route53.Record(
            f"{name}-alias-{record_type.lower()}",
            zone_id=domain.hosted_zone_id,
            name=domain.domain_name,
            type=record_type,
            aliases=[
                {
                    "name": distribution.domain_name,
                    "zone_id": distribution.hosted_zone_id,
                    "evaluate_target_health": False,
                }
            ],
            opts=opts,
        )
