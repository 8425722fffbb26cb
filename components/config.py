"""The stack's settings: one typed model of `Pulumi.<stack>.yaml`, validated before any resource.

Every key lives in the `doc-agent:` namespace except the region (`aws:region`). Structured
values are camelCase, as Pulumi users write them. A bad, missing or unknown key fails the
program with its path and the reason, e.g. `doc-agent:budget.monthlyLimitUsd: must be
greater than 0`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import pulumi
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

PROJECT = "doc-agent"
NAMESPACE = f"{PROJECT}:"
REGION_KEY = "aws:region"
# Keys read outside the model (secrets never enter it as plain values).
SECRET_KEYS = frozenset({"openaiApiKey"})
# The stack that owns account-wide settings unless a stack's config says otherwise.
GATEWAY_ACCOUNT_OWNER = "prod"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$")
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an e-mail address")
    return value


def _origin(value: str) -> str:
    if not _ORIGIN.match(value):
        raise ValueError("must be an origin like https://docs.example.com (no path)")
    return value


def _domain(value: str) -> str:
    if not _DOMAIN.match(value):
        raise ValueError("must be a domain name like docs.example.com")
    return value


def _region(value: str) -> str:
    if not _REGION.match(value):
        raise ValueError("must be an AWS region like eu-west-1")
    return value


Email = Annotated[str, AfterValidator(_email)]
Origin = Annotated[str, AfterValidator(_origin)]
DomainName = Annotated[str, AfterValidator(_domain)]
Region = Annotated[str, AfterValidator(_region)]
# The values CloudWatch Logs accepts for retention.
LogRetentionDays = Literal[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
]  # fmt: skip


class Section(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class DataSettings(Section):
    """The documents bucket and table: how production data is protected."""

    deletion_protection: bool = False
    """Table deletion protection; `protect` and `retain_on_delete` on every data resource."""
    backups: bool = False
    """An AWS Backup plan for the table and the bucket."""
    backup_retention_days: int = Field(default=35, ge=1, le=36500)
    noncurrent_version_days: int = Field(default=30, ge=1, le=3650)
    """Days before a replaced or deleted document version is removed for good."""
    abort_incomplete_upload_days: int = Field(default=1, ge=1, le=30)


class DocumentSettings(Section):
    max_upload_mb: int = Field(default=50, gt=0, le=5000)
    max_pages: int = Field(default=2000, gt=0, le=100_000)
    upload_url_ttl_seconds: int = Field(default=900, ge=60, le=3600)


class FunctionSettings(Section):
    memory_mb: int = Field(ge=128, le=10240)
    timeout_seconds: int = Field(ge=1, le=900)
    reserved_concurrency: int | None = Field(default=None, ge=1)
    """None: use the account's unreserved pool. Opt-in: the account must keep 100 unreserved
    executions, so the sum of reservations + 100 must fit the account's concurrency quota
    (`make preflight` checks it)."""
    max_concurrency: int | None = Field(default=None, ge=2, le=1000)
    """Queue-triggered functions only (ingest): the event source mapping's maximum
    concurrency. Unlike reserved concurrency it never throttles a batch back to the queue,
    where the retry would count towards the DLQ's receive count."""


class AgentFunctionSettings(FunctionSettings):
    reranker: bool = True
    """Rerank the fused passages with the cross-encoder its layer carries
    (`RERANKER_MODEL_DIR`); false: rank as without it, and save its ~150 MB of memory."""


class FunctionsSettings(Section):
    api: FunctionSettings = FunctionSettings(memory_mb=512, timeout_seconds=15)
    agent: AgentFunctionSettings = AgentFunctionSettings(memory_mb=1024, timeout_seconds=29)
    ingest: FunctionSettings = FunctionSettings(memory_mb=2048, timeout_seconds=120)
    snap_start: bool = False
    """SnapStart on published versions, with an alias per function for rollback."""

    @field_validator("api", "agent")
    @classmethod
    def _fits_gateway(cls, value: FunctionSettings) -> FunctionSettings:
        # API Gateway gives up on an integration after 29 s.
        if value.timeout_seconds > 29:
            raise ValueError("timeoutSeconds must be at most 29 (API Gateway's integration limit)")
        if value.max_concurrency is not None:
            raise ValueError("maxConcurrency applies to the queue-triggered ingest function only")
        return value

    @field_validator("ingest")
    @classmethod
    def _never_throttles_the_queue(cls, value: FunctionSettings) -> FunctionSettings:
        # A batch throttled by reserved concurrency goes back to the queue and counts towards
        # maxReceiveCount: a burst of uploads would end in the DLQ, marked FAILED.
        reserved, maximum = value.reserved_concurrency, value.max_concurrency
        if reserved is not None and (maximum is None or reserved < maximum):
            raise ValueError(
                "reservedConcurrency on the queue-triggered ingest function throttles batches "
                "back to the queue (they count towards the DLQ's receive count): set "
                "maxConcurrency instead, or keep reservedConcurrency at least maxConcurrency"
            )
        return value

    def reserved_total(self) -> int:
        """Executions the stack's functions reserve out of the account's concurrency quota."""
        return sum(
            settings.reserved_concurrency or 0 for settings in (self.api, self.agent, self.ingest)
        )


class LlmConfig(Section):
    provider: Literal["openai", "offline"] = "openai"
    chat_model: str = Field(default="gpt-4.1-mini", min_length=1)
    embedding_model: str = Field(default="text-embedding-3-small", min_length=1)
    embedding_dimensions: int = Field(default=256, ge=64, le=3072)
    base_url: str | None = None
    """An OpenAI-compatible endpoint (Azure OpenAI, a gateway); None for api.openai.com."""
    timeout_seconds: float = Field(default=20, gt=0, le=300)
    max_retries: int = Field(default=3, ge=0, le=10)


class QuotaSettings(Section):
    daily_questions: int = Field(default=200, gt=0)
    daily_tokens: int = Field(default=500_000, gt=0)


class ApiConfig(Section):
    throttle_rate_limit: float = Field(default=20, gt=0)
    throttle_burst_limit: int = Field(default=40, gt=0)
    waf: bool = False
    waf_rate_limit: int = Field(default=1000, ge=100)
    """Requests per 5 minutes from one IP before WAF blocks it."""
    manage_gateway_account: bool | None = None
    """Whether this stack owns API Gateway's account-wide CloudWatch role setting (one per
    account and region, shared by every stack there). None: the prod stack owns it."""

    def owns_gateway_account(self, stack: str) -> bool:
        if self.manage_gateway_account is not None:
            return self.manage_gateway_account
        return stack == GATEWAY_ACCOUNT_OWNER


class AuthEmail(Section):
    """Cognito's e-mail (sign-up codes, password resets) sent through SES from your identity."""

    from_address: str = Field(min_length=3)
    """The sender, e.g. `Doc Agent <no-reply@docs.example.com>`; its address must belong to
    `sesIdentity`."""
    ses_identity: str = Field(min_length=3)
    """The verified SES identity: a domain (`docs.example.com`) or an e-mail address."""
    ses_region: Region | None = None
    """The identity's region when not the stack's (Cognito accepts only some regions)."""
    reply_to: Email | None = None

    @field_validator("ses_identity")
    @classmethod
    def _identity(cls, value: str) -> str:
        if not (_EMAIL.match(value) or _DOMAIN.match(value)):
            raise ValueError("must be a domain or an e-mail address verified in SES")
        return value

    @field_validator("from_address")
    @classmethod
    def _sender(cls, value: str) -> str:
        if not _EMAIL.match(sender_address(value)):
            raise ValueError("must be an e-mail address, optionally as `Name <address>`")
        return value

    @model_validator(mode="after")
    def _sender_in_identity(self) -> AuthEmail:
        # SES refuses to send from an address its identity does not cover.
        address = sender_address(self.from_address).lower()
        identity = self.ses_identity.lower()
        covered = address == identity or address.rpartition("@")[2] == identity
        if not covered:
            raise ValueError(f"fromAddress must be an address of the SES identity {identity}")
        return self

    def identity_region(self, stack_region: str) -> str:
        return self.ses_region or stack_region


def sender_address(value: str) -> str:
    """`no-reply@x.com` from `Doc Agent <no-reply@x.com>` (or the value itself)."""
    return value.rsplit("<", 1)[-1].rstrip(">").strip()


class AuthSettings(Section):
    mfa: Literal["OFF", "OPTIONAL", "ON"] = "OPTIONAL"
    deletion_protection: bool = False
    id_token_minutes: int = Field(default=60, ge=5, le=1440)
    access_token_minutes: int = Field(default=60, ge=5, le=1440)
    refresh_token_days: int = Field(default=30, ge=1, le=3650)
    email: AuthEmail | None = None
    """None: Cognito's built-in sender, limited to a few dozen e-mails a day (dev only)."""


class LogSettings(Section):
    retention_days: LogRetentionDays = 14


class AlarmSettings(Section):
    emails: tuple[Email, ...] = ()
    """Who the alarm topic e-mails (each confirms the subscription once)."""
    function_errors: int = Field(default=1, ge=1)
    """Unhandled errors of one function in 5 minutes before its error alarm fires."""
    function_throttles: int = Field(default=1, ge=1)
    """Throttled invocations of one function in 5 minutes before its throttle alarm fires."""
    duration_percent_of_timeout: int = Field(default=85, ge=50, le=100)
    """p99 duration, as a percentage of the function's timeout, that counts as too close."""
    rate_min_requests: int = Field(default=10, ge=1)
    """Requests in 5 minutes below which an error rate is not judged (too few to mean much)."""
    api_error_rate_percent: float = Field(default=1.0, gt=0, le=100)
    api_p99_latency_ms: int = Field(default=5000, gt=0)
    dlq_messages: int = Field(default=1, ge=1)
    oldest_ingest_message_minutes: int = Field(default=15, ge=1)
    llm_error_rate_percent: float = Field(default=5.0, gt=0, le=100)
    daily_token_limit: int = Field(default=2_000_000, gt=0)
    """Tokens per day across all users before the spend alarm fires."""
    feedback_negative_rate_percent: float | None = Field(default=None, gt=0, le=100)
    """👎 as a percentage of rated answers in an hour above which the feedback alarm fires;
    unset (the default): no feedback alarm."""
    feedback_min_ratings: int = Field(default=10, ge=1)
    """Ratings in an hour below which the negative rate is not judged."""


class BudgetSettings(Section):
    monthly_limit_usd: float = Field(gt=0)
    emails: tuple[Email, ...] = ()
    """Defaults to the alarm e-mails when empty."""


class CustomDomain(Section):
    domain_name: DomainName
    hosted_zone_id: str = Field(pattern=r"^Z[A-Z0-9]{1,31}$")


class SiteSettings(Section):
    allowed_origins: tuple[Origin, ...] = ()
    """Extra origins allowed by CORS (the site's own origin is always allowed)."""
    custom_domain: CustomDomain | None = None
    access_logs: bool = False


class CanarySettings(Section):
    """A CloudWatch Synthetics canary on the site and `GET /api/health` (docs/operations.md)."""

    enabled: bool = False
    rate_minutes: int = Field(default=5, ge=1, le=60)
    runtime_version: str = Field(default="syn-python-selenium-14.0", pattern=r"^syn-python-")


class StackConfig(Section):
    """Everything a stack can set. Field names are the config keys in camelCase."""

    region: Region
    data: DataSettings = DataSettings()
    documents: DocumentSettings = DocumentSettings()
    functions: FunctionsSettings = FunctionsSettings()
    llm: LlmConfig = LlmConfig()
    quotas: QuotaSettings = QuotaSettings()
    api: ApiConfig = ApiConfig()
    auth: AuthSettings = AuthSettings()
    logs: LogSettings = LogSettings()
    alarms: AlarmSettings = AlarmSettings()
    budget: BudgetSettings
    site: SiteSettings = SiteSettings()
    canary: CanarySettings = CanarySettings()
    tags: dict[str, str] = Field(default_factory=dict)
    """Extra cost-allocation tags on every resource."""

    @property
    def budget_emails(self) -> tuple[str, ...]:
        return self.budget.emails or self.alarms.emails


class ConfigError(pulumi.RunError):
    """The stack's config is invalid; the message lists every bad key with its path.

    A RunError, so `pulumi up` prints the list alone, without a Python traceback.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stack config:\n  " + "\n  ".join(problems))


def _decode(value: Any) -> Any:
    # Pulumi hands structured values over as JSON text.
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _key_path(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return PROJECT
    head, *rest = loc
    path = REGION_KEY if head == "region" else f"{NAMESPACE}{head}"
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _reason(message: str) -> str:
    message = message.removeprefix("Value error, ")
    message = re.sub(r"^Input should be ", "must be ", message)
    if message == "Field required":
        return "required"
    if message == "Extra inputs are not permitted":
        return "unknown key"
    return message


def parse_config(raw: Mapping[str, Any]) -> StackConfig:
    """Validate namespaced raw config (`{"doc-agent:budget": "{...}", "aws:region": ...}`)."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key == REGION_KEY:
            values["region"] = value
        elif key.startswith(NAMESPACE):
            name = key.removeprefix(NAMESPACE)
            if name in SECRET_KEYS:
                continue
            if name == "region":
                problems.append(f"{key}: unknown key (the region is `aws:region`)")
                continue
            values[name] = _decode(value)
    try:
        config = StackConfig.model_validate(values)
    except ValidationError as exc:
        problems += [f"{_key_path(err['loc'])}: {_reason(err['msg'])}" for err in exc.errors()]
    if problems:
        raise ConfigError(sorted(problems))
    return config


def _raw_stack_config() -> dict[str, Any]:
    from pulumi.runtime import config as runtime_config

    # The SDK has no public "all keys" call; these are where it keeps them.
    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


def read_stack_file(path: Path) -> dict[str, str]:
    """`Pulumi.<stack>.yaml`'s config as Pulumi hands it to the program (JSON for objects).

    For tools that read a stack's config outside Pulumi (the tests, `make preflight`).
    """
    import yaml

    raw = yaml.safe_load(path.read_text()).get("config") or {}
    return {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in raw.items()
    }


def load_config() -> StackConfig:
    """Read and validate the current stack's config; raises ConfigError."""
    return parse_config(_raw_stack_config())


def openai_api_key() -> pulumi.Output[str] | None:
    """The OpenAI key given with `pulumi config set --secret openaiApiKey`, if any."""
    return pulumi.Config(PROJECT).get_secret("openaiApiKey")
