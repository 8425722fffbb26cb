"""The API's routes and which function serves each: one table for API Gateway and the local stack.

`components/agent_api` declares a resource, methods and a Lambda proxy integration per
route from it; `local/` routes HTTP requests to the same handlers with it. The handlers'
own resolvers must serve exactly these (a test checks the OpenAPI paths against them).
"""

from __future__ import annotations

from dataclasses import dataclass

STAGE_NAME = "api"
"""The stage, and so the first path segment of every API URL."""

CORS_ALLOWED_HEADERS = "Authorization,Content-Type"
"""What a preflight lets the site send: the id token and JSON."""
CORS_MAX_AGE_SECONDS = 600


@dataclass(frozen=True)
class Route:
    function: str
    """The function key: api, agent (ingest has no route)."""
    path: str
    """The resource path template, with `{name}` path parameters."""
    methods: tuple[str, ...]
    public: bool = False
    """No authorizer: API Gateway and the local stack pass the request without a token."""
    operation: str | None = None
    """The OpenAPI operation id; named on a public route's API Gateway method, where the
    guardrails pack (policy/) checks it against the operations it allows without auth."""

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(
            part[1:-1]
            for part in self.path.split("/")
            if part.startswith("{") and part.endswith("}")
        )


ROUTES: tuple[Route, ...] = (
    Route("api", "/documents", ("GET", "POST")),
    Route("api", "/documents/{documentId}", ("GET", "DELETE")),
    # The agent serves it: it already reads derived files (and the api function does not).
    Route("agent", "/documents/{documentId}/parts/{part}", ("GET",)),
    Route("agent", "/conversations", ("GET", "POST")),
    Route("agent", "/conversations/{conversationId}", ("GET", "DELETE")),
    Route("agent", "/conversations/{conversationId}/messages", ("GET", "POST")),
    Route("agent", "/conversations/{conversationId}/messages/{messageId}/feedback", ("PUT",)),
    # Health (i13-ops): no data, cached; the smoke test, the canary and the local stack use it.
    Route("api", "/health", ("GET",), public=True, operation="getHealth"),
)


def is_public(resource: object, method: object) -> bool:
    """Whether API Gateway serves this resource template and method without the authorizer."""
    return any(
        route.public and route.path == resource and method in route.methods for route in ROUTES
    )
