"""What the stack's one origin serves, by path."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from handlers.core.contracts.routes import STAGE_NAME
from local.cognito_proxy import CognitoProxy
from local.gateway import ApiGateway
from local.http_types import HttpRequest, HttpResponse
from local.s3_endpoint import S3_PREFIX, S3Endpoint
from local.site import StaticSite

API_PREFIX = f"/{STAGE_NAME}"
COGNITO_PREFIX = "/cognito"


@dataclass(frozen=True)
class SiteConfig:
    """`/config.json`: what the site needs to find the API and sign users in."""

    apiUrl: str
    region: str
    userPoolId: str
    userPoolClientId: str
    cognitoEndpoint: str
    demo: dict[str, object] | None = None
    """The demo user's e-mail and the questions the site suggests to them (`make dev` only)."""


class LocalApp:
    def __init__(
        self,
        config: SiteConfig,
        gateway: ApiGateway,
        cognito: CognitoProxy,
        site: StaticSite,
        s3: S3Endpoint | None = None,
    ) -> None:
        self._config = config
        self._gateway = gateway
        self._cognito = cognito
        self._site = site
        self._s3 = s3

    def handle(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return self._gateway.handle(request, path[len(API_PREFIX) :] or "/")
        if path in (COGNITO_PREFIX, COGNITO_PREFIX + "/"):
            return self._cognito_call(request)
        if self._s3 is not None and path.startswith(S3_PREFIX + "/"):
            return self._s3_call(request, path[len(S3_PREFIX) :])
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(405, [("Allow", "GET, HEAD")], b"")
        if path == "/config.json":
            return HttpResponse.json(200, asdict(self._config), [("Cache-Control", "no-cache")])
        return self._site.handle(path, self._config.apiUrl)

    def _s3_call(self, request: HttpRequest, path: str) -> HttpResponse:
        assert self._s3 is not None
        response = self._s3.handle(request, path)
        # moto adds the bucket's CORS headers; a refusal made here gets the stack's.
        if not any(name.lower() == "access-control-allow-origin" for name, _ in response.headers):
            response.headers += self._gateway.cors_headers(request)
        return response

    def _cognito_call(self, request: HttpRequest) -> HttpResponse:
        # Same origin for the built site; `next dev` on another port needs the preflight.
        cors = self._gateway.cors_headers(request)
        if request.method == "OPTIONS":
            allowed = "Content-Type,X-Amz-Target,X-Amz-User-Agent,Authorization"
            return HttpResponse(
                204,
                [
                    *cors,
                    ("Access-Control-Allow-Methods", "POST,OPTIONS"),
                    ("Access-Control-Allow-Headers", allowed),
                ],
            )
        if request.method != "POST":
            return HttpResponse(405, [("Allow", "POST, OPTIONS")], b"")
        response = self._cognito.handle(request)
        response.headers += cors
        return response
