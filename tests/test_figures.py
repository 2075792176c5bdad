"""Figures in words: one formatter for every page, English scale words on English pages, the
printed form on Chinese pages, the qualifier always with its number."""

import re

import pytest
from flask import Flask
from support import read_csv

from portal import paths
from portal.web import i18n

INDICATORS = {row["indicator_id"]: row for row in read_csv(paths.DATASETS / "indicators.csv")}


def figures(table: str) -> list[dict]:
    rows = read_csv(paths.DATASETS / f"{table}.csv")
    for row in rows:
        row["value"] = float(row["value"]) if row["value"] else None
        row["kind"] = table[:-1]
    return [row for row in rows if row["value"] is not None]


ROWS = figures("targets") + figures("achievements")


def row_id(row: dict) -> str:
    return row.get("target_id") or row["achievement_id"]


@pytest.fixture
def in_language():
    """Render in a language as a request with ?lang= would."""
    app = Flask(__name__)

    def render(lang, function, *args):
        with app.test_request_context(f"/?lang={lang}"):
            return function(*args)

    return render


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_figure_reads_in_english_without_chinese_units_of_scale(row, in_language):
    indicator = INDICATORS[row["indicator_id"]]
    for shown in (
        in_language("en", i18n.figure, row, indicator),
        in_language("en", i18n.comparable, row, indicator),
        in_language("en", i18n.quantity, row["value"], indicator),
    ):
        assert shown and re.search(r"\d", shown), shown
        assert "亿" not in shown and "万" not in shown, shown
        assert "100 million" not in shown, shown
        assert not re.search(r"[\u4e00-\u9fff]", shown), shown


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_the_qualifier_travels_with_the_number(row, in_language):
    english = in_language("en", i18n.figure, row, INDICATORS[row["indicator_id"]])
    qualifier, kind = row["qualifier_zh"], row["kind"]
    expected = {
        "突破": "over ",
        "超过": "over ",
        "余": "over ",
        "多": "over ",
        "左右": "about ",
        "约": "about ",
        "近": "nearly ",
        "以上": " or more",
        "力争": "striving for ",
        "至少": "at least ",
        "不到": "under ",
        "达": "reach " if kind == "target" else "reached ",
        "达到": "reach " if kind == "target" else "reached ",
    }
    if qualifier:
        assert expected[qualifier] in english, english
    chinese = in_language("zh", i18n.figure, row, INDICATORS[row["indicator_id"]])
    assert row["value_text"] in chinese and qualifier in chinese
    # as printed: the qualifier beside the number, or apart from it where the passage says so
    assert chinese.replace("…", "") in row["source_quote"] or all(
        part in row["source_quote"] for part in chinese.split("…")
    )


def by_id(wanted: str) -> dict:
    return next(row for row in ROWS if row_id(row) == wanted)


@pytest.mark.parametrize(
    "wanted, english, chinese",
    [
        ("sc27-t012", "striving for at least 3 billion yuan", "力争…30亿元"),  # 30亿元
        ("bj16-a011", "reached 4 trillion yuan", "达4万亿元"),  # 4万亿元
        ("bj16-a008", "over 12,000 enterprises", "突破1.2万家"),  # 1.2万家
        ("sc27-t002", "over 1,500 enterprises", "突破1500家"),
        ("sc27-t017", "about 20 teams", "20个左右"),
        ("tz13-t007", "70% of gross industrial output or more", "70%以上"),
        ("bj16-a022", "over 1,000 projects", "1000余项"),
        ("tz13-a010", "reached 16.617 billion yuan", "达166.17亿元"),
        ("bj16-a070", "reached 670 million yuan", "达到6.7亿元"),
        ("bj16-a038", "under 40 billion yuan", "不到400亿元"),
        ("bj16-a103", "nearly 10 million participations", "近千万人次"),
        ("tz13-t009", "reach 3,000 patents", "达到…3000件"),  # 分别达到5000件和3000件
        ("tz13-t013", "at least 1 person per township or village", "至少…一名"),
        ("tz13-a001", "66 organisations", "66家"),
    ],
)
def test_figures_as_a_reader_says_them(wanted, english, chinese, in_language):
    row = by_id(wanted)
    indicator = INDICATORS[row["indicator_id"]]
    assert in_language("en", i18n.figure, row, indicator) == english
    assert in_language("zh", i18n.figure, row, indicator) == chinese


@pytest.mark.parametrize(
    "value, unit_en, english",
    [
        (0.5, "100 million yuan", "50 million yuan"),  # 5000万元
        (30, "100 million yuan", "3 billion yuan"),
        (40000, "100 million yuan", "4 trillion yuan"),
        (1, "100 million yuan", "100 million yuan"),
        (0.004, "100 million yuan", "400,000 yuan"),
        (12000, "enterprises", "12,000 enterprises"),
        (1, "enterprises", "1 enterprise"),
        (2.8, "% of GDP", "2.8% of GDP"),
        (10_000_000, "participations", "10 million participations"),
        (3, "10 000 mu", "30,000 mu"),
    ],
)
def test_english_quantities_use_english_scale_words(value, unit_en, english):
    assert i18n.english_quantity(value, unit_en) == english


@pytest.mark.parametrize(
    "value, unit, chinese",
    [
        (12000, "家", "1.2万家"),
        (40000, "亿元", "4万亿元"),
        (1500, "家", "1,500 家"),
        (30, "亿元", "30 亿元"),
        (2.8, "%", "2.8%"),
        (12345, "件", "12,345 件"),  # no short form in 万: the digits
    ],
)
def test_chinese_quantities_use_chinese_units_of_scale(value, unit, chinese):
    assert i18n.chinese_quantity(value, unit) == chinese


def test_comparable_figures_keep_the_comparator_on_chinese_pages(in_language):
    row = by_id("bj16-a008")
    indicator = INDICATORS[row["indicator_id"]]
    assert in_language("zh", i18n.comparable, row, indicator) == "> 1.2万家"
    assert in_language("en", i18n.comparable, row, indicator) == "over 12,000 enterprises"


def test_numbers_do_not_show_floating_point_noise():
    assert i18n.number(0.1 + 0.2) == "0.3"
    assert i18n.number(1579.5) == "1,579.5"
    assert i18n.number(None) == ""


AFTER_A_NUMBER = re.compile(r"\d[\d,.]*\s*(?:100 million|亿|万)\s*(?:yuan|[a-z])")


def test_no_english_page_writes_100_million_after_a_number(api):
    plans = [row["plan_id"] for row in read_csv(paths.DATASETS / "plans.csv")]
    urls = [f"/plans/{plan}" for plan in plans] + [f"/indicators/{i}" for i in INDICATORS]
    for url in urls:
        page = api.get(url + "?lang=en").get_data(as_text=True)
        # the English words of the page: its text outside quotes, printed figures and scripts
        page = re.sub(r"<(script|blockquote)\b.*?</\1>", " ", page, flags=re.S)
        page = re.sub(r'<[^>]+lang="zh"[^>]*>[^<]*<', "<", page)
        words = re.sub(r"<[^>]+>", " ", page)
        assert not AFTER_A_NUMBER.search(words), (url, AFTER_A_NUMBER.search(words).group())
    assert "3 billion yuan" in api.get("/plans/subcentre-st-doubling-2027?lang=en").text
