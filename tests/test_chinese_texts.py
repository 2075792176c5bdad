"""Chinese pages in Chinese: every definition, summary, description and note has its Chinese
text, the Chinese reading pages show it, and search finds programmes by it."""

import csv
import html
import re
import sqlite3

import pytest
from support import read_csv

from portal import paths
from portal.web import search

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]+")
# Identifiers are not prose: row ids (bj16-a100) and indicator ids (high_tech_enterprises).
IDS = re.compile(r"(?<![A-Za-z0-9])(?:[a-z]+\d+-[a-z]\d{3}|[a-z]+(?:_[a-z0-9]+)+)(?![A-Za-z0-9])")
PLANS = [row["plan_id"] for row in read_csv(paths.DATASETS / "plans.csv")]


def rows(table):
    return read_csv(paths.DATASETS / f"{table}.csv")


def chinese(text):
    """Mostly Chinese: more Chinese characters than Latin letters."""
    return len(CJK.findall(text)) > sum(map(len, LATIN.findall(text)))


def test_every_indicator_has_a_chinese_definition():
    for indicator in rows("indicators"):
        definition = indicator["definition_zh"]
        assert chinese(definition), indicator["indicator_id"]
        assert definition != indicator["name_zh"], indicator["indicator_id"]


def test_every_programme_has_a_chinese_summary_that_is_not_its_title_or_quote():
    for program in rows("programs"):
        summary = program["summary_zh"]
        assert chinese(summary), program["program_id"]
        assert summary.rstrip("。") != program["title_zh"], program["program_id"]
        assert summary.rstrip("。") not in program["source_quote"], program["program_id"]


def test_every_theme_has_a_chinese_description():
    for theme in rows("themes"):
        assert chinese(theme["description_zh"]), theme["theme_id"]


def test_every_english_note_has_its_chinese_note():
    for table, key in (("targets", "target_id"), ("achievements", "achievement_id")):
        for row in rows(table):
            assert bool(row["note_en"]) == bool(row["note_zh"]), row[key]
            if row["note_zh"]:
                assert chinese(row["note_zh"]), row[key]


def test_a_note_in_one_language_only_is_rejected(datasets):
    from portal.validate.datasets import validate_datasets

    path = datasets / "targets.csv"
    targets = read_csv(path)
    line = next(n for n, row in enumerate(targets, start=2) if row["target_id"] == "bd14-t002")
    targets[line - 2]["note_zh"] = ""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(targets[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(targets)
    problems = validate_datasets(datasets).problems
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [
        ("targets.csv", line, "note_zh", "rule-error")
    ]


def article_text(page: str) -> str:
    """The visible text of a page's article, without the bilingual citation of the source."""
    article = re.search(r"(?s)<article>.*</article>", page).group(0)
    article = re.sub(r'(?s)<p class="cite">.*?</p>', " ", article)
    article = re.sub(r"(?s)<(script|style)\b.*?</\1>|<[^>]+>", " ", article)
    return IDS.sub(" ", html.unescape(article))


@pytest.mark.parametrize("plan_id", PLANS)
def test_a_chinese_plan_page_shows_no_english_prose(api, plan_id):
    page = api.get(f"/plans/{plan_id}?lang=zh").get_data(as_text=True)
    text = article_text(page)
    page = html.unescape(page)
    letters = sum(map(len, LATIN.findall(text)))
    # What Latin letters are left are abbreviations and units: CSV, R&D, GDP, ICT, 5G ...
    assert letters < 0.01 * len(CJK.findall(text)), sorted(set(LATIN.findall(text)))
    assert not re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", text), "three English words in a row"
    # the programmes' Chinese summaries are shown, not their English ones
    program = next(p for p in rows("programs") if p["plan_id"] == plan_id)
    assert program["summary_zh"] in page
    assert program["summary_en"] not in page


def test_an_english_plan_page_shows_the_english_summaries_and_notes(api):
    page = api.get("/plans/beijing-st-work-report-2016?lang=en").get_data(as_text=True)
    page = html.unescape(page)
    figure = next(a for a in rows("achievements") if a["achievement_id"] == "bj16-a042")
    program = next(p for p in rows("programs") if p["program_id"] == "bj16-p548")
    assert figure["note_en"] in page
    assert program["summary_en"] in page
    assert figure["note_zh"] not in page and program["summary_zh"] not in page


def test_a_chinese_indicator_page_gives_the_chinese_definition(api):
    page = api.get("/indicators/technology_contract_turnover?lang=zh").get_data(as_text=True)
    assert "一年内登记的技术合同成交金额。" in page
    assert "Value of registered technology contracts" not in page


def test_the_chinese_indicator_list_describes_each_theme_in_chinese(api):
    page = html.unescape(api.get("/indicators/?lang=zh").get_data(as_text=True))
    for theme in rows("themes"):
        assert theme["description_zh"] in page
        assert theme["description_en"] not in page


def test_searching_gaoxin_finds_programmes_by_their_chinese_summary(db_path):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    hits, _, _ = search.search(conn, "高新", limit=1000)
    found = {h.id for h in hits if h.kind == "program"}
    summarised = {p["program_id"] for p in rows("programs") if "高新" in p["summary_zh"]}
    named = {
        p["program_id"] for p in rows("programs") if "高新" in p["title_zh"] + p["source_quote"]
    }
    assert len(summarised - named) >= 3, "programmes that only their Chinese summary names"
    assert summarised <= found


def test_the_api_and_datasette_carry_the_chinese_texts(api, portal):
    program = api.get("/api/v1/programs/sc27-p004").json["data"]
    assert program["summary_zh"].startswith("搭建从科技型中小企业到高新技术企业")
    indicator = api.get("/api/v1/indicators/patent_grants").json["data"]
    assert indicator["definition_zh"] == "一年内获得授权的专利数量。"
    assert indicator["basis"] == "annual"
    found = api.get("/api/v1/programs?q=成长阶梯").json["data"]
    assert "sc27-p004" in {p["program_id"] for p in found}
    row = portal.get("/portal/achievements/bj16-a042.json?_shape=array").json()[0]
    assert row["note_zh"].startswith("范围：新能源汽车“一园两基地”。")
    spec = api.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert {"summary_zh"} <= set(spec["Program"]["properties"])
    assert {"definition_zh", "basis"} <= set(spec["Indicator"]["properties"])
    assert {"note_zh"} <= set(spec["Target"]["properties"]) & set(spec["Achievement"]["properties"])
    assert {"description_zh"} <= set(spec["Theme"]["properties"])


def test_a_programme_found_by_its_chinese_summary_shows_it_in_the_snippet(api):
    hits = api.get("/api/v1/search?q=高新&limit=100").json["data"]
    snippets = {h["id"]: h["snippet"] for h in hits if h["kind"] == "program"}
    assert "从科技型中小企业到<mark>高新</mark>技术企业" in snippets["sc27-p004"]
