"""A body the API cannot read is a 4xx in the API's error shape, never a 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from handlers.core.http.request_body import media_type
from tests.support.events import rest_proxy_event
from tests.support.invocations import function_of, invoking
from tests.support.routes import ApiResult, read_proxy_response

CREATE = {"name": "report.pdf", "contentType": "application/pdf", "size": 1234}


def post_documents(
    lambda_context: Any, body: str, content_type: str | None, *, base64_body: bool = False
) -> ApiResult:
    from handlers import api

    event = rest_proxy_event("POST", "/documents", body=body)
    if content_type is None:
        del event["headers"]["Content-Type"]
        del event["multiValueHeaders"]["Content-Type"]
    else:
        event["headers"]["Content-Type"] = content_type
        event["multiValueHeaders"]["Content-Type"] = [content_type]
    if base64_body:
        event["isBase64Encoded"] = True
    with invoking(function_of(api.lambda_handler)):
        return read_proxy_response(api.lambda_handler(event, lambda_context))


def assert_error(result: ApiResult, status: int, code: str) -> None:
    assert result.status == status, result.body
    assert set(result.body) == {"error"}
    assert result.body["error"]["code"] == code
    assert result.body["error"]["message"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/jsonx"],
)
def test_a_body_in_another_media_type_is_415(aws, lambda_context, content_type):
    result = post_documents(lambda_context, json.dumps(CREATE), content_type)

    assert_error(result, 415, "unsupported_content_type")


def test_form_encoded_bodies_are_415_not_parsed_as_forms(aws, lambda_context):
    result = post_documents(
        lambda_context, "name=a.pdf&size=1", "application/x-www-form-urlencoded"
    )

    assert_error(result, 415, "unsupported_content_type")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "APPLICATION/JSON",
        "application/json; charset=utf-8",
        'Application/Json ; Charset="UTF-8"',
        None,
    ],
)
def test_json_is_accepted_whatever_the_spelling_of_its_media_type(
    aws, lambda_context, content_type
):
    result = post_documents(lambda_context, json.dumps(CREATE), content_type)

    assert result.status == 201, result.body


def test_a_json_body_in_another_charset_is_415(aws, lambda_context):
    result = post_documents(lambda_context, json.dumps(CREATE), "application/json; charset=latin-1")

    assert_error(result, 415, "unsupported_content_type")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "\xff\xfe.pdf", "contentType": "application/pdf", "size": 3}',  # not UTF-8
        b"not base64 at all!",
    ],
)
def test_a_body_that_is_not_utf8_is_400(aws, lambda_context, raw):
    body = base64.b64encode(raw).decode() if raw.startswith(b"{") else raw.decode()

    result = post_documents(lambda_context, body, "application/json", base64_body=True)

    assert_error(result, 400, "invalid_request")


@pytest.mark.parametrize(
    "body", ['{"name": "\ud800.pdf", "contentType": "application/pdf", "size": 3}', "[" * 100_000]
)
def test_lone_surrogates_and_absurd_nesting_are_400(aws, lambda_context, body):
    result = post_documents(lambda_context, body, "application/json")

    assert_error(result, 400, "invalid_request")


@pytest.mark.parametrize("body", ['[{"title": "x"}, 7, null]', "[]", '"x"', "7"])
def test_a_body_that_is_not_a_json_object_is_400(call_agent, aws, lambda_context, body):
    # Powertools alone read `[{...}, ...]` as its first object and created a conversation
    from handlers import agent

    event = rest_proxy_event("POST", "/conversations", body=body)
    with invoking(function_of(agent.lambda_handler)):
        result = read_proxy_response(agent.lambda_handler(event, lambda_context))

    assert_error(result, 400, "invalid_request")


def test_a_base64_utf8_json_body_is_read(aws, lambda_context):
    body = base64.b64encode(json.dumps({**CREATE, "name": "résumé.pdf"}).encode()).decode()

    result = post_documents(lambda_context, body, "application/json", base64_body=True)

    assert result.status == 201, result.body
    assert result.body["document"]["name"] == "résumé.pdf"


def test_the_agent_refuses_the_same_way(call_agent, aws, lambda_context):
    from handlers import agent

    event = rest_proxy_event("POST", "/conversations", body="title=x")
    event["headers"]["Content-Type"] = "text/plain"
    event["multiValueHeaders"]["Content-Type"] = ["text/plain"]
    with invoking(function_of(agent.lambda_handler)):
        result = read_proxy_response(agent.lambda_handler(event, lambda_context))

    assert_error(result, 415, "unsupported_content_type")


def test_media_type_is_case_insensitive_with_parameters():
    assert media_type('APPLICATION/JSON; Charset="UTF-8"') == (
        "application/json",
        {"charset": "UTF-8"},
    )
