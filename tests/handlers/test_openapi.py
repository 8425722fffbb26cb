"""docs/openapi.json is generated from the routes and must match the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from handlers.core.http.gateway_errors import GATEWAY_STATUSES
from scripts.openapi_document import OpenApiMergeError, openapi_document

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "openapi.py"
COMMITTED = ROOT / "docs" / "openapi.json"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_committed_openapi_document_is_up_to_date():
    result = run_script("--check")

    assert result.returncode == 0, result.stderr + "\nRegenerate with: python scripts/openapi.py"


def test_check_fails_on_a_stale_document(tmp_path):
    stale = tmp_path / "openapi.json"
    stale.write_text(COMMITTED.read_text().replace("createDocument", "oldName"))

    result = run_script("--check", "--output", str(stale))

    assert result.returncode == 1
    assert "stale" in result.stderr


def test_generation_writes_the_document(tmp_path):
    output = tmp_path / "docs" / "openapi.json"

    assert run_script("--output", str(output)).returncode == 0
    assert output.read_text() == COMMITTED.read_text()


def test_document_describes_the_documents_contract():
    document = json.loads(COMMITTED.read_text())

    paths = document["paths"]
    assert set(paths["/documents"]) == {"get", "post"}
    assert set(paths["/documents/{documentId}"]) == {"get", "delete"}
    post = paths["/documents"]["post"]
    assert post["operationId"] == "createDocument"
    assert {"201", "400", "401", "413", "415"} <= set(post["responses"])
    assert "204" in paths["/documents/{documentId}"]["delete"]["responses"]
    schemas = document["components"]["schemas"]
    assert set(schemas["Document"]["properties"]) == {
        "documentId",
        "name",
        "contentType",
        "size",
        "status",
        "failureReason",
        "pages",
        "chunks",
        "characters",
        "createdAt",
        "updatedAt",
    }
    assert set(schemas["CreateDocumentRequest"]["required"]) == {"name", "contentType", "size"}
    assert schemas["ErrorResponse"]["required"] == ["error"]
    # Validation errors are answered as 400 with the common shape, never Powertools' 422
    assert "HTTPValidationError" not in schemas
    assert all("422" not in op["responses"] for ops in paths.values() for op in ops.values())
    assert document["security"] == [{"cognito": []}]
    assert document["components"]["securitySchemes"]["cognito"]["name"] == "Authorization"


def test_every_operation_documents_its_success_response():
    # Powertools lists only the statuses a route passes in `responses`: a route built with
    # error statuses alone would have no success response in the document.
    document = json.loads(COMMITTED.read_text())

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            successes = [status for status in operation["responses"] if status.startswith("2")]
            assert len(successes) == 1, f"{method.upper()} {path}"
            if successes[0] != "204":
                body = operation["responses"][successes[0]]["content"]["application/json"]
                assert "$ref" in body["schema"], f"{method.upper()} {path}"
            assert "_" not in operation["operationId"], f"{method.upper()} {path}"


def test_every_operation_documents_the_gateways_own_errors_in_the_error_shape():
    # The gateway answers 401/403/429/5xx itself, on any route (handlers.core.http.gateway_errors)
    document = json.loads(COMMITTED.read_text())

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {*map(str, GATEWAY_STATUSES), "500"}
            if "requestBody" in operation:
                expected.add("415")
            assert expected <= set(responses), f"{method.upper()} {path}"
            for status in expected:
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}


def test_merging_two_resolvers_with_the_same_route_fails():
    first, second = APIGatewayRestResolver(), APIGatewayRestResolver()

    @first.get("/same")
    def one() -> dict[str, str]:
        return {}

    @second.get("/same")
    def two() -> dict[str, str]:
        return {}

    with pytest.raises(OpenApiMergeError):
        openapi_document([first, second])
