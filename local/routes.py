"""Match a request path against the API's routes (`handlers.core.contracts.routes`, which the API
Gateway component declares too)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from handlers.core.contracts.routes import ROUTES, Route


@cache
def _pattern(path: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
    return re.compile(f"^{regex}$")


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    path_parameters: dict[str, str]


def match_route(path: str) -> RouteMatch | None:
    """The route of a stage-relative path (`/documents/01J...`), or None."""
    for route in ROUTES:
        found = _pattern(route.path).match(path)
        if found:
            return RouteMatch(route=route, path_parameters=found.groupdict())
    return None
