"""Datasette behind the portal: the tables with their metadata, facets and links, read-only."""

import html


def test_the_api_and_datasette_answer_on_one_application(portal):
    assert portal.get("/api/v1/plans").json()["meta"]["total"] == 5
    assert portal.get("/portal/targets.json").status_code == 200


def test_the_targets_table_shows_its_metadata_and_facets(portal):
    response = portal.get("/portal/targets")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "目标 · Targets" in page
    assert "Quantified or stated goals of a plan for a year." in page
    assert "CC BY 4.0" in page
    for column in ("plan_id", "region_code", "indicator_id", "target_year"):
        assert f'data-column="{column}"' in page, f"no facet on {column}"


def test_a_target_links_to_its_plan_and_indicator(portal):
    row = portal.get(
        "/portal/targets.json?_shape=array&_size=1&plan_id=subcentre-st-doubling-2027"
    ).json()[0]
    page = portal.get(f"/portal/targets?target_id={row['target_id']}").text
    assert '<a href="/portal/plans/subcentre-st-doubling-2027">' in page
    assert f'<a href="/portal/indicators/{row["indicator_id"]}">' in page


def test_a_plan_lists_the_tables_that_point_to_it(portal):
    page = portal.get("/portal/plans/subcentre-st-doubling-2027").text
    assert 'href="/portal/targets?plan_id=subcentre-st-doubling-2027"' in page


def test_column_descriptions_come_from_the_table_schema(portal):
    metadata = portal.get("/-/metadata.json").json()
    columns = metadata["databases"]["portal"]["tables"]["targets"]["columns"]
    assert columns["comparator"].startswith("比较方式 · Comparator: How the value bounds the goal")


def test_the_database_is_served_immutable(portal):
    databases = portal.get("/-/databases.json").json()
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("portal", False)]


def test_table_titles_and_column_descriptions_are_bilingual(portal):
    import re

    tables = portal.get("/-/metadata.json").json()["databases"]["portal"]["tables"]
    for name, table in tables.items():
        if table.get("hidden"):
            continue
        title = table["title"]
        assert re.search(r"[\u4e00-\u9fff]", title) and re.search("[A-Za-z]", title)
        for column, description in table.get("columns", {}).items():
            assert re.match(r"[\u4e00-\u9fff（）]+ · [A-Z]", description), (name, column)


def test_every_column_of_every_table_shown_has_a_bilingual_description(portal, db_path):
    import re
    import sqlite3

    tables = portal.get("/-/metadata.json").json()["databases"]["portal"]["tables"]
    conn = sqlite3.connect(db_path)
    shown = [t["name"] for t in portal.get("/portal.json").json()["tables"] if not t["hidden"]]
    shown += [v["name"] for v in portal.get("/portal.json").json()["views"]]
    assert {"targets", "progress", "series"} <= set(shown)
    for name in shown:
        description = tables[name]["description"]
        assert re.search(r"[\u4e00-\u9fff]", description) and re.search("[A-Za-z]{4}", description)
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({name})")]
        described = tables[name].get("columns", {})
        for column in columns:
            assert column in described, (name, column)
            assert re.match(r"[\u4e00-\u9fff（）]+ · [A-Z]", described[column]), (name, column)
