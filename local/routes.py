"""The REST API's resources and the function behind each, as the API Gateway deploys them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    resource: str
    """The resource template, e.g. `/documents/{documentId}`."""
    function: str

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.resource))
        return re.compile(f"^{regex}$")


ROUTES: tuple[Route, ...] = (
    Route("/documents", "api"),
    Route("/documents/{documentId}", "api"),
    Route("/conversations", "agent"),
    Route("/conversations/{conversationId}", "agent"),
    Route("/conversations/{conversationId}/messages", "agent"),
)


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    path_parameters: dict[str, str]


def match_route(path: str) -> RouteMatch | None:
    """The route of a stage-relative path (`/documents/01J...`), or None."""
    for route in ROUTES:
        found = route.pattern.match(path)
        if found:
            return RouteMatch(route=route, path_parameters=found.groupdict())
    return None
