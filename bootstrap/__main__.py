"""The bootstrap stack: `make bootstrap-up` once per AWS account, by an admin (README.md)."""

import json
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

# Run from bootstrap/ by the Pulumi CLI: the repository root holds this package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bootstrap.github_deploy import BootstrapArgs, create_github_deploy

config = pulumi.Config()
stacks = json.loads(config.get("stacks") or '["dev", "prod"]')
roles = create_github_deploy(
    BootstrapArgs(
        repository=config.require("repository"),
        stacks=stacks,
        region=pulumi.Config("aws").require("region"),
        account_id=aws.get_caller_identity_output().account_id,
        provider_arn=None
        if config.get_bool("createProvider", True)
        else config.require("providerArn"),
    )
)
# Set each as the GitHub environment variable AWS_DEPLOY_ROLE_ARN (environment <stack>,
# resp. <stack>-preview), with AWS_REGION.
pulumi.export("deployRoleArns", {stack: r.deploy.arn for stack, r in roles.items()})
pulumi.export("previewRoleArns", {stack: r.preview.arn for stack, r in roles.items()})
