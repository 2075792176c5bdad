"""The whole OpenAPI document, exercised in-process by schemathesis: the API keeps its contract."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.app import create_app

# The document's paths, read once so that each operation is a test of its own.
PATHS = sorted(create_app().test_client().get("/api/v1/openapi.json").json["paths"])


@pytest.fixture(scope="module")
def api_schema(db_path):
    app = create_app({"PORTAL_DB": str(db_path)})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("path", PATHS)
def test_every_operation_keeps_the_contract(api_schema, path):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        # A cursor is opaque: only the ones the API hands out in links are valid, so a random
        # string that fits the document's type is rightly refused.
        opaque = case.query and "cursor" in case.query
        case.call_and_validate(excluded_checks=[positive_data_acceptance] if opaque else [])

    check()
