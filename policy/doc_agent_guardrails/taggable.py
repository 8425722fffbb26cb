"""Which resource types take `tags`, as the pulumi-aws SDK declares them."""

from __future__ import annotations

import importlib
import inspect
from functools import cache


@cache
def takes_tags(token: str) -> bool:
    """Whether the pulumi-aws resource behind a type token (`aws:sqs/queue:Queue`) accepts `tags`.

    Read from the SDK class's constructor, so a resource type added by a pulumi-aws upgrade is
    covered without a list to maintain. Tokens of other packages, components and types this SDK
    does not know answer False.
    """
    parts = token.split(":")
    if len(parts) != 3 or parts[0] != "aws":
        return False
    module_name, class_name = parts[1].split("/")[0], parts[2]
    # Python keywords get a trailing underscore in the SDK (aws.lambda_).
    if module_name == "lambda":
        module_name = "lambda_"
    try:
        module = importlib.import_module(f"pulumi_aws.{module_name}")
    except ImportError:
        return False
    cls = getattr(module, class_name, None)
    init = getattr(cls, "_internal_init", None)
    if init is None:
        return False
    return "tags" in inspect.signature(init).parameters
