"""Every route, from the route table, called by another user with Alice's ids: nothing of
hers leaks.

The routes come from `handlers.core.contracts.routes.ROUTES` and their requests from
`docs/openapi.json` (schemathesis draws valid bodies and queries), so a route added to the
table is covered here without a new test; a path parameter with no sample below fails,
saying which one to add.
"""

from __future__ import annotations

import json
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase

from handlers.core.contracts.routes import ROUTES
from tests.e2e.conftest import User, new_user
from tests.e2e.fuzzing import OPENAPI

EXAMPLES_PER_OPERATION = 4
OPERATIONS = [(route.path, method) for route in ROUTES for method in route.methods]


def alices_values(
    library: dict[str, dict[str, Any]],
    conversation: dict[str, Any],
    answer: dict[str, Any],
) -> dict[str, str]:
    """A real value of Alice's for each path parameter name a route may have."""
    return {
        "documentId": library["pdf"]["documentId"],
        "conversationId": conversation["conversationId"],
        "messageId": answer["messageId"],
        "part": "2",
    }


def secrets_of(
    alice: User,
    library: dict[str, dict[str, Any]],
    conversation: dict[str, Any],
    answer: dict[str, Any],
) -> list[str]:
    """What must never appear in an answer to another user."""
    return [
        library["pdf"]["documentId"],
        library["docx"]["documentId"],
        library["pdf"]["name"],
        conversation["conversationId"],
        answer["messageId"],
        alice.sub,
        alice.email,
        "7319",  # the fact in her PDF
    ]


@pytest.fixture(scope="module")
def mallory(stack: dict[str, Any]) -> User:
    """Another user of this module's own: her requests create things (Bob's lists must stay
    empty for the isolation tests)."""
    return new_user(stack)


@pytest.fixture(scope="module")
def schema() -> Any:
    return schemathesis.openapi.from_dict(json.loads(OPENAPI.read_text()))


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_another_user_gets_nothing_of_alices_from_any_route(
    schema: Any,
    stack: dict[str, Any],
    alice: User,
    mallory: User,
    library: dict[str, dict[str, Any]],
    conversation: dict[str, Any],
    vault_answer: dict[str, Any],
    path: str,
    method: str,
) -> None:
    # Given every path parameter filled with one of Alice's real ids
    values = alices_values(library, conversation, vault_answer)
    parameters = [p[1:-1] for p in path.split("/") if p.startswith("{")]
    missing = [name for name in parameters if name not in values]
    assert not missing, f"add a sample of Alice's for path parameter(s) {missing}"
    operation = schema[path][method]
    fixed = {name: values[name] for name in parameters}
    secrets = secrets_of(alice, library, conversation, vault_answer)
    session = requests.Session()
    replies: list[tuple[int, str]] = []

    # When Mallory calls the route with requests drawn from the API document
    @hypothesis.seed(14)
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(operation.as_strategy(path_parameters=fixed or None))
    def call(case: Any) -> None:
        response = case.call(
            base_url=stack["api_url"], session=session, headers={"Authorization": mallory.api.token}
        )
        replies.append((response.status_code, response.text))

    call()

    # Then no answer carries anything of Alice's, and none is a success on her resources
    assert replies
    for status, text in replies:
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, f"{method} {path} -> {status} leaks {leaked}"
        assert status < 500, f"{method} {path} -> {status}"
        if parameters:
            assert status in (400, 404), f"{method} {path} -> {status}: {text[:200]}"

    # And Alice's documents and conversation are all still there
    assert alice.api.get(f"/documents/{values['documentId']}").status == 200
    assert alice.api.get(f"/conversations/{values['conversationId']}").status == 200


def test_every_route_is_in_the_api_document(schema: Any) -> None:
    documented = {
        (path, method.upper())
        for path, ops in json.loads(OPENAPI.read_text())["paths"].items()
        for method in ops
    }
    assert set(OPERATIONS) <= documented
