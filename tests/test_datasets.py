"""The curated data: exact, traceable to its source, comparable and complete for every plan."""

import re
import sqlite3
from collections import Counter

import pytest
from support import SOURCES

from portal import paths
from portal.curate.numbers import in_unit
from portal.validate.datasets import validate_datasets
from portal.validate.provenance import check_quotes

CJK = re.compile(r"[\u3400-\u9fff]")
REPORT = validate_datasets()
TABLES = REPORT.tables


@pytest.mark.skipif(not SOURCES.is_dir(), reason=f"the source documents are not in {SOURCES}")
def test_every_quote_is_a_verbatim_passage_of_its_source():
    assert check_quotes(TABLES, SOURCES) == []


def test_every_value_is_its_printed_text_in_the_indicators_unit():
    units = {i["indicator_id"]: i["unit"] for i in TABLES["indicators"]}
    for table in ("targets", "achievements"):
        for row in TABLES[table]:
            if row["value"] is not None:
                printed = in_unit(row["value_text"], units[row["indicator_id"]])
                assert printed == pytest.approx(row["value"], rel=1e-6), row


def test_every_plan_has_programmes_and_figures_or_says_why_it_has_none():
    readme = (paths.DATASETS / "README.md").read_text(encoding="utf-8")
    for plan in TABLES["plans"]:
        figures = [
            r
            for t in ("targets", "achievements")
            for r in TABLES[t]
            if r["plan_id"] == plan["plan_id"]
        ]
        programmes = [r for r in TABLES["programs"] if r["plan_id"] == plan["plan_id"]]
        assert programmes, f"{plan['plan_id']} has no programmes"
        if not figures:  # its numbers-not-in-the-tables section says so
            section = readme.split(f"### {plan['plan_id']} ")[1].split("\n### ")[0]
            assert "sets no figure" in section, f"{plan['plan_id']} has no figure and no reason"


def test_the_subcentre_programme_is_complete():
    plan = "subcentre-st-doubling-2027"
    targets = [r for r in TABLES["targets"] if r["plan_id"] == plan]
    assert len([t for t in targets if t["target_year"] == 2027 and t["value"] is not None]) > 15
    levels = Counter(
        r["level"]
        for r in TABLES["programs"]
        if r["plan_id"] == plan and r["section"].startswith("二")
    )
    assert levels["pillar"] == 5
    assert levels["task"] == 20


def test_every_indicator_and_theme_is_used():
    used = {r["indicator_id"] for t in ("targets", "achievements") for r in TABLES[t]}
    assert {i["indicator_id"] for i in TABLES["indicators"]} == used
    assert {t["theme_id"] for t in TABLES["themes"]} == {
        i["theme_id"] for i in TABLES["indicators"]
    }


def test_no_figure_is_stated_twice():
    targets = Counter(
        (r["plan_id"], r["indicator_id"], r["region_code"], r["target_year"], r["basis"])
        for r in TABLES["targets"]
        if r["comparator"] != "qualitative"
    )
    achievements = Counter(
        (
            r["plan_id"],
            r["indicator_id"],
            r["region_code"],
            r["period_start"],
            r["period_end"],
            r["basis"],
        )
        for r in TABLES["achievements"]
    )
    assert [k for k, n in (targets + achievements).items() if n > 1] == []


def test_high_tech_enterprises_are_one_series_across_plans(db_path):
    conn = sqlite3.connect(db_path)
    points = conn.execute(
        "SELECT region_code, kind, year, value FROM series "
        "WHERE indicator_id = 'high_tech_enterprises' ORDER BY region_code, year"
    )
    assert set(points) >= {
        ("110112", "achievement", 2015, 409),
        ("110112", "target", 2027, 1500),
        ("110000", "achievement", 2015, 12000),
        ("120115", "achievement", 2015, 58),
        ("120115", "achievement", 2019, 151),
        ("120115", "target", 2025, 280),
    }


def test_every_name_is_bilingual():
    for table, pairs in {
        "regions": [("name_zh", "name_en")],
        "themes": [("name_zh", "name_en")],
        "indicators": [("name_zh", "name_en")],
        "plans": [("title_zh", "title_en"), ("issuer_zh", "issuer_en")],
        "programs": [("title_zh", "title_en")],
    }.items():
        for row in TABLES[table]:
            for zh, en in pairs:
                assert row[zh] and row[en] and not CJK.search(row[en]), (table, row[zh], row[en])
