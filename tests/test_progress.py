"""Progress against targets: the growth needed, the growth achieved and the status."""

import csv
import re
import shutil
import sqlite3

import pytest

from portal import paths
from portal.build.database import build_database
from portal.build.progress import assess, cagr
from portal.web.app import create_app

TARGET = {
    "target_id": "x-t001",
    "plan_id": "p",
    "indicator_id": "i",
    "region_code": "110000",
    "target_year": 2025,
    "comparator": ">=",
    "value": 280.0,
}


def figure(year, value, n=1):
    return {"achievement_id": f"x-a{n:03d}", "period_end": year, "value": value}


def test_compound_annual_growth():
    assert cagr(100, 121, 2) == pytest.approx(10.0)
    assert cagr(0, 5, 3) is None
    assert cagr(5, 6, 0) is None


@pytest.mark.parametrize(
    "figures, status, needed, achieved",
    [
        ([], "no_baseline", None, None),
        ([figure(2019, 151)], "no_trend", cagr(151, 280, 6), None),
        (
            [figure(2015, 58, 1), figure(2019, 151, 2)],
            "on_track",
            cagr(151, 280, 6),
            cagr(58, 151, 4),
        ),
        (
            [figure(2015, 140, 1), figure(2019, 151, 2)],
            "needs_acceleration",
            cagr(151, 280, 6),
            cagr(140, 151, 4),
        ),
        (
            [figure(2015, 140, 1), figure(2019, 300, 2)],
            "achieved",
            cagr(300, 280, 6),
            cagr(140, 300, 4),
        ),
        (
            [figure(2026, 500)],
            "no_baseline",
            None,
            None,
        ),  # a figure after the target year is no baseline
    ],
)
def test_status_in_the_manner_of_open_sdg(figures, status, needed, achieved):
    row = assess(TARGET, figures)
    assert (row["status"], row["growth_needed"], row["growth_achieved"]) == (
        status,
        needed,
        achieved,
    )


def test_a_ceiling_target_is_on_track_when_the_figure_falls_fast_enough():
    target = {**TARGET, "comparator": "<=", "value": 50.0}
    row = assess(target, [figure(2015, 100, 1), figure(2019, 70, 2)])
    assert row["status"] == "on_track"


def test_baodi_high_tech_enterprises_keep_their_baseline_once_2025_is_over(db_path):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM progress WHERE target_id = 'bd14-t002'").fetchone())
    assert (row["baseline_value"], row["baseline_year"], row["earliest_value"]) == (151, 2019, 58)
    assert row["growth_needed"] == cagr(151, 280, 6)
    # On track by 2019's figures, but the release is of 2026 and no 2025 figure is published.
    assert assess(TARGET, [figure(2015, 58, 1), figure(2019, 151, 2)])["status"] == "on_track"
    assert row["status"] == "no_figure_for_year"
    numeric = conn.execute("SELECT count(*) FROM targets WHERE value IS NOT NULL").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM progress").fetchone()[0] == numeric


def test_the_api_lists_progress_by_status(api):
    body = api.get("/api/v1/progress?status=no_trend").json
    assert [(r["target_id"], r["baseline_id"]) for r in body["data"]] == [
        ("sc27-t002", "tz13-a016")
    ]


def test_a_figure_for_the_target_year_says_whether_the_target_was_met():
    met = assess(TARGET, [figure(2019, 151, 1), figure(2025, 301, 2)], as_of=2026)
    assert (met["status"], met["final_id"], met["final_value"]) == ("met", "x-a002", 301)
    assert (met["baseline_year"], met["baseline_value"]) == (2019, 151)
    missed = assess(TARGET, [figure(2019, 151, 1), figure(2025, 270, 2)], as_of=2026)
    assert (missed["status"], missed["final_value"]) == ("not_met", 270)


def test_a_ceiling_target_is_met_by_a_figure_at_or_below_it():
    target = {**TARGET, "comparator": "<=", "value": 50.0}
    assert assess(target, [figure(2025, 49)], as_of=2026)["status"] == "met"
    assert assess(target, [figure(2025, 51)], as_of=2026)["status"] == "not_met"


@pytest.mark.parametrize(
    "figures, as_of, status",
    [
        ([figure(2019, 151)], 2026, "no_figure_for_year"),
        ([], 2026, "no_figure_for_year"),
        ([figure(2019, 300)], 2026, "no_figure_for_year"),  # reached early, but 2025 is unknown
        ([figure(2019, 151)], 2025, "no_trend"),  # the target year is not over yet
        ([figure(2019, 151)], None, "no_trend"),
    ],
)
def test_a_target_year_that_is_over_without_a_figure_says_so(figures, as_of, status):
    row = assess(TARGET, figures, as_of=as_of)
    assert row["status"] == status
    assert row["final_id"] is None


def test_a_figure_of_another_basis_is_never_paired_with_a_target(db_path):
    """Tongzhou's 2020 goal of 10亿元 a year is not compared with its 2011-2015 total."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM progress WHERE target_id = 'tz13-t010'").fetchone())
    assert (row["baseline_id"], row["final_id"]) == (None, None)
    assert row["status"] == "no_figure_for_year"


def test_targets_of_years_before_the_release_say_no_figure_was_published(db_path):
    conn = sqlite3.connect(db_path)
    (release_year,) = conn.execute(
        "SELECT substr(value, 1, 4) FROM portal_meta WHERE key = 'data_date'"
    ).fetchone()
    statuses = dict(
        conn.execute(
            "SELECT target_id, status FROM progress WHERE target_year < ?", [int(release_year)]
        ).fetchall()
    )
    assert statuses["tz13-t008"] == "no_figure_for_year"  # 5000 patent applications in 2020
    assert set(statuses.values()) <= {"met", "not_met", "no_figure_for_year"}
    later = conn.execute(
        "SELECT DISTINCT status FROM progress WHERE target_year >= ?", [int(release_year)]
    ).fetchall()
    assert "no_figure_for_year" not in {s for (s,) in later}


def plan_page(api, plan_id, lang):
    return api.get(f"/plans/{plan_id}?lang={lang}").get_data(as_text=True)


def summary_counts(page) -> dict:
    section = re.search(r'<section id="progress-summary".*?</section>', page, re.S).group(0)
    counts = dict(re.findall(r'data-count="(\w+)"><strong>([\d,]+)</strong>', section))
    statuses = re.findall(
        r'data-status="(\w+)"><span class="status status-\w+">([^<]+)</span> <strong>(\d+)',
        section,
    )
    return counts | {status: (label, int(n)) for status, label, n in statuses}


def test_a_plan_page_opens_with_its_goals_counted(api, db_path):
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(DISTINCT plan_id) FROM targets").fetchone()[0] >= 3
    for (plan_id,) in conn.execute("SELECT plan_id FROM plans"):
        goals, qualitative, numeric = conn.execute(
            "SELECT count(*), sum(comparator = 'qualitative'), sum(value IS NOT NULL) "
            "FROM targets WHERE plan_id = ?",
            [plan_id],
        ).fetchone()
        baseline = conn.execute(
            "SELECT count(*) FROM progress WHERE plan_id = ? AND baseline_id IS NOT NULL",
            [plan_id],
        ).fetchone()[0]
        page = plan_page(api, plan_id, "en")
        if not goals:
            assert "No goal of this plan is listed as a target" in page, plan_id
            continue
        counts = summary_counts(page)
        assert (counts["goals"], counts["qualitative"], counts["numeric"]) == (
            str(goals),
            str(qualitative or 0),
            str(numeric or 0),
        ), plan_id
        assert counts["baseline"] == str(baseline), plan_id


def test_the_tongzhou_plan_says_what_is_known_of_its_2020_goals(api):
    counts = summary_counts(plan_page(api, "tongzhou-st-13fyp", "en"))
    assert counts["met"] == ("Met", 0) and counts["not_met"] == ("Not met", 0)
    assert counts["no_figure_for_year"] == ("No figure for the target year", 10)
    page = plan_page(api, "tongzhou-st-13fyp", "zh")
    row = re.search(r'<tr id="tz13-t008">(.*?)</tr>', page, re.S).group(1)
    assert "已公布文件中没有2020年的数字" in row
    assert summary_counts(page)["no_figure_for_year"] == ("没有目标年份的数字", 10)


def test_the_sub_centre_plan_counts_goals_still_ahead(api):
    counts = summary_counts(plan_page(api, "subcentre-st-doubling-2027", "en"))
    assert counts["no_baseline"] == ("No baseline", 17)
    assert counts["no_trend"] == ("One figure only", 1)
    assert counts["on_track"] == ("On track", 0)
    assert "met" not in counts  # no target year of this plan is over


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_status_on_a_plan_page_is_explained_beside_it(api, db_path, lang):
    (date,) = (
        sqlite3.connect(db_path)
        .execute("SELECT value FROM portal_meta WHERE key = 'data_date'")
        .fetchone()
    )
    page = plan_page(api, "baodi-st-14fyp", lang)
    legend = re.search(r'<aside class="progress-legend".*?</aside>', page, re.S).group(0)
    shown = set(re.findall(r'<td data-label="[^"]+"><span class="status status-(\w+)"', page))
    explained = set(re.findall(r'<div data-status="(\w+)">', legend))
    assert shown and shown <= explained
    assert "qualitative" in explained  # Baodi's two goals for industrial clusters
    assert 'href="/about#progress"' in legend
    assert (date[:4] in legend) and ("口径" in legend if lang == "zh" else "basis" in legend)


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """The real datasets and two figures for 2025 that Baodi's plan does not give: as a later
    document would report them, one meeting its target and one falling short."""
    folder = tmp_path_factory.mktemp("reported")
    shutil.copytree(paths.DATASETS, folder / "datasets")
    path = folder / "datasets" / "achievements.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        columns = next(csv.reader(fh))
    common = {"plan_id": "baodi-st-14fyp", "region_code": "120115", "period_start": 2025}
    common |= {"period_end": 2025, "comparator": "=", "basis": "stock", "section": "一、（一）"}
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, lineterminator="\n")
        writer.writerow(
            common
            | {
                "achievement_id": "bd14-a901",
                "indicator_id": "high_tech_enterprises",
                "value": 301,
                "value_text": "301家",
                "source_quote": "国家级高新技术企业达到280家",
            }
        )
        writer.writerow(
            common
            | {
                "achievement_id": "bd14-a902",
                "indicator_id": "tech_smes",
                "value": 190,
                "value_text": "190家",
                "source_quote": "国家科技型中小企业达到200家",
            }
        )
    build_database(folder / "reported.db", folder / "datasets")
    return create_app({"PORTAL_DB": str(folder / "reported.db")}).test_client()


@pytest.mark.parametrize(
    "lang, met, not_met", [("en", "Met", "Not met"), ("zh", "已达成", "未达成")]
)
def test_a_figure_for_the_target_year_shows_met_or_not_met_on_the_plan(
    reported, lang, met, not_met
):
    page = plan_page(reported, "baodi-st-14fyp", lang)
    high_tech = re.search(r'<tr id="bd14-t002">(.*?)</tr>', page, re.S).group(1)
    assert f">{met}</span>" in high_tech and "(2025)" in high_tech and "301" in high_tech
    smes = re.search(r'<tr id="bd14-t003">(.*?)</tr>', page, re.S).group(1)
    assert f">{not_met}</span>" in smes and "190" in smes
    counts = summary_counts(page)
    assert counts["met"] == (met, 1) and counts["not_met"] == (not_met, 1)
    assert counts["no_figure_for_year"][1] == 9
    legend = re.search(r'<aside class="progress-legend".*?</aside>', page, re.S).group(0)
    assert 'data-status="met"' in legend and 'data-status="not_met"' in legend
