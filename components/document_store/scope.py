"""What every resource group of the DocumentStore is declared with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class StoreScope:
    name: str
    """The component's name: every child is named `{name}-…`."""
    tags: Mapping[str, str]
    child: pulumi.ResourceOptions
    """Options of an ordinary child (parent = the component)."""
    data: pulumi.ResourceOptions
    """Options of a child holding users' data: protected and retained in prod."""
    account_id: pulumi.Output[str]
    region: pulumi.Output[str]
