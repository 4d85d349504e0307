"""The OpenAPI document: valid OpenAPI 3.1, complete, and true — schemathesis calls every
operation with generated parameters and checks no answer is a server error and every answer
matches the document."""

from __future__ import annotations

import time
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from showcase.api.http import OPERATIONS
from showcase.api.spec import openapi_path
from showcase.models import CommendationLevel, ExemplarKind, StoryStatus

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(autouse=True)
def generous_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMITS", "100000 per minute")


@pytest.fixture
def world(make_story, make_exemplar, make_commendation, make_world):
    """A little of everything: stories, both kinds of exemplar, a revoked commendation, a draft."""
    world = make_world()
    unit = make_exemplar(name="Hợp tác xã Đồ Sơn", kind=ExemplarKind.COLLECTIVE)
    make_story(slug="ba-lan", title="Bà Lan và nông thôn mới")
    make_story(slug="htx", title="Hợp tác xã", exemplars=[unit], locality=world["old"])
    make_story(slug="nhap", status=StoryStatus.DRAFT)
    make_commendation(exemplar=unit, decision_no="1245/QĐ-UBND", decision_date=date(2023, 5, 19))
    make_commendation(
        exemplar=unit,
        decision_no="88/QĐ-UBND",
        level=CommendationLevel.STATE,
        decision_date=date(2021, 1, 2),
        revoked_decision_no="99/QĐ-UBND",
        revoked_on=date(2022, 1, 5),
        revoked_reason="Sai.",
    )
    return world


def test_document_is_valid_openapi_31(client, world):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*" and response.headers["ETag"]
    document = response.get_json()
    validate(document)  # openapi-spec-validator: raises on any error
    assert document["openapi"] == "3.1.0"
    assert document["servers"][0]["url"] == client.application.config["SITE_URL"]


def test_document_covers_every_route_and_parameter(app, client, world):
    document = client.get("/api/v1/openapi.json").get_json()
    routes = {
        openapi_path(rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == set(document["paths"])
    stories = document["paths"]["/api/v1/stories"]["get"]
    names = {p["name"] for p in stories["parameters"]}
    assert names == {"page", "per_page", "movement", "field", "locality", "year", "kind", "form", "exemplar"}
    commendations = document["paths"]["/api/v1/commendations"]["get"]
    assert {p["name"] for p in commendations["parameters"]} >= {"decision_no", "revoked", "level", "year"}
    summary = document["components"]["schemas"]["StorySummary"]
    assert set(summary["required"]) == set(summary["properties"])  # every field always present
    assert summary["properties"]["published_at"]["format"] == "date-time"
    assert summary["properties"]["cover"]["anyOf"][1] == {"type": "null"}
    for operation in OPERATIONS:
        assert operation.description and operation.summary


def test_answers_match_the_document_schemathesis(app, world):
    """Every operation, generated parameters (bounded): no 5xx, every answer as documented."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    started, operations = time.monotonic(), []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations.append(operation.path)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            # the WSGI transport does not decompress: ask for the plain body (flask-compress)
            case.call_and_validate(
                headers={"Accept-Encoding": "identity"},
                checks=[not_a_server_error, response_schema_conformance],
            )

        check()
    # schemathesis leaves out the document's own address (checked above by the validator)
    assert set(operations) == {openapi_path(op.rule) for op in OPERATIONS} - {"/api/v1/openapi.json"}
    assert time.monotonic() - started < 60
