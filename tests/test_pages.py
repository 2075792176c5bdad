"""The reading pages, in process: what each shows, in both languages, safely escaped."""

import csv
import json
import re
import shutil
import sqlite3
from html.parser import HTMLParser

import pytest

from portal.build.database import build_database
from portal.web.app import create_app


def text(response) -> str:
    return response.get_data(as_text=True)


def test_home_lists_the_five_plans_with_their_counts(api, db_path):
    page = text(api.get("/?lang=en"))
    conn = sqlite3.connect(db_path)
    for (plan_id,) in conn.execute("SELECT plan_id FROM plans"):
        assert f'href="/plans/{plan_id}"' in page
        targets = conn.execute(
            "SELECT count(*) FROM targets WHERE plan_id = ?", [plan_id]
        ).fetchone()[0]
        assert f"{targets} target{'' if targets == 1 else 's'} · " in page
    assert page.count('class="card"') == 5
    assert (
        'action="/search"' in page
        and 'href="/downloads/"' in page
        and 'href="/api/v1/docs"' in page
    )


def test_a_plan_page_shows_its_citation_targets_and_programme_tree(api):
    page = text(api.get("/plans/subcentre-st-doubling-2027?lang=zh"))
    assert "通政发〔2024〕19号" in page
    assert 'id="sc27-t002"' in page and "1500家" in page
    assert page.count('class="level-pillar"') == 6  # five task groups and the safeguards
    assert page.count('class="level-task"') >= 20
    assert "强化名校院所集聚" in page


def test_progress_is_shown_against_each_target(api):
    page = text(api.get("/plans/baodi-st-14fyp?lang=en"))
    row = re.search(r'<tr id="bd14-t002">(.*?)</tr>', page, re.S).group(1)
    assert "151" in row and "(2019)" in row and "On track" in row


def test_the_indicator_page_carries_a_chart_of_every_region(api):
    page = text(api.get("/indicators/high_tech_enterprises?lang=en"))
    chart = json.loads(re.search(r'id="chart-data">(.*?)</script>', page, re.S).group(1))
    regions = {d["label"].split(" · ")[0] for d in chart["datasets"]}
    assert {"Tongzhou District", "Beijing", "Baodi District"} <= regions
    baodi = [d for d in chart["datasets"] if d["label"].startswith("Baodi")]
    assert [(p["x"], p["y"]) for d in baodi for p in d["data"]] == [
        (2015, 58),
        (2019, 151),
        (2025, 280),
    ]
    assert page.count('<tr id="') == 6  # the text alternative: every point in a table


def test_the_language_is_chosen_remembered_and_formats_numbers(api):
    english = api.get("/plans/subcentre-st-doubling-2027?lang=en")
    assert "lang=en" in english.headers["Set-Cookie"]
    assert "Targets" in text(english) and "≥ 1,500 enterprises" not in text(english)
    assert "over 1,500 enterprises" in text(english)  # 突破1500家
    remembered = text(api.get("/indicators/high_tech_enterprises"))  # the cookie is kept
    assert '<html lang="en">' in remembered
    chinese = text(api.get("/indicators/high_tech_enterprises?lang=zh"))
    assert '<html lang="zh-Hans">' in chinese and "1,500 家" in chinese


@pytest.mark.parametrize(
    "unit, one",
    [
        ("enterprises", "enterprise"),
        ("laboratories", "laboratory"),
        ("branches", "branch"),
        ("maker spaces", "maker space"),
        ("people per township or village", "person per township or village"),
        ("patents per 10 000 residents", "patent per 10 000 residents"),
        ("institution-visits", "institution-visit"),
        ("headquarters", "headquarters"),
        ("100 million yuan", "100 million yuan"),
        ("yuan per resident", "yuan per resident"),
        ("% of GDP", "% of GDP"),
        ("mu (1 mu = 1/15 hectare)", "mu (1 mu = 1/15 hectare)"),
        ("norms and standards", "norms and standards"),
    ],
)
def test_an_english_unit_for_one(unit, one):
    from portal.web.i18n import singular

    assert singular(unit) == one


def test_english_counts_and_units_agree_in_number(api):
    home = text(api.get("/?lang=en"))
    assert "0 targets · 104 achievements · 67 programmes" in home  # the 2016 work report
    assert "0 targets · 0 achievements · 32 programmes" in home  # the BTH work plan
    assert "0 target " not in home
    plan = text(api.get("/plans/baodi-st-14fyp?lang=en"))
    assert "1 maker space<" in plan and "1 maker spaces" not in plan
    assert "reach 2.8% of sales revenue" in plan  # a share has no space before its sign
    chinese = text(api.get("/?lang=zh"))
    assert "0 个目标 · 104 个成绩 · 67 项任务" in chinese


def test_the_language_switch_keeps_the_page_and_its_query(api):
    page = text(api.get("/search?q=专利&lang=zh"))
    switch = re.search(r'<a class="lang" href="([^"]*)"', page).group(1)
    assert switch == "?q=%E4%B8%93%E5%88%A9&amp;lang=en"
    page = text(api.get("/indicators/?theme=ip&lang=en"))
    assert re.search(r'<a class="lang" href="([^"]*)"', page).group(1) == "?theme=ip&amp;lang=zh"


def test_pages_tell_caches_that_they_vary_with_the_language(api):
    for url in ("/", "/plans/baodi-st-14fyp", "/indicators/high_tech_enterprises", "/search"):
        vary = api.get(url).headers["Vary"]
        assert "Cookie" in vary and "Accept-Language" in vary, url
    assert '<html lang="en">' in text(api.get("/", headers={"Accept-Language": "en-GB,en"}))


def test_search_page_groups_results_by_kind_with_marked_snippets(api):
    page = text(api.get("/search?q=专利&lang=en"))
    assert 'id="results-indicator"' in page and 'id="results-achievement"' in page
    assert "<mark>专利</mark>" in page
    assert 'href="/plans/beijing-st-work-report-2016#bj16-a003"' not in page  # the 21st hit
    page = text(api.get("/search?q=专利&lang=en&page=2"))
    assert 'href="/plans/beijing-st-work-report-2016#bj16-a003"' in page


def test_a_data_table_row_leads_to_its_readable_page(api, portal):
    assert (
        api.get("/read/targets/sc27-t002").headers["Location"]
        == "/plans/subcentre-st-doubling-2027#sc27-t002"
    )
    assert (
        api.get("/read/indicators/high_tech_enterprises").headers["Location"]
        == "/indicators/high_tech_enterprises"
    )
    assert api.get("/read/targets/nothing").status_code == 404
    assert 'href="/read/targets/sc27-t002"' in portal.get("/portal/targets/sc27-t002").text


def test_every_programme_links_to_its_row_and_its_row_back(api, portal, db_path):
    conn = sqlite3.connect(db_path)
    programs = conn.execute("SELECT program_id FROM programs WHERE plan_id = 'baodi-st-14fyp'")
    page = text(api.get("/plans/baodi-st-14fyp"))
    for (program_id,) in programs:
        assert f'<li id="{program_id}"' in page
        assert f'href="/portal/programs/{program_id}"' in page
    row = portal.get("/portal/programs/bd14-p002").text
    assert 'href="/read/programs/bd14-p002"' in row
    assert api.get("/read/programs/bd14-p002").headers["Location"] == (
        "/plans/baodi-st-14fyp#bd14-p002"
    )


@pytest.mark.parametrize(
    "table, key, readable, back",
    [
        ("plans", "baodi-st-14fyp", "/plans/baodi-st-14fyp", "/portal/plans/baodi-st-14fyp"),
        (
            "indicators",
            "high_tech_enterprises",
            "/indicators/high_tech_enterprises",
            "/portal/indicators/high_tech_enterprises",
        ),
        ("targets", "bd14-t002", "/plans/baodi-st-14fyp#bd14-t002", "/portal/targets/bd14-t002"),
        ("progress", "bd14-t002", "/plans/baodi-st-14fyp#bd14-t002", "/portal/targets/bd14-t002"),
        (
            "achievements",
            "bd14-a010",
            "/plans/baodi-st-14fyp#bd14-a010",
            "/portal/achievements/bd14-a010",
        ),
    ],
)
def test_each_data_row_and_its_readable_page_link_to_each_other(
    api, portal, table, key, readable, back
):
    row = portal.get(f"/portal/{table}/{key}").text
    assert f'href="/read/{table}/{key}"' in row
    assert api.get(f"/read/{table}/{key}").headers["Location"] == readable
    assert f'href="{back}"' in text(api.get(readable.split("#")[0]))


def test_an_unknown_page_is_a_readable_404(api):
    response = api.get("/plans/no-such-plan")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")


def test_downloads_page_lists_the_files_with_sizes_and_citations(
    api, db_path, tmp_path, monkeypatch
):
    from portal.exports import build_downloads

    monkeypatch.setenv("PORTAL_DOWNLOADS", str(tmp_path))
    build_downloads(db_path, tmp_path)
    page = text(api.get("/downloads/?lang=en"))
    for name in ("portal-data-latest.zip", "portal-data-latest.xlsx", "portal-latest.db"):
        assert f'href="/downloads/{name}"' in page
    assert "KB" in page and "通政发〔2024〕19号" in page and "## 1.0.0" in page
    for name, mimetype in (
        ("portal-data-latest.zip", "application/zip"),
        (
            "portal-data-latest.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("portal-latest.db", "application/vnd.sqlite3"),
    ):
        response = api.get(f"/downloads/{name}")
        assert response.status_code == 200
        assert response.mimetype == mimetype, name
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert api.get("/downloads/portal-data-latest.zip").data[:2] == b"PK"
    assert api.get("/downloads/..%2Fportal.db").status_code == 404


SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
# (file, key column, key, column): cells a hostile or careless source might fill with markup.
PLANTS = [
    ("plans.csv", "plan_id", "baodi-st-14fyp", "title_en"),
    ("plans.csv", "plan_id", "baodi-st-14fyp", "issuer_zh"),
    ("indicators.csv", "indicator_id", "high_tech_enterprises", "name_en"),
    ("indicators.csv", "indicator_id", "high_tech_enterprises", "definition_en"),
    ("regions.csv", "region_code", "120115", "name_en"),
    ("targets.csv", "target_id", "bd14-t002", "source_quote"),
    ("achievements.csv", "achievement_id", "bd14-a010", "source_quote"),
    ("programs.csv", "program_id", "bd14-p001", "title_en"),
    ("programs.csv", "program_id", "bd14-p001", "summary_en"),
]


def plant(folder) -> None:
    """Put both pieces of markup into every cell of PLANTS, keeping the rest of the text."""
    for name, key_column, key, column in PLANTS:
        path = folder / name
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            columns, rows = reader.fieldnames, list(reader)
        (row,) = [r for r in rows if r[key_column] == key]
        row[column] = f"{row[column]} {SCRIPT} {IMAGE}"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


@pytest.fixture(scope="module")
def planted_db(tmp_path_factory):
    """A database whose text carries markup, as a hostile or careless source might."""
    from portal import paths

    folder = tmp_path_factory.mktemp("planted")
    shutil.copytree(paths.DATASETS, folder / "datasets")
    plant(folder / "datasets")
    db = folder / "planted.db"
    build_database(db, folder / "datasets")
    return db


@pytest.fixture(scope="module")
def planted(planted_db):
    return create_app({"PORTAL_DB": str(planted_db)}).test_client()


class Elements(HTMLParser):
    """Every element of a page with its attributes, the text of its scripts, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.scripts, self.text, self._in = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self.scripts[-1][1] += data
        else:
            self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def assert_markup_is_text(page: str, strict: bool) -> None:
    """No element or handler came from the data; the data's markup is there as text."""
    parsed = parse(page)
    assert [tag for tag, _ in parsed.elements if tag == "img"] == []
    handlers = [(tag, a) for tag, attrs in parsed.elements for a in attrs if a.startswith("on")]
    assert handlers == []
    for attrs, body in parsed.scripts:
        assert "alert(" not in body or attrs.get("type") == "application/json", body[:200]
        if strict:  # the portal's own pages: scripts from files, or JSON data
            assert attrs.get("src", "").startswith("/static/") or (
                attrs.get("type") == "application/json" and "<" not in body
            ), attrs
    assert SCRIPT in "".join(parsed.text)


@pytest.mark.parametrize(
    "url",
    [
        "/?lang=en",
        "/?lang=zh",
        "/plans/baodi-st-14fyp?lang=en",
        "/plans/baodi-st-14fyp?lang=zh",
        "/indicators/high_tech_enterprises?lang=en",
        "/indicators/?lang=en",
        "/search?q=Baodi&lang=en",
        "/search?q=alert&lang=en",
        "/downloads/?lang=en",
    ],
)
def test_markup_in_the_data_is_shown_as_text(planted, url):
    page = text(planted.get(url))
    assert_markup_is_text(page, strict=True)


@pytest.mark.parametrize(
    "url",
    [
        "/portal/plans/baodi-st-14fyp",
        "/portal/plans",
        "/portal/indicators/high_tech_enterprises",
        "/portal/targets?plan_id=baodi-st-14fyp",
        "/portal/programs/bd14-p001",
        "/portal/achievements?_search=alert",
        "/portal?sql=select+title_en+from+plans",
    ],
)
def test_markup_in_the_data_is_text_in_datasette_too(planted_db, url):
    from support import PortalClient

    from portal.web.asgi import create_app as create_portal

    page = PortalClient(create_portal(planted_db)).get(url).text
    assert_markup_is_text(page, strict=False)
