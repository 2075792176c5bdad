"""The reading pages at national scale, on a small synthetic database: browse by region, compare
a few regions, page through the rest; and the same pages on the curated data."""

import json
import re
import sqlite3
from urllib.parse import parse_qs, urlparse

import pytest

from portal.web.app import create_app
from portal.web.pages.comparison import MAX_REGIONS, ROWS_PER_PAGE
from portal.web.pages.regions import NEWEST_PLANS

# The bound of issue 20 for every reading page; speed is measured by benchmarks/pages.py.
MAX_HTML = 300 * 1024


@pytest.fixture(scope="module")
def national(synthetic_db):
    return create_app({"PORTAL_DB": str(synthetic_db), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def sql(synthetic_db):
    conn = sqlite3.connect(synthetic_db)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert len(response.data) <= MAX_HTML, f"{url} is {len(response.data)} bytes"
    return response.get_data(as_text=True)


def chart_of(page: str) -> dict:
    return json.loads(re.search(r'id="chart-data">(.*?)</script>', page, re.S).group(1))


def chart_datasets(page: str) -> list[dict]:
    """The series the chart draws, panel by panel (a panel per basis)."""
    return [d for panel in chart_of(page)["panels"] for d in panel["datasets"]]


def chart_regions(page: str) -> list[str]:
    """The regions of the chart's series, in order, each once."""
    names = []
    for dataset in chart_datasets(page):
        name = dataset["label"].split(" · ")[0]
        if name not in names:
            names.append(name)
    return names


def table_ids(page: str) -> list[str]:
    table = re.search(r'<table id="points".*?</table>', page, re.S).group(0)
    return re.findall(r'<tr id="([^"]+)"', table)


def busiest_indicator(sql) -> str:
    return sql.execute(
        "SELECT indicator_id FROM series GROUP BY indicator_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]


def test_the_home_page_browses_by_region_and_shows_only_the_newest_plans(national, sql):
    page = html(national, "/?lang=en")
    provinces = sql.execute("SELECT region_code, name_en FROM regions WHERE level = 'province'")
    for code, name in provinces:
        assert f'<a class="top" href="/regions/{code}">{name}</a>' in page
    assert page.count('class="card"') == NEWEST_PLANS
    newest = [
        plan_id
        for (plan_id,) in sql.execute(
            "SELECT plan_id FROM plans ORDER BY published_on DESC, plan_id LIMIT ?", [NEWEST_PLANS]
        )
    ]
    assert re.findall(r'<h3><a href="/plans/([^"]+)"', page) == newest
    # A province's count is that of every plan within it.
    code = "320000"
    within = sql.execute(
        "SELECT count(*) FROM plans WHERE region_code = ? OR region_code IN (SELECT region_code"
        " FROM regions WHERE parent_code = ? OR parent_code IN"
        " (SELECT region_code FROM regions WHERE parent_code = ?))",
        [code, code, code],
    ).fetchone()[0]
    entry = re.search(rf'href="/regions/{code}">Jiangsu</a>\s*<span class="meta">([^<]*)', page)
    assert entry.group(1).startswith(f"{within:,} plan")
    assert 'action="/search"' in page and 'id="home-search"' in page


def test_a_region_page_shows_parent_children_plans_and_indicators(national, sql):
    prefecture = sql.execute(
        "SELECT r.* FROM regions r WHERE level = 'prefecture' AND EXISTS"
        " (SELECT 1 FROM plans p WHERE p.region_code = r.region_code) ORDER BY region_code"
    ).fetchone()
    page = html(national, f"/regions/{prefecture['region_code']}?lang=en")
    parent = sql.execute(
        "SELECT * FROM regions WHERE region_code = ?", [prefecture["parent_code"]]
    ).fetchone()
    assert f'id="parent" href="/regions/{parent["region_code"]}">{parent["name_en"]}<' in page
    children = sql.execute(
        "SELECT region_code FROM regions WHERE parent_code = ? ORDER BY region_code",
        [prefecture["region_code"]],
    ).fetchall()
    subregions = re.search(r'<section id="subregions">.*?</section>', page, re.S).group(0)
    assert re.findall(r'href="/regions/(\d+)"', subregions) == [c[0] for c in children]
    plans = sql.execute(
        "SELECT plan_id FROM plans WHERE region_code = ?", [prefecture["region_code"]]
    ).fetchall()
    listed = re.search(r'<section id="region-plans">.*?</section>', page, re.S).group(0)
    assert sorted(re.findall(r'href="/plans/([^"]+)"', listed)) == sorted(p[0] for p in plans)
    indicators = sql.execute(
        "SELECT DISTINCT indicator_id FROM series WHERE region_code = ?",
        [prefecture["region_code"]],
    ).fetchall()
    shown = re.findall(r'<tr id="indicator-([^"]+)"', page)
    assert sorted(shown) == sorted(i[0] for i in indicators)


def test_a_regions_indicator_shows_its_latest_figure_and_furthest_goal(national, sql):
    code, indicator_id = sql.execute(
        "SELECT region_code, indicator_id FROM series GROUP BY 1, 2"
        " HAVING sum(kind = 'achievement' AND value IS NOT NULL) > 1"
        " AND sum(kind = 'target' AND value IS NOT NULL) > 0 LIMIT 1"
    ).fetchone()
    latest = sql.execute(
        "SELECT point_id FROM series WHERE region_code = ? AND indicator_id = ?"
        " AND kind = 'achievement' ORDER BY year DESC, value IS NOT NULL DESC, point_id DESC",
        [code, indicator_id],
    ).fetchone()[0]
    goal = sql.execute(
        "SELECT point_id FROM series WHERE region_code = ? AND indicator_id = ?"
        " AND kind = 'target' ORDER BY year DESC, value IS NOT NULL DESC, point_id DESC",
        [code, indicator_id],
    ).fetchone()[0]
    page = html(national, f"/regions/{code}?lang=en")
    row = re.search(rf'<tr id="indicator-{indicator_id}">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"#([^\"]+)\">", row) == [latest, goal]
    parent = sql.execute("SELECT parent_code FROM regions WHERE region_code = ?", [code])
    compared = ",".join(c for c in [code, parent.fetchone()[0]] if c)
    assert f'href="/indicators/{indicator_id}?regions={compared}"' in row  # with its parent


def test_a_regions_plans_are_paged(db_path):
    client = create_app(
        {"PORTAL_DB": str(db_path), "TESTING": True, "REGION_PLANS_PER_PAGE": 1}
    ).test_client()
    pages = [html(client, f"/regions/110112?lang=en&page={n}") for n in (1, 2)]
    listed = [
        re.findall(
            r'href="/plans/([^"]+)"',
            re.search(r'<section id="region-plans">.*?</section>', page, re.S).group(0),
        )
        for page in pages
    ]
    # The newest first: the 2024 programme, then the 2016 plan.
    assert listed == [["subcentre-st-doubling-2027"], ["tongzhou-st-13fyp"]]
    assert "Page 1 of 2" in pages[0] and 'rel="next" href="/regions/110112?page=2' in pages[0]
    assert "Page 2 of 2" in pages[1] and 'rel="prev" href="/regions/110112#' in pages[1]


def test_the_indicator_chart_compares_at_most_eight_regions_highest_first(national, sql):
    indicator_id = busiest_indicator(sql)
    page = html(national, f"/indicators/{indicator_id}?lang=en")
    drawn = chart_regions(page)
    assert len(drawn) == MAX_REGIONS
    for panel in chart_of(page)["panels"]:  # figures and goals of each region, a panel a basis
        drawn_points = [d for d in panel["datasets"] if d["kind"] in ("figure", "goal")]
        assert len(drawn_points) <= 2 * MAX_REGIONS
    levels = dict(sql.execute("SELECT name_en, level FROM regions"))
    depth = {"province": 0, "prefecture": 1, "district": 2, "county": 2}
    regions_of = sql.execute(
        "SELECT DISTINCT r.level FROM series s JOIN regions r USING (region_code)"
        " WHERE indicator_id = ?",
        [indicator_id],
    ).fetchall()
    highest = min(depth[level] for (level,) in regions_of)
    assert depth[levels[drawn[0]]] == highest
    assert [depth[levels[name]] for name in drawn] == sorted(depth[levels[n]] for n in drawn)


def test_a_reader_chooses_the_regions_and_the_address_keeps_them(national, sql):
    indicator_id = busiest_indicator(sql)
    codes = [
        code
        for (code,) in sql.execute(
            "SELECT DISTINCT region_code FROM series WHERE indicator_id = ? ORDER BY region_code"
            " LIMIT 10",
            [indicator_id],
        )
    ]
    names = dict(sql.execute("SELECT region_code, name_en FROM regions"))
    # a region whose goals are all in words has no series: the page states them instead
    numeric = {
        code
        for (code,) in sql.execute(
            "SELECT DISTINCT region_code FROM series WHERE indicator_id = ? AND value IS NOT NULL",
            [indicator_id],
        )
    }
    picked = national.get(
        f"/indicators/{indicator_id}?regions={codes[0]}&regions={codes[1]}&add={names[codes[2]]}"
    )
    assert picked.status_code == 302
    target = urlparse(picked.headers["Location"])
    assert parse_qs(target.query)["regions"] == [",".join(codes[:3])]
    page = html(national, f"{target.path}?{target.query}&lang=en")
    assert chart_regions(page) == [names[c] for c in codes[:3] if c in numeric]
    too_many = html(national, f"/indicators/{indicator_id}?regions={','.join(codes)}&lang=en")
    assert chart_regions(too_many) == [names[c] for c in codes[:MAX_REGIONS] if c in numeric]
    assert "At most 8 regions" in too_many
    ticked = "&".join(f"regions={c}" for c in codes)  # the picker's boxes, more than 8
    kept = html(national, national.get(f"/indicators/{indicator_id}?{ticked}").headers["Location"])
    assert chart_regions(kept) == [names[c] for c in codes[:MAX_REGIONS] if c in numeric]
    assert "At most 8 regions" in kept
    unknown = national.get(f"/indicators/{indicator_id}?add=Atlantis&lang=en")
    assert "No region found: Atlantis" in html(national, unknown.headers["Location"])


def test_the_figures_table_is_paged_and_filtered_by_region_and_year(national, sql):
    indicator_id = busiest_indicator(sql)
    every = [
        point_id
        for (point_id,) in sql.execute(
            "SELECT point_id FROM series WHERE indicator_id = ? ORDER BY year, point_id",
            [indicator_id],
        )
    ]
    assert len(every) > ROWS_PER_PAGE
    first = html(national, f"/indicators/{indicator_id}?lang=en")
    second = html(national, f"/indicators/{indicator_id}?page=2&lang=en")
    assert table_ids(first) == every[:ROWS_PER_PAGE]
    assert table_ids(second) == every[ROWS_PER_PAGE : 2 * ROWS_PER_PAGE]
    pages = -(-len(every) // ROWS_PER_PAGE)
    assert f"Page 1 of {pages}" in first and 'rel="next"' in first
    code, year = sql.execute(
        "SELECT region_code, year FROM series WHERE indicator_id = ?"
        " GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1",
        [indicator_id],
    ).fetchone()
    expected = [
        p
        for (p,) in sql.execute(
            "SELECT point_id FROM series WHERE indicator_id = ? AND region_code = ? AND year = ?"
            " ORDER BY year, point_id",
            [indicator_id, code, year],
        )
    ]
    filtered = html(national, f"/indicators/{indicator_id}?region={code}&year={year}")
    assert table_ids(filtered) == expected
    csv_link = re.search(r'id="figures-csv" href="([^"]+)"', filtered).group(1)
    assert csv_link.replace("&amp;", "&") == (
        f"/api/v1/indicators/{indicator_id}/series?format=csv&bom=1"
        f"&region_code={code}&year_from={year}&year_to={year}"
    )
    csv = national.get(csv_link.replace("&amp;", "&"))
    assert csv.status_code == 200
    assert len(csv.get_data(as_text=True).strip().splitlines()) == len(expected) + 1


def test_downloads_hold_a_form_for_any_plan_or_region_not_a_button_a_plan(national, sql):
    page = html(national, "/downloads/?lang=en")
    assert page.count('href="/plans/') <= 20
    assert 'action="/downloads/rows"' in page
    plan_id, code = sql.execute("SELECT plan_id, region_code FROM plans LIMIT 1").fetchone()
    by_plan = national.get(f"/downloads/rows?table=targets&plan={plan_id}")
    assert by_plan.headers["Location"] == (f"/api/v1/targets?plan_id={plan_id}&format=csv&bom=1")
    name = sql.execute("SELECT name_zh FROM regions WHERE region_code = ?", [code]).fetchone()[0]
    by_region = national.get(f"/downloads/rows?table=achievements&region={name}")
    assert by_region.headers["Location"] == (
        f"/api/v1/achievements?region_code={code}&format=csv&bom=1"
    )
    rows = national.get(by_region.headers["Location"]).get_data(as_text=True).splitlines()
    count = sql.execute("SELECT count(*) FROM achievements WHERE region_code = ?", [code])
    assert len(rows) - 1 == count.fetchone()[0]
    nowhere = national.get("/downloads/rows?table=targets&region=Atlantis&lang=en")
    assert nowhere.status_code == 400 and "No region found: Atlantis" in nowhere.get_data(
        as_text=True
    )


def test_the_curated_regions_have_their_pages(api):
    regions = {
        "JJJ": ["bth-innovation-community-2015"],
        "110000": ["beijing-st-work-report-2016"],
        "110112": ["tongzhou-st-13fyp", "subcentre-st-doubling-2027"],
        "120000": [],
        "120115": ["baodi-st-14fyp"],
    }
    for code, plans in regions.items():
        page = api.get(f"/regions/{code}?lang=en").get_data(as_text=True)
        listed = re.search(r'<section id="region-plans">.*?</section>', page, re.S).group(0)
        assert sorted(re.findall(r'href="/plans/([^"]+)"', listed)) == sorted(plans)
    baodi = api.get("/regions/120115?lang=en").get_data(as_text=True)
    assert 'id="parent" href="/regions/120000">Tianjin<' in baodi
    row = re.search(r'<tr id="indicator-high_tech_enterprises">(.*?)</tr>', baodi, re.S).group(1)
    assert "151 enterprises" in row and "(2019)" in row and "280 enterprises" in row
    home = api.get("/?lang=en").get_data(as_text=True)
    assert '<a class="top" href="/regions/JJJ">Beijing-Tianjin-Hebei</a>' in home
    assert api.get("/regions/999999").status_code == 404
    plan = api.get("/plans/baodi-st-14fyp?lang=en").get_data(as_text=True)
    assert '<a href="/regions/120115">Baodi District</a>' in plan


def test_a_curated_indicator_draws_every_region_as_before(api):
    page = api.get("/indicators/high_tech_enterprises?lang=en").get_data(as_text=True)
    assert set(chart_regions(page)) == {"Tongzhou District", "Beijing", "Baodi District"}
    assert len(table_ids(page)) == 6 and 'rel="next"' not in page


def test_a_rebuilt_database_is_browsed_afresh(tmp_path):
    from portal.build.database import build_database
    from portal.synth import synthesize_database

    db = tmp_path / "portal.db"
    build_database(db)
    client = create_app({"PORTAL_DB": str(db), "TESTING": True}).test_client()
    assert '<a class="top" href="/regions/JJJ">' in html(client, "/?lang=en")
    synthesize_database(5, db, tmp_path / "synthetic")  # the same path, a new file
    home = html(client, "/?lang=en")
    assert '<a class="top" href="/regions/JJJ">' not in home
    assert '<a class="top" href="/regions/320000">Jiangsu</a>' in home


def linked_data(page: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    )


def test_the_description_for_search_engines_names_the_top_regions_at_national_scale(national, sql):
    """The compilation's coverage is read once by the build (it reads every figure), and past
    MAX_PLACES regions it names the top regions that hold them, not every county."""
    from portal.build.figures import MAX_PLACES, stored_coverage

    covered = sql.execute("SELECT count(DISTINCT region_code) FROM figures").fetchone()[0]
    assert covered > MAX_PLACES
    stored = stored_coverage(sql)
    tops = {r[0] for r in sql.execute("SELECT region_code FROM regions WHERE parent_code IS NULL")}
    assert stored["regions"] and {code for code, _, _ in stored["regions"]} <= tops
    for url in ("/", "/downloads/"):
        found = linked_data(html(national, url))
        dataset = found["dataset"][0] if "dataset" in found else found
        places = [place["identifier"] for place in dataset["spatialCoverage"]]
        assert places == [code for code, _, _ in stored["regions"]], url


def local(url: str) -> str:
    """An absolute URL of the portal as the test client asks for it."""
    parts = urlparse(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_dcat_catalogue_comes_in_pages_linked_for_harvesters(national, sql):
    """A harvester follows hydra:next from the first page to the last and meets every plan once,
    the compilation on the first page; no page describes more than CATALOG_PAGE plans."""
    import rdflib

    from portal.web.pages.feeds import CATALOG_PAGE

    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    plans = {r[0] for r in sql.execute("SELECT plan_id FROM plans")}
    assert len(plans) > CATALOG_PAGE
    seen, url, pages = [], "/catalog.jsonld", 0
    while url:
        response = national.get(url)
        assert response.status_code == 200 and len(response.data) <= MAX_HTML, url
        graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="json-ld")
        datasets = [str(d) for d in graph.objects(None, dcat.dataset)]
        assert len(datasets) <= CATALOG_PAGE + 1
        seen += datasets
        pages += 1
        following = next(graph.objects(None, hydra.next), None)
        url = local(str(following)) if following else None
    assert pages == -(-len(plans) // CATALOG_PAGE)
    assert len(seen) == len(set(seen)) == len(plans) + 1
    assert {s.rsplit("/plans/", 1)[1].split("#")[0] for s in seen if "/plans/" in s} == plans
    assert national.get(f"/catalog.jsonld?page={pages + 1}").status_code == 404
    assert national.get("/catalog.jsonld?page=x").data == national.get("/catalog.jsonld").data


def test_a_large_sitemap_is_an_index_of_sitemaps(national, sql, monkeypatch):
    import xml.etree.ElementTree as ET

    from portal.web.pages import feeds

    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    whole = ET.fromstring(national.get("/sitemap.xml").data)
    everything = {u.findtext(f"{ns}loc") for u in whole.findall(f"{ns}url")}
    monkeypatch.setattr(feeds, "SITEMAP_PAGES", 1000)
    index = ET.fromstring(national.get("/sitemap.xml").data)
    assert index.tag == f"{ns}sitemapindex"
    parts = [s.findtext(f"{ns}loc") for s in index.findall(f"{ns}sitemap")]
    assert len(parts) == -(-len(everything) // 2 // 1000)
    found = []
    for part in parts:
        page = ET.fromstring(national.get(local(part)).data)
        found += [u.findtext(f"{ns}loc") for u in page.findall(f"{ns}url")]
    assert len(found) == len(set(found)) and set(found) == everything
