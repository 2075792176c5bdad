"""Extraction: draft rows from a plan's text, on short texts with known answers and on the plans."""

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SOURCES, read_csv

from portal import paths
from portal.cli import cli
from portal.curate.extract import (
    COLUMNS,
    Indicator,
    Plan,
    extract,
    load_glossary,
    load_indicators,
    write_drafts,
)
from portal.curate.indicators import normalise, synonyms
from portal.curate.measure import CorpusScore, load_corpus, measure, measure_passage, score
from portal.validate.provenance import squash

# A plan written in 2016: earlier years are achievements, 2016 and later targets.
PLAN = Plan("tongzhou-st-13fyp", written=2016, period_end=2020)
INDICATORS = [
    Indicator("high_tech_enterprises", "高新技术企业", "家"),
    Indicator("patent_grants", "专利授权量", "件"),
    Indicator("patent_grants_growth_rate", "专利授权量年均增长率", "%"),
    Indicator("technology_contract_turnover", "技术合同成交额", "亿元"),
]


def figures(text: str, plan: Plan = PLAN) -> list[tuple]:
    """(value_text, value, unit) of each figure drafted from a text."""
    return [
        (d.value_text, d.value, d.unit)
        for d in extract(text, plan, INDICATORS)
        if d.kind != "program"
    ]


def only(text: str):
    (draft,) = [d for d in extract(text, PLAN, INDICATORS) if d.kind != "program"]
    return draft


def test_a_target_with_full_width_digits_and_punctuation():
    draft = only("到2027年，高新技术企业突破１５００家。")
    assert (draft.kind, draft.year, draft.indicator_id) == (
        "target",
        "2027",
        "high_tech_enterprises",
    )
    assert (draft.value, draft.value_text, draft.unit) == ("1500", "１５００家", "家")
    assert (draft.qualifier_zh, draft.comparator) == ("突破", ">")
    assert draft.source_quote == "到2027年，高新技术企业突破１５００家。"


def test_wan_and_yi_are_converted_and_the_printed_text_kept():
    assert figures("国家高新技术企业突破1.2万家,中关村示范区总收入达4万亿元。") == [
        ("1.2万家", "12000", "家"),
        ("4万亿元", "40000", "亿元"),
    ]
    draft = only("水域总面积30余万亩。")
    assert (draft.value, draft.unit, draft.qualifier_zh, draft.comparator) == (
        "300000",
        "亩",
        "余",
        ">",
    )


def test_a_range_is_one_figure_for_the_curator_to_read():
    (ranged,) = [d for d in extract("项目总投资5-10亿元。", PLAN) if d.kind != "program"]
    assert (ranged.value_text, ranged.value, ranged.unit) == ("5-10亿元", "", "亿元")
    assert ranged.note.startswith("a range from 5 to 10亿元")


def test_a_sum_that_defines_what_is_counted_is_no_figure():
    assert figures("培育了年销售额10亿元品种8个,5-10亿元品种17个。") == [
        ("8个", "8", "个"),
        ("17个", "17", "个"),
    ]
    assert figures("力争到2026年培育年营业收入超10亿元的科技企业15家。") == [("15家", "15", "家")]
    # A sum with its name after it is a figure: 总规模1200亿元的国家集成电路产业基金.
    assert figures("总规模1200亿元的国家集成电路产业基金落户北京。") == [
        ("1200亿元", "1200", "亿元")
    ]


def test_numbers_run_into_the_next_word_are_read():
    text = "拥有国家入库科技型中小企业179雏鹰企业40瞪羚企业16市级科技领军(培育)企业8家"
    assert figures(text) == [
        ("179", "179", ""),
        ("40", "40", ""),
        ("16", "16", ""),
        ("8家", "8", "家"),
    ]
    assert figures("融资40.5亿元47人入选天津市新型企业家,652入选科技创新人才资源库") == [
        ("40.5亿元", "40.5", "亿元"),
        ("47人", "47", "人"),
        ("652", "652", ""),
    ]


def test_a_year_run_into_a_figure_is_split_off():
    first, second = [d for d in extract("国家高企由201558家增加到151家。", PLAN)]
    assert (first.value_text, first.value, first.year, first.kind) == (
        "58家",
        "58",
        "2015",
        "achievement",
    )
    assert first.note == "read 201558 as the year 2015 and 58"
    assert (second.value_text, second.value) == ("151家", "151")


def test_dates_names_and_codes_are_not_figures():
    text = (
        "京科发〔2015〕435号,2015年9月10日,支持4G、5G,“1+6”政策,02专项,55nm芯片,"
        "十三五,2022科技冬奥,京东方8.5代线,C919,世界500强企业,形成一批成果。"
    )
    assert figures(text) == []


def test_a_chinese_numeral_counts_after_a_word_of_quantity():
    draft = only("实现村(社区)至少有一名兼职科普工作者。")
    assert (draft.value, draft.value_text, draft.unit, draft.qualifier_zh) == (
        "1",
        "一名",
        "名",
        "至少",
    )
    assert figures("占全国的近三分之一。") == [("三分之一", "33.333333", "%")]


def test_the_words_around_a_figure_say_what_it_counts():
    total, growth = [
        d for d in extract("累计国内专利授权7669件,年均增长24.95%。", PLAN, INDICATORS)
    ]
    assert (total.indicator_id, total.basis, total.kind) == (
        "patent_grants",
        "cumulative",
        "achievement",
    )
    assert (growth.indicator_id, growth.basis) == ("patent_grants_growth_rate", "growth")
    share = only("高新技术产业总产值占工业总产值的比重达70%以上,")
    assert (share.basis, share.qualifier_zh, share.comparator) == ("share", "以上", ">=")


def test_an_indicator_is_only_guessed_in_its_unit():
    assert only("高新技术企业占比达到28%。").indicator_id == ""
    assert only("年技术合同成交额达到10亿元。").indicator_id == "technology_contract_turnover"


def test_past_years_and_periods_make_achievements_and_later_years_targets():
    stock = only("截止2015年底,通州区高新技术企业达到409家。")
    assert (stock.kind, stock.year, stock.period_start, stock.basis) == (
        "achievement",
        "2015",
        "2015",
        "stock",
    )
    total = only("“十二五”期间,通州区共承担市级以上科技重大项目95个。")
    assert (total.kind, total.period_start, total.year, total.basis) == (
        "achievement",
        "2011",
        "2015",
        "cumulative",
    )
    assert only("十四五末,研发投入占销售收入比例达到2.8%;").year == "2025"
    goal = only("力争技术合同成交额达到10亿元。")
    assert (goal.kind, goal.year, goal.note) == ("target", "2020", "year from the plan's period")
    # Without the plan's year, the words decide.
    unknown = Plan("new-plan")
    assert [d.kind for d in extract("截至目前已建成12家。力争建成20家。", unknown)] == [
        "achievement",
        "target",
    ]


def test_numbered_headings_are_draft_programs_and_sections():
    text = (
        "一、总体要求\n（一）主要目标\n1.创新主体快速集聚。北京高新技术企业突破1500家。\n"
        "(1)专项政策。研究相关政策。\n（二）重点任务\n二、保障措施\n"
    )
    drafts = extract(text, PLAN, INDICATORS)
    assert [(d.kind, d.section, d.level, d.title_zh, d.source_quote) for d in drafts] == [
        ("program", "一、", "pillar", "总体要求", "一、总体要求"),
        ("program", "一、（一）", "task", "主要目标", "（一）主要目标"),
        ("program", "一、（一）1", "measure", "创新主体快速集聚", "1.创新主体快速集聚"),
        ("target", "一、（一）1", "", "", "北京高新技术企业突破1500家。"),
        ("program", "一、（一）1（1）", "measure", "专项政策", "(1)专项政策"),
        ("program", "一、（二）", "task", "重点任务", "（二）重点任务"),
        ("program", "二、", "pillar", "保障措施", "二、保障措施"),
    ]


def test_a_run_on_sentence_is_quoted_by_its_clauses():
    text = "前言" + "很长的句子," * 30 + "高新技术企业达到409家,其他内容。"
    assert only(text).source_quote == "很长的句子,很长的句子,高新技术企业达到409家,"


def test_drafts_are_written_as_csv_with_the_review_columns():
    out = io.StringIO()
    write_drafts(extract("到2027年,高新技术企业突破1500家。", PLAN, INDICATORS), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(COLUMNS)
    required = {"kind", "value", "value_text", "unit", "qualifier_zh", "year", "indicator_id"}
    assert required | {"source_quote"} <= set(COLUMNS)
    assert rows[0]["value"] == "1500"


def test_the_command_writes_drafts_to_a_file(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text("三、发展目标\n到2020年,高新技术企业突破１５００家。\n", encoding="utf-8")
    out = tmp_path / "drafts.csv"
    result = CliRunner().invoke(
        cli, ["extract", str(source), "--plan-id", "tongzhou-st-13fyp", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert [(r["kind"], r["indicator_id"], r["value"], r["year"]) for r in rows] == [
        ("program", "", "", ""),
        ("target", "high_tech_enterprises", "1500", "2020"),
    ]


def test_the_command_writes_to_standard_output_and_takes_the_year(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text("2019年末,宝坻区拥有众创空间3家。\n", encoding="utf-8")
    args = ["extract", str(source), "--plan-id", "new-plan", "--year", "2021"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["kind"], r["value"], r["year"]) for r in rows] == [("achievement", "3", "2019")]


def test_score_matches_by_value_and_overlapping_quote():
    document = "截止2015年底,高新技术企业达到409家,孵化器12家。"
    drafts = extract(document, PLAN, INDICATORS)
    curated = [
        {
            "value": "409",
            "indicator_id": "x",
            "source_quote": "高新技术企业达到409家",
            "kind": "achievement",
        },
        {"value": "13", "indicator_id": "x", "source_quote": "孵化器12家", "kind": "achievement"},
    ]
    result = score(drafts, curated, document, {})
    assert (result.curated, result.found, result.proposed, result.confirmed) == (2, 1, 2, 1)
    assert (result.recall, result.precision, result.kind_right) == (0.5, 0.5, 1)


# Measured on the curated plans (docs/curating.md); the floors sit a little below.
RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.85


@pytest.fixture(scope="module")
def plans():
    if not SOURCES.is_dir():
        pytest.skip(f"the source documents are not in {SOURCES.name}/")
    return read_csv(paths.DATASETS / "plans.csv")


def test_extraction_finds_the_curated_figures(plans):
    scores = [measure(plan["plan_id"], SOURCES) for plan in plans]
    curated = sum(s.curated for s in scores)
    found = sum(s.found for s in scores)
    proposed = sum(s.proposed for s in scores)
    confirmed = sum(s.confirmed for s in scores)
    assert found / curated >= RECALL_FLOOR
    assert confirmed / proposed >= PRECISION_FLOOR


def test_every_draft_quotes_its_source_verbatim(plans):
    for plan in plans:
        document = squash((SOURCES / plan["source_file"]).read_text(encoding="utf-8"))
        text = (SOURCES / plan["source_file"]).read_text(encoding="utf-8")
        for draft in extract(text, Plan(plan["plan_id"])):
            assert squash(draft.source_quote) in document, draft
            assert squash(draft.value_text) in squash(draft.source_quote), draft


# -- years, pairs and indicators, read as a curator reads them ---------------------------------

CATALOGUE = load_indicators()
NEW_PLAN = Plan("new-plan", written=2024)


def drafted(text: str, plan: Plan = NEW_PLAN) -> list[tuple]:
    """(value_text, year, indicator_id) of each figure drafted with the real catalogue."""
    return [
        (d.value_text, d.year, d.indicator_id)
        for d in extract(text, plan, CATALOGUE)
        if d.kind != "program"
    ]


def test_a_goal_year_governs_its_paragraph_and_the_dash_led_items_after_it():
    text = (
        "一、发展目标\n到2030年，全区科技创新综合实力显著增强。\n"
        "——创新主体更加壮大。高新技术企业达到800家，科技型中小企业突破1500家。\n"
        "——创新平台能级提升。众创空间达到40家。\n二、重点任务\n建成孵化器5家。\n"
    )
    assert drafted(text) == [
        ("800家", "2030", "high_tech_enterprises"),
        ("1500家", "2030", "tech_smes"),
        ("40家", "2030", "maker_spaces"),
        ("5家", "", "incubators"),
    ]
    notes = [d.note for d in extract(text, NEW_PLAN, CATALOGUE) if d.kind == "target"]
    assert notes[0] == "year from 2030年 earlier in the section"


def test_a_goal_year_above_numbered_items_governs_them_until_the_next_heading_of_its_rank():
    text = (
        "（二）主要目标\n到2028年，创新格局基本形成。\n1.企业主体。上市企业达到120家。\n"
        "2.创新投入。研发投入强度达到3.2%。\n（三）远景展望\n展望2035年，科技进步贡献率达到70%。\n"
    )
    assert drafted(text) == [
        ("120家", "2028", "listed_companies"),
        ("3.2%", "2028", "rd_intensity"),
        ("70%", "2035", "st_progress_contribution_rate"),
    ]


def test_a_base_year_is_not_the_goal_year_and_a_start_year_belongs_to_its_figure():
    text = (
        "到2030年，高新技术企业数量在2024年基础上翻一番，达到1200家；研发投入强度较2022年提高"
        "0.5个百分点，达到2.8%。\n到2027年，众创空间由2023年的45家增加到60家。\n"
    )
    drafts = [d for d in extract(text, NEW_PLAN, CATALOGUE) if d.kind != "program"]
    assert [(d.value_text, d.year, d.kind, d.indicator_id) for d in drafts] == [
        ("1200家", "2030", "target", "high_tech_enterprises"),
        ("0.5个百分点", "2030", "target", ""),
        ("2.8%", "2030", "target", "rd_intensity"),
        ("45家", "2023", "achievement", "maker_spaces"),
        ("60家", "2027", "target", "maker_spaces"),
    ]


def test_the_year_of_a_past_event_does_not_govern_the_next_sentence():
    text = "2012年召开全市科技创新大会。近500家单位参加股权激励试点。\n"
    plan = Plan("beijing-report", written=2016, period_end=2020)
    assert [(d.value_text, d.year) for d in extract(text, plan) if d.kind != "program"] == [
        ("500家", "2020")
    ]


def test_the_period_in_the_plans_title_is_the_horizon_when_the_text_gives_no_year():
    text = "某市促进科技成果转化三年行动方案(2024-2026年)\n一、工作目标\n概念验证中心达到10个。\n"
    (draft,) = [d for d in extract(text, Plan("new-plan"), CATALOGUE) if d.kind != "program"]
    assert (draft.year, draft.kind) == ("2026", "target")
    assert draft.note.startswith("year from the period in the plan's title")


def test_respectively_gives_the_first_figure_to_the_first_subject():
    text = (
        "到2027年，瞪羚企业和雏鹰企业分别达到50家和400家，专利申请量和授权量分别达到8000件和"
        "5000件，科普基地、科技小院分别达到40个、25个。"
    )
    assert [(t, i) for t, _, i in drafted(text)] == [
        ("50家", "gazelle_enterprises"),
        ("400家", "fledgling_enterprises"),
        ("8000件", "patent_applications"),
        ("5000件", "patent_grants"),
        ("40个", "popular_science_bases"),
        ("25个", "science_tech_backyards"),
    ]


def test_indicators_are_read_by_meaning_and_left_empty_when_none_fits():
    text = (
        "到2025年，全区R&D经费支出占地区生产总值的比重达到3%，研发投入强度达到3.2%，"
        "科技型企业达到2000家，科技型中小企业达到900家，高企总数突破500家，"
        "每万人口高价值发明专利拥有量达到20件，新增高新技术企业200家，建成新型研发机构12家。"
    )
    drafts = [d for d in extract(text, NEW_PLAN, CATALOGUE, load_glossary())]
    assert [(d.value_text, d.indicator_id, d.suggested_indicator) for d in drafts] == [
        ("3%", "rd_intensity", ""),
        ("3.2%", "rd_intensity", ""),
        # no stock of technology-based enterprises in the catalogue (data 1.2.0): a new id
        ("2000家", "", "technology_based_enterprises"),
        ("900家", "tech_smes", ""),
        ("500家", "high_tech_enterprises", ""),
        ("20件", "", "high_value_invention_patents_held_per_10k_people"),
        ("200家", "", "new_high_tech_enterprises"),
        ("12家", "", "new_type_rd_institutions"),
    ]
    assert drafts[-1].note == "no indicator of the catalogue fits “新型研发机构”"


def test_a_ratio_keeps_its_denominator_and_a_rank_its_ranking_in_the_unit():
    text = (
        "到2027年，每万名就业人员中研发人员达到120人年，每万人口高价值发明专利拥有量达到20件，"
        "区域创新能力进入全省前20位，科技创新指数保持全市第3位。"
    )
    drafts = [d for d in extract(text, NEW_PLAN, CATALOGUE) if d.kind != "program"]
    assert [(d.value_text, d.value, d.unit, d.comparator, d.basis) for d in drafts] == [
        ("120人年", "120", "人年/万名就业人员", ">=", "share"),
        ("20件", "20", "件/万人", ">=", "share"),
        ("20位", "20", "全省排名", "<=", "stock"),
        ("3位", "3", "全市排名", "=", "stock"),
    ]


def test_every_synonym_reads_as_words_of_the_catalogue():
    names = [normalise(i.name_zh) for i in CATALOGUE]
    for term, reads_as in synonyms().items():
        assert any(reads_as in name for name in names), (term, reads_as)


# Measured on the corpus (benchmarks/extract_recall.py); the floors.
CORPUS = load_corpus(Path(__file__).parent / "extract_corpus")


def test_the_corpus_holds_at_least_sixty_figures_in_passages_of_every_class():
    assert sum(len(p.expected) for p in CORPUS) >= 60
    names = {p.name for p in CORPUS}
    assert {"goal_year_paragraph", "base_years", "respectively", "ratios_and_ranks"} <= names


def test_drafts_of_the_corpus_meet_the_floors_for_recall_years_indicators_and_spurious():
    total = CorpusScore()
    for passage in CORPUS:
        total += measure_passage(passage, CATALOGUE)
    assert total.found / total.expected >= 0.95
    assert total.year_right / total.found >= 0.95
    assert total.indicator_right / total.with_indicator >= 0.90
    assert total.spurious / total.proposed <= 0.10


# -- the review view ---------------------------------------------------------------------------


def test_the_review_view_highlights_each_draft_in_place_with_its_fields(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text(
        "某区科技创新实施方案(2024-2026年)\n印发日期2024年3月15日。\n一、主要目标\n"
        "高新技术企业突破1500家，新增孵化器4家，建成新型研发机构<2>家。\n",
        encoding="utf-8",
    )
    page = tmp_path / "review.html"
    args = ["extract", str(source), "--plan-id", "new-plan", "--html", str(page)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    marks = re.findall(r'<mark class="(\w+)" id="draft-(\d+)"[^>]*>([^<]+)<sup>', html)
    assert [(kind, text) for kind, _, text in marks] == [("target", "1500家"), ("target", "4家")]
    assert '<td class="indicator">high_tech_enterprises</td>' in html
    assert "new? <code>new_incubators</code>" in html
    # Text is escaped, not markup.
    assert 'class="undrafted">2</span>&gt;家' in html and "机构<2>" not in html
    missed = html[html.index('id="missed"') :]
    assert "印发日期2024年3月15日。" in missed
    assert "高新技术企业突破1500家" not in missed
