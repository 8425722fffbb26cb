"""A query parameter the route does not take is a 400, not silently ignored."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("query", [{"limt": "5"}, {"limit": "5", "user": "someone-else"}])
def test_an_unknown_query_parameter_is_400(call_api, query):
    result = call_api("GET", "/documents", query=query)

    assert result.status == 400
    assert result.body["error"]["code"] == "unknown_query_parameter"
    assert "limt" in result.body["error"]["message"] or "user" in result.body["error"]["message"]


def test_the_routes_own_parameters_are_accepted(call_api):
    assert call_api("GET", "/documents", query={"limit": "5"}).status == 200
    assert call_api("GET", "/documents").status == 200


def test_a_route_without_query_parameters_takes_none(call_api):
    result = call_api("GET", "/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV", query={"download": "1"})

    assert result.status == 400
    assert result.body["error"]["code"] == "unknown_query_parameter"


def test_the_agent_refuses_them_too(call_agent):
    assert call_agent("GET", "/conversations", query={"limit": "2"}).status == 200
    result = call_agent("GET", "/conversations", query={"sort": "oldest"})

    assert result.status == 400
    assert result.body["error"]["code"] == "unknown_query_parameter"
