"""The whole OpenAPI document, exercised in-process by schemathesis: the API keeps its contract."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.web.api.v1 import schemas
from portal.web.api.v1.resources import LISTINGS
from portal.web.app import create_app

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


LISTS = {name: f"/api/v1/{name}" for name in LISTINGS} | {
    "series": "/api/v1/indicators/high_tech_enterprises/series",
    "progress": "/api/v1/progress",
}


@pytest.mark.parametrize("name", LISTS)
def test_lists_are_written_exactly_as_their_schema_would_dump_them(api, name):
    """Lists skip the schema's dump for speed; it would change nothing, down to int or float."""
    body = api.get(LISTS[name] + "?limit=1000").get_json()
    assert body["data"], f"{name} is empty: nothing would be checked"
    dumped = schemas.ROWS[name](many=True).dump(body["data"])
    assert json.dumps(dumped, ensure_ascii=False) == json.dumps(body["data"], ensure_ascii=False)
    for row in body["data"]:
        assert list(row) == list(schemas.ROWS[name]().fields)
    meta = schemas.SeriesMetaSchema() if name == "series" else schemas.MetaSchema()
    envelope = {"meta": meta, "links": schemas.LinksSchema()}
    for part, schema in envelope.items():
        assert schema.validate(body[part]) == {}


@pytest.mark.parametrize("query", ["专利", "patent 2015", "高新技术企业"])
def test_search_is_written_exactly_as_its_schema_would_dump_it(api, query):
    """Search skips the schema's dump for speed too: the dump would change nothing."""
    body = api.get("/api/v1/search", query_string={"q": query, "limit": 100}).get_json()
    assert body["data"], f"nothing found for {query}: nothing would be checked"
    dumped = schemas.SearchSchema().dump(body)
    assert json.dumps(dumped, ensure_ascii=False) == json.dumps(body, ensure_ascii=False)
    assert schemas.SearchSchema().validate(body) == {}
