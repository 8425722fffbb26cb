"""Fuzz the running API from `docs/openapi.json` with schemathesis, seeded and bounded.

Each operation gets `examples` positive cases (valid by the schema) and as many negative
ones (each breaks the schema somewhere), half with the ids of real resources so the
requests reach the handlers' logic rather than stopping at "not found". Every response is
checked: no 5xx, a documented status, the documented content type and a body that
matches the documented schema (for 4xx: the API's error shape); a negative case must be
refused with a 4xx. Failures are collected, not raised, so one run reports them all.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, negative_data_rejection]
_MAX_SAMPLES = 10
# schemathesis' failure types for a response the document does not describe.
_SCHEMA_FAILURES = frozenset(
    {
        "UndefinedStatusCode",
        "UndefinedContentType",
        "MalformedMediaType",
        "JsonSchemaError",
        "MalformedJson",
        "MissingContentType",
        "ContentDeserializationError",
        "DiscriminatorMismatch",
        "MissingHeaders",
    }
)


@dataclass
class FuzzReport:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: int = 0
    leaks: int = 0
    """Responses carrying another user's ids, names or text."""
    failures: Counter[str] = field(default_factory=Counter)
    """Failed checks by check name and operation."""
    samples: list[str] = field(default_factory=list)
    """A few failing requests, to reproduce them."""
    not_generated: list[str] = field(default_factory=list)
    """(operation, mode) pairs schemathesis had no request for."""

    @property
    def schema_violations(self) -> int:
        """Responses that break the document: undocumented status, content type or body."""
        return sum(
            count
            for name, count in self.failures.items()
            if name.split(" ", 1)[0] in _SCHEMA_FAILURES
        )

    @property
    def accepted_invalid(self) -> int:
        """Negative cases (requests the document says are invalid) answered 2xx."""
        return sum(
            count
            for name, count in self.failures.items()
            if name.startswith("AcceptedNegativeData")
        )

    def table(self) -> str:
        lines = [
            f"requests         {self.requests}",
            f"5xx responses    {self.server_errors}",
            f"cross-user leaks {self.leaks}",
            f"schema violations {self.schema_violations}",
            f"invalid accepted {self.accepted_invalid}",
            "statuses         "
            + ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items())),
        ]
        if self.not_generated:
            lines.append(f"nothing to generate for {len(self.not_generated)} operation/mode pairs")
        lines += [f"  {count:5d}  {name}" for name, count in self.failures.most_common()]
        lines += [f"  e.g. {sample}" for sample in self.samples]
        return "\n".join(lines)


def fuzz_api(
    base_url: str,
    token: str,
    known_ids: dict[str, str],
    *,
    examples: int,
    seed: int,
    forbidden: Sequence[str] = (),
    schema_path: Path = OPENAPI,
) -> FuzzReport:
    """Fuzz every operation of the schema at `base_url` (the stage URL) as `token`'s user.

    `known_ids` maps path parameter names to ids of real resources (the caller's, or
    another user's to fuzz across users); a response containing any of `forbidden` (another
    user's ids, names, text) counts as a leak.
    """
    document = json.loads(schema_path.read_text())
    schema = schemathesis.openapi.from_dict(document)
    report = FuzzReport()
    session = requests.Session()
    headers = {"Authorization": token}
    labels = [(path, method.upper()) for path, ops in document["paths"].items() for method in ops]
    # Deletes last: until then the real ids reach the other routes' logic.
    labels.sort(key=lambda label: label[1] == "DELETE")
    for path, method in labels:
        operation = schema[path][method]
        names = [p.name for p in operation.path_parameters]
        real = {name: known_ids[name] for name in names if name in known_ids}
        for mode, checks in (
            (GenerationMode.POSITIVE, POSITIVE_CHECKS),
            (GenerationMode.NEGATIVE, NEGATIVE_CHECKS),
        ):
            variants: list[dict[str, Any] | None] = [None]
            if real and mode is GenerationMode.POSITIVE:
                variants.append(real)
            for fixed in variants:
                strategy = operation.as_strategy(mode, path_parameters=fixed)
                _run(
                    f"{method} {path} {mode.value}",
                    strategy,
                    examples // len(variants),
                    seed,
                    _Target(session, base_url, headers, tuple(forbidden)),
                    checks,
                    report,
                )
    return report


@dataclass(frozen=True)
class _Target:
    session: requests.Session
    base_url: str
    headers: dict[str, str]
    forbidden: tuple[str, ...]


def _run(
    label: str,
    strategy: Any,
    examples: int,
    seed: int,
    target: _Target,
    checks: list[Any],
    report: FuzzReport,
) -> None:
    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=max(1, examples),
        phases=[Phase.explicit, Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis.given(strategy)
    def one(case: Any) -> None:
        try:
            response = case.call(
                base_url=target.base_url,
                session=target.session,
                headers=target.headers,
                timeout=60,
            )
        except requests.RequestException as exc:
            report.failures[f"transport {case.operation.label}: {type(exc).__name__}"] += 1
            return
        report.requests += 1
        report.statuses[response.status_code] += 1
        if response.status_code >= 500:
            report.server_errors += 1
        if any(secret in response.text for secret in target.forbidden):
            report.leaks += 1
            report.samples.append(f"LEAK {case.method} {case.formatted_path}")
        try:
            case.validate_response(response, checks=checks, headers=target.headers)
        except (AssertionError, FailureGroup) as exc:
            for name in _failed_checks(exc, response.status_code):
                report.failures[f"{name} {case.operation.label}"] += 1
            if len(report.samples) < _MAX_SAMPLES:
                report.samples.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code} "
                    f"{response.text[:200]!r} body={str(case.body)[:120]!r} "
                    f"query={case.query!r}"
                )

    try:
        one()
    except Unsatisfiable:
        # Nothing of this kind exists for the operation (e.g. no invalid request for a
        # route without parameters or body): noted, not a failure.
        report.not_generated.append(label)


def _failed_checks(exc: AssertionError | FailureGroup, status: int) -> list[str]:
    """Names of the failed checks in schemathesis' grouped failure (or its one failure)."""
    inner = getattr(exc, "exceptions", None) or [exc]
    names = []
    for failure in inner:
        name = type(failure).__name__
        if name == "ServerError" or status >= 500:
            name = f"server_error_{status}"
        names.append(name)
    return names
