"""What an indicator's chart draws, read from the page's chart data: axes that fit the years,
a panel per basis, goals at their year, goals in words, and a CSV of exactly what is drawn."""

import json
import re
import sqlite3

import pytest

from portal.web import i18n
from portal.web.app import create_app
from portal.web.pages.charts import series_chart


def chart_of(api, indicator_id: str, lang: str = "en") -> dict | None:
    page = api.get(f"/indicators/{indicator_id}?lang={lang}").get_data(as_text=True)
    found = re.search(r'id="chart-data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1)) if found else None


def drawn_points(panel: dict, kind: str) -> list[tuple]:
    return [
        (d["label"], p["x"], p["y"])
        for d in panel["datasets"]
        if d["kind"] == kind
        for p in d["data"]
    ]


@pytest.mark.parametrize(
    "indicator_id, first, last",
    [
        ("rd_intensity", 2011, 2015),  # one figure, for 2011-2015; the goal is in words
        ("technology_contract_turnover", 2010, 2015),
        ("technology_trading", 2020, 2020),  # a single goal
        ("high_tech_enterprises", 2015, 2027),
        ("advanced_innovation_centres", 2015, 2015),  # a single figure in a single year
    ],
)
def test_the_time_axis_spans_the_years_of_the_figures_and_goals(api, indicator_id, first, last):
    axis = chart_of(api, indicator_id)["axis"]
    assert (axis["min"], axis["max"]) == (first - 1, last + 1)
    assert axis["years"][0] == first and axis["years"][-1] == last


def test_no_indicator_is_drawn_over_more_than_its_years(api, db_path):
    conn = sqlite3.connect(db_path)
    spans = conn.execute(
        "SELECT indicator_id, min(coalesce(period_start, year)), max(year) FROM series "
        "WHERE value IS NOT NULL GROUP BY indicator_id"
    ).fetchall()
    assert len(spans) > 150
    for indicator_id, first, last in spans:
        axis = chart_of(api, indicator_id)["axis"]
        assert (axis["min"], axis["max"]) == (first - 1, last + 1), indicator_id


def test_a_single_figure_is_a_labelled_point(api):
    chart = chart_of(api, "advanced_innovation_centres", "zh")
    (panel,) = chart["panels"]
    (dataset,) = panel["datasets"]
    assert dataset["label"] == "北京市 · 成绩（存量）"
    assert [(p["x"], p["y"], p["text"]) for p in dataset["data"]] == [(2015, 13, "13 个")]
    assert panel["labelled"]


def turnover_as_one_indicator(db_path) -> list[dict]:
    """The rows issue 13 found drawn on one axis: Beijing's annual turnover, Tongzhou's
    2011-2015 total and its goal of 10亿元 a year, Baodi's goal for a 2021-2025 total. The
    datasets now hold them on four indicators of one basis each; a series that mixes bases (a
    national dataset's, a new plan's) must still be drawn apart."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    return [
        dict(row)
        for row in conn.execute(
            """SELECT s.*, r.name_zh AS region_zh, r.name_en AS region_en,
                      p.title_zh AS plan_zh, p.title_en AS plan_en
               FROM series s JOIN regions r USING (region_code) JOIN plans p USING (plan_id)
               WHERE point_id IN ('bj16-a014', 'bj16-a015', 'tz13-a010', 'tz13-t010', 'bd14-t011')
               ORDER BY year, point_id"""
        )
    ]


def drawn_as_one(db_path, lang="en") -> dict:
    app = create_app({"PORTAL_DB": str(db_path), "TESTING": True})
    indicator = {
        "indicator_id": "technology_contract_turnover",
        "unit": "亿元",
        "unit_en": "100 million yuan",
    }
    with app.test_request_context(f"/?lang={lang}"):
        return series_chart(indicator, turnover_as_one_indicator(db_path))


def test_figures_of_different_bases_are_never_one_series(db_path):
    """Tongzhou's 2011-2015 total of 166.17亿元 is not on the axis of its 10亿元-a-year goal."""
    chart = drawn_as_one(db_path)
    annual, cumulative = chart["panels"]
    assert (annual["basis"], cumulative["basis"]) == ("annual", "cumulative")
    assert drawn_points(annual, "figure") == [
        ("Beijing · figures (annual)", 2010, 1579.5),
        ("Beijing · figures (annual)", 2015, 3452.6),
    ]
    assert drawn_points(annual, "goal") == [("Tongzhou District · goals (annual)", 2020, 10)]
    assert drawn_points(cumulative, "figure") == [
        ("Tongzhou District · figures (cumulative)", 2015, 166.17)
    ]
    assert drawn_points(cumulative, "goal") == [("Baodi District · goals (cumulative)", 2025, 35)]
    # The total is drawn over the years it covers, and labelled with them.
    (span,) = [d for d in cumulative["datasets"] if d["kind"] == "span"]
    assert [(p["x"], p["y"]) for p in span["data"]] == [(2011, 166.17), (2015, 166.17)]
    assert cumulative["datasets"][0]["data"][0]["text"].endswith("(2011–2015)")
    # Both panels on one time axis, from the total's first year to the last goal's.
    assert (chart["axis"]["min"], chart["axis"]["max"]) == (2009, 2026)
    # No line joins a goal to a figure of another basis (nor of another region).
    assert [d for p in chart["panels"] for d in p["datasets"] if d["kind"] == "path"] == []
    zh = drawn_as_one(db_path, "zh")
    assert [p["title"] for p in zh["panels"]] == ["年度：一年之内的数量", "累计：一段时期的合计"]
    assert drawn_points(zh["panels"][1], "goal")[0][0] == "宝坻区 · 目标（累计）"


def test_the_chart_csv_of_a_panel_is_exactly_its_points(db_path):
    chart = drawn_as_one(db_path, "zh")
    for panel in chart["panels"]:
        drawn = [
            (p["id"], p["x"], p["y"])
            for d in panel["datasets"]
            if d["kind"] in ("figure", "goal")
            for p in d["data"]
        ]
        assert [(r[-1], r[5], r[7]) for r in panel["csv"]["rows"]] == drawn
    assert chart["panels"][1]["csv"]["rows"][0] == [
        "累计",
        "通州区 · 成绩（累计）",
        "通州区",
        "成绩",
        2011,
        2015,
        "",
        166.17,
        "亿元",
        "达166.17亿元",
        "tz13-a010",
    ]


def test_every_panel_holds_one_basis_and_names_it(api, db_path):
    conn = sqlite3.connect(db_path)
    for indicator_id, bases in conn.execute(
        "SELECT indicator_id, group_concat(DISTINCT basis) FROM series "
        "WHERE value IS NOT NULL GROUP BY indicator_id"
    ):
        chart = chart_of(api, indicator_id)
        assert sorted(p["basis"] for p in chart["panels"]) == sorted(bases.split(","))
        for panel in chart["panels"]:
            for dataset in panel["datasets"]:
                if dataset["kind"] in ("figure", "goal"):
                    assert dataset["label"].endswith(f"({panel['basis']})"), indicator_id


def test_a_goal_is_reached_for_from_the_latest_figure_of_its_region_and_basis(api):
    (panel,) = chart_of(api, "high_tech_enterprises")["panels"]
    paths = {
        d["label"]: [(p["x"], p["y"]) for p in d["data"]]
        for d in panel["datasets"]
        if d["kind"] == "path"
    }
    assert paths == {
        "Baodi District · from the latest figure to the goal": [(2019, 151), (2025, 280)],
        "Tongzhou District · from the latest figure to the goal": [(2015, 409), (2027, 1500)],
    }
    goals = {p[0]: p[1:] for p in drawn_points(panel, "goal")}
    assert goals == {
        "Baodi District · goals (stock)": (2025, 280),
        "Tongzhou District · goals (stock)": (2027, 1500),
    }
    # A district's 409 and Beijing's 12,000: a log axis, with round ends beyond both.
    assert panel["scale"] == "logarithmic"
    assert panel["bounds"] == {"min": 20, "max": 20000}


def test_the_chart_csv_has_a_row_per_point_drawn_under_the_page_s_headings(api):
    chart = chart_of(api, "technology_contract_turnover", "zh")
    (panel,) = chart["panels"]
    assert panel["csv"]["header"] == [
        "口径",
        "序列",
        "地区",
        "类别",
        "时期起始年",
        "年份",
        "比较",
        "数值",
        "单位",
        "原文",
        "编号",
    ]
    assert [(r[1], r[5], r[7], r[-1]) for r in panel["csv"]["rows"]] == [
        ("北京市 · 成绩（年度）", 2010, 1579.5, "bj16-a014"),
        ("北京市 · 成绩（年度）", 2015, 3452.6, "bj16-a015"),
    ]


def test_goals_stated_in_words_are_written_not_drawn(api):
    page = api.get("/indicators/industrial_clusters_10bn_yuan?lang=en").get_data(as_text=True)
    assert "<canvas" not in page and 'id="chart-data"' not in page
    words = re.search(r'<section id="goals-in-words".*?</section>', page, re.S).group(0)
    assert "This indicator has only goals stated in words" in words
    assert "打造若干百亿级、千亿级特色创新产业集群" in words
    assert "Baodi District · 2025" in words


def test_a_goal_in_words_beside_a_chart_is_written_under_it(api):
    page = api.get("/indicators/rd_intensity?lang=zh").get_data(as_text=True)
    assert page.count("<canvas") == 1
    words = re.search(r'<section id="goals-in-words".*?</section>', page, re.S).group(0)
    assert "全区R&amp;D经费占GDP的比重力争进入全市前列" in words
    assert "通州区 · 2020" in words and "只有用文字表述的目标" not in words


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_panel_has_its_legend_and_downloads_on_the_page(api, lang):
    page = api.get(f"/indicators/high_tech_enterprises?lang={lang}").get_data(as_text=True)
    panel = re.search(r'<figure class="chart-panel" id="panel-stock".*?</figure>', page, re.S)
    legend = re.findall(r'<li data-kind="(\w+)">', panel.group(0))
    assert {"figure", "goal", "path"} <= set(legend)
    assert 'download="high_tech_enterprises-stock.png"' in panel.group(0)
    assert 'download="high_tech_enterprises-stock.csv"' in panel.group(0)


def test_a_goal_in_words_carries_its_note_in_the_page_language_only(api):
    english = api.get("/indicators/rd_intensity?lang=en").get_data(as_text=True)
    words = re.search(r'<section id="goals-in-words".*?</section>', english, re.S).group(0)
    assert "rank among the top districts of Beijing" in words
    chinese = api.get("/indicators/rd_intensity?lang=zh").get_data(as_text=True)
    words = re.search(r'<section id="goals-in-words".*?</section>', chinese, re.S).group(0)
    assert "全区研发投入强度进入全市前列" in words and "rank among" not in words


@pytest.mark.parametrize(
    "unit, expected",
    [
        ("100 million yuan", ("billion yuan", 0.1)),
        ("10 000 yuan", ("thousand yuan", 10.0)),
        ("enterprises", ("enterprises", 1.0)),
        ("% of GDP", ("% of GDP", 1.0)),
    ],
)
def test_an_english_value_axis_reads_english_scale_words(unit, expected):
    assert i18n.axis_unit(unit) == expected
