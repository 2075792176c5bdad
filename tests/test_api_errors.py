"""API v1 errors: one problem+json shape, pinned whole for every kind of error."""

import pytest

PROBLEM = "application/problem+json"


def bad_request(detail_fields: str, errors: dict) -> dict:
    return {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": f"Invalid query parameter(s): {detail_fields}.",
        "errors": errors,
    }


@pytest.mark.parametrize(
    "url, body",
    [
        (  # an unknown parameter
            "/api/v1/targets?colour=red",
            bad_request("colour", {"colour": ["Unknown field."]}),
        ),
        (  # a malformed value
            "/api/v1/targets?year_from=soon",
            bad_request("year_from", {"year_from": ["Not a valid integer."]}),
        ),
        (  # a malformed item of a comma list
            "/api/v1/targets?target_year=2025,soon",
            bad_request("target_year", {"target_year": ["item 2: Not a valid integer."]}),
        ),
        (  # a limit over the maximum
            "/api/v1/targets?limit=1001",
            bad_request(
                "limit",
                {"limit": ["Must be greater than or equal to 1 and less than or equal to 1000."]},
            ),
        ),
        (  # an unknown sort column
            "/api/v1/targets?sort=-source_quote",
            bad_request(
                "sort",
                {
                    "sort": [
                        "Cannot sort by 'source_quote'; sortable: target_id, target_year, "
                        "plan_id, indicator_id, region_code."
                    ]
                },
            ),
        ),
        (  # a cursor the API did not give out
            "/api/v1/targets?cursor=bm9wZQ",
            bad_request("cursor", {"cursor": ["Not a cursor from links.next or links.prev."]}),
        ),
        (  # a parameter given twice, which would otherwise be half read
            "/api/v1/targets?plan_id=baodi-st-14fyp&plan_id=tongzhou-st-13fyp",
            bad_request(
                "plan_id",
                {"plan_id": ["Give this parameter once; separate several values with commas."]},
            ),
        ),
        (  # several at once: each is named
            "/api/v1/achievements?colour=red&limit=0&sort=value,colour",
            bad_request(
                "colour, limit, sort",
                {
                    "colour": ["Unknown field."],
                    "limit": ["Must be greater than or equal to 1 and less than or equal to 1000."],
                    "sort": [
                        "Cannot sort by 'colour'; sortable: achievement_id, period_end, "
                        "period_start, plan_id, indicator_id, region_code, value."
                    ],
                },
            ),
        ),
        (  # search needs words
            "/api/v1/search?q=",
            bad_request("q", {"q": ["Length must be between 1 and 200."]}),
        ),
    ],
)
def test_a_bad_query_is_a_400_problem_naming_each_bad_field(api, url, body):
    response = api.get(url)
    assert (response.status_code, response.content_type) == (400, PROBLEM)
    assert response.json == body


@pytest.mark.parametrize(
    "url, detail",
    [
        ("/api/v1/targets/no-such-target", "No target has target_id 'no-such-target'."),
        ("/api/v1/programs/no-such-programme", "No program has program_id 'no-such-programme'."),
        ("/api/v1/regions/999999", "No region has region_code '999999'."),
        ("/api/v1/indicators/nothing/series", "No indicator has indicator_id 'nothing'."),
    ],
)
def test_an_unknown_id_is_a_404_problem(api, url, detail):
    response = api.get(url)
    assert (response.status_code, response.content_type) == (404, PROBLEM)
    assert response.json == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": detail,
    }


@pytest.mark.parametrize(
    "url, headers, detail",
    [
        ("/api/v1/targets?format=xml", {}, "Format 'xml' is not offered; use json or csv."),
        (
            "/api/v1/plans/baodi-st-14fyp?format=xlsx",
            {},
            "Format 'xlsx' is not offered; use json or csv.",
        ),
        (
            "/api/v1/search?q=专利",
            {"Accept": "application/xml"},
            "Only application/json and text/csv are offered.",
        ),
        ("/api/v1/?format=csv", {}, "Format 'csv' is not offered; use json."),
        ("/api/v1/", {"Accept": "text/csv"}, "Only application/json is offered."),
    ],
)
def test_an_unsupported_format_is_a_406_problem(api, url, headers, detail):
    response = api.get(url, headers=headers)
    assert (response.status_code, response.content_type) == (406, PROBLEM)
    assert response.json == {
        "type": "about:blank",
        "title": "Not Acceptable",
        "status": 406,
        "detail": detail,
    }


def test_a_wrong_method_is_a_405_problem(api):
    response = api.delete("/api/v1/plans/baodi-st-14fyp")
    assert (response.status_code, response.content_type) == (405, PROBLEM)
    assert response.json == {
        "type": "about:blank",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": "The method is not allowed for the requested URL.",
    }


def test_every_error_is_documented_as_problem_json(api):
    spec = api.get("/api/v1/openapi.json").json
    for name in ("BAD_REQUEST", "NOT_FOUND", "NOT_ACCEPTABLE", "DEFAULT_ERROR"):
        content = spec["components"]["responses"][name]["content"]
        assert content == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in spec["paths"].items():
        assert {"400", "406", "default"} <= set(operations["get"]["responses"]), path


SHAPES = [
    "/api/v1/targets",
    "/api/v1/targets?region_code=110112&target_year=2025",
    "/api/v1/targets?limit=0&colour=red",
    "/api/v1/targets?target_year=2025,soon&sort=-target_year",
    "/api/v1/targets?plan_id=a&plan_id=b&limit=3",
    "/api/v1/achievements?sort=value,colour&format=csv",
    "/api/v1/programs?q=人才&limit=2",
    "/api/v1/search",
    "/api/v1/search?q=专利&kind=target,plan&limit=5",
    "/api/v1/search?q=专利&kind=nothing",
    "/api/v1/indicators/high_tech_enterprises/series?year_from=2015&year_to=x",
    "/api/v1/progress?status=met&limit=1",
]


@pytest.mark.parametrize("url", SHAPES)
def test_a_query_loads_alike_through_its_limited_schema_and_its_whole_one(api, monkeypatch, url):
    """QuerySchema.load reads only the fields a request names (and those with a default or
    required): the answer, or each error, is what the whole schema gives."""
    from marshmallow import Schema

    from portal.web.api.v1.schemas import QuerySchema

    limited = api.get(url)
    monkeypatch.setattr(QuerySchema, "load", Schema.load)
    whole = api.get(url)
    assert (limited.status_code, limited.data) == (whole.status_code, whole.data)
