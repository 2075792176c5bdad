"""The portal's own words in Chinese and English, and numbers formatted for each language."""

import re
from urllib.parse import urlencode

from flask import g, request

from portal.tableschema import load_schemas

LANGUAGES = ("zh", "en")
COOKIE = "lang"

TEXT = {
    "site": ("科技规划数据门户", "Science and Technology Plans Open Data"),
    "tagline": (
        "中国地方科技规划中的目标、成绩与任务：逐条整理，中英双语，每个数字都有原文出处。",
        "Targets, achievements and programmes of Chinese regional science and technology "
        "plans: curated row by row, in Chinese and English, every number with its source.",
    ),
    "home": ("首页", "Home"),
    "plan": ("规划", "Plan"),
    "indicator": ("指标", "Indicator"),
    "search": ("搜索", "Search"),
    "search_placeholder": ("例如：专利、人才 2027、high-tech", "e.g. 专利, 人才 2027, high-tech"),
    "downloads": ("下载", "Downloads"),
    "api": ("接口", "API"),
    "tables": ("数据表", "Data tables"),
    "issuer": ("发布机关", "Issuer"),
    "published": ("发布日期", "Published"),
    "period": ("时期", "Period"),
    "doc_number": ("文号", "Document number"),
    "region": ("地区", "Region"),
    "year": ("年份", "Year"),
    "target_year": ("目标年份", "Target year"),
    "target_value": ("目标值", "Target"),
    "as_printed": ("原文", "As printed"),
    "value": ("数值", "Value"),
    "latest": ("最新数字", "Latest figure"),
    "growth_needed": ("所需年均增速", "Growth needed a year"),
    "growth_achieved": ("已实现年均增速", "Growth achieved a year"),
    "status": ("进展", "Progress"),
    "source": ("原文出处", "Source passage"),
    "section": ("章节", "Section"),
    "unit": ("单位", "Unit"),
    "definition": ("定义", "Definition"),
    "theme": ("主题", "Theme"),
    "cite": ("引用", "Cite"),
    "cite_as": ("建议引用格式", "Suggested citation"),
    "qualitative": ("定性目标", "qualitative goal"),
    "no_rows": ("暂无。", "None."),
    "chart": ("图表", "Chart"),
    "log_scale": ("对数刻度", "log scale"),
    "readable_page": ("阅读页面", "Readable page"),
    "chart_alt": ("图表中的全部数字见下表。", "Every figure in the chart is in the table below."),
    # The chart of an indicator: a panel per basis, its series, its downloads.
    "basis_stock": ("存量", "stock"),
    "basis_annual": ("年度", "annual"),
    "basis_cumulative": ("累计", "cumulative"),
    "basis_share": ("比率", "share"),
    "basis_growth": ("增速", "growth"),
    "panel_stock": ("存量：某一时点的数量", "Stock: a count at a point in time"),
    "panel_annual": ("年度：一年之内的数量", "Annual: a flow within one year"),
    "panel_cumulative": ("累计：一段时期的合计", "Cumulative: a total over a period"),
    "panel_share": ("比率：比重、人均或强度", "Share: a share, a ratio or a rate per head"),
    "panel_growth": ("增速：增长率", "Growth: a rate of growth"),
    "chart_series": ("{region} · {kind}（{basis}）", "{region} · {kind} ({basis})"),
    "chart_figure": ("成绩", "figure"),
    "chart_goal": ("目标", "goal"),
    "chart_figures": ("成绩", "figures"),
    "chart_goals": ("目标", "goals"),
    "chart_spans": ("成绩涵盖的年份", "years a figure covers"),
    "chart_paths": ("从最新数字到目标", "from the latest figure to the goal"),
    "chart_bases_apart": (
        "不同口径的数字分开画，不连成一条线：一年的数量、多年合计与某一时点的存量不能直接比较。",
        "Figures of different bases are drawn apart, never as one line: a flow in one year, "
        "a total over several years and a count at a date cannot be compared directly.",
    ),
    "chart_in_words": ("用文字表述的目标", "Goals stated in words"),
    "chart_only_words": (
        "这个指标只有用文字表述的目标，没有可以画图的数字。",
        "This indicator has only goals stated in words: there is no number to chart.",
    ),
    "download_png": ("下载图片（PNG）", "Download image (PNG)"),
    "download_chart_csv": ("下载图中数据（CSV）", "Download the chart's data (CSV)"),
    "csv_basis": ("口径", "Basis"),
    "csv_series": ("序列", "Series"),
    "csv_kind": ("类别", "Kind"),
    "csv_period_start": ("时期起始年", "Period start"),
    "csv_comparator": ("比较", "Comparator"),
    "csv_id": ("编号", "ID"),
    "kind_target": ("目标", "target"),
    "kind_achievement": ("成绩", "achievement"),
    "status_met": ("已达成", "Met"),
    "status_not_met": ("未达成", "Not met"),
    "status_no_figure_for_year": (
        "已公布文件中没有{year}年的数字",
        "No figure for {year} in the published documents",
    ),
    "status_no_figure": ("没有目标年份的数字", "No figure for the target year"),
    "status_achieved": ("已提前达到", "Already reached"),
    "status_on_track": ("进展顺利", "On track"),
    "status_needs_acceleration": ("需要加速", "Needs acceleration"),
    "status_no_trend": ("仅有一个数字", "One figure only"),
    "status_no_baseline": ("无基线", "No baseline"),
    # What each progress status means: the legend beside every status a page shows.
    "means_met": (
        "目标年份的数字达到了目标。",
        "The figure for the target year meets the goal.",
    ),
    "means_not_met": (
        "目标年份的数字没有达到目标。",
        "The figure for the target year falls short of the goal.",
    ),
    "means_no_figure_for_year": (
        "目标年份已过，已公布的文件中没有该年的数字，无法判断是否达成。",
        "The target year is over and the published documents give no figure for it: "
        "whether the goal was met is not known.",
    ),
    "means_achieved": (
        "目标年份之前的最新数字已经达到目标。",
        "The latest figure before the target year already meets the goal.",
    ),
    "means_on_track": (
        "已实现的年均增速不低于达到目标所需的年均增速。",
        "The growth achieved a year is at least the growth needed to reach the goal.",
    ),
    "means_needs_acceleration": (
        "已实现的年均增速低于所需增速。",
        "The growth achieved a year is below the growth needed.",
    ),
    "means_no_trend": (
        "只有一个较早的数字（基线），看不出趋势。",
        "There is a single earlier figure (the baseline): no trend can be seen.",
    ),
    "means_no_baseline": (
        "目标年份之前没有同口径的数字可供比较。",
        "No earlier figure on the same basis to compare with.",
    ),
    "means_qualitative": (
        "目标用文字表述，没有数字，不计算进展。",
        "The goal is stated in words, without a number: no progress is computed.",
    ),
    "progress_legend": ("进展说明", "What the progress means"),
    "progress_method": (
        "进展只用同一指标、同一地区、同一口径（年度、累计、存量、比重、增速）的数字计算；"
        "基线是目标年份之前的最新数字。状态截至本数据版本发布之年（{year}年）：早于该年的目标年份视为已过。",
        "Progress uses only figures of the same indicator, region and basis (annual, "
        "cumulative, stock, share, growth); the baseline is the latest figure before the "
        "target year. Statuses are as of the year of this data release ({year}): a target year "
        "before it is over.",
    ),
    "progress_method_link": ("计算方法", "How progress is computed"),
    "progress_summary": ("目标一览", "The goals at a glance"),
    "summary_no_goals": (
        "本规划没有列为目标的数字或表述；它的任务见下文。",
        "No goal of this plan is listed as a target: its aims are in its programmes below.",
    ),
    "summary_goal": ("个目标", "goal"),
    "summary_goals": ("个目标", "goals"),
    "summary_numeric": ("个量化目标", "with a number"),
    "summary_baseline": ("个有基线", "with a baseline"),
    "summary_qualitative": ("个定性目标", "qualitative"),
    "summary_passed": ("目标年份已过（早于{year}年）", "Target year over (before {year})"),
    "summary_ahead": ("目标年份未到", "Target year still ahead"),
    "summary_none": ("无", "none"),
    "no_results": ("没有找到结果。", "Nothing found."),
    "kind": ("类别", "Kind"),
    "all_kinds": ("全部", "All"),
    "all_plans": ("全部规划", "All plans"),
    "all_regions": ("全部地区", "All regions"),
    "region_within": ("地区（含下辖地区）", "Region (and the regions within it)"),
    "filter": ("筛选", "Filter"),
    "clear_filters": ("清除筛选", "Clear filters"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "page_of": ("第 {page} 页，共 {pages} 页", "Page {page} of {pages}"),
    "showing": ("第 {first}–{last} 条", "Hits {first}–{last}"),
    "pages": ("分页", "Pages"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "in_datasette": ("在数据表中查看", "View in the data tables"),
    "browse_tables": ("浏览、筛选全部数据表", "Browse and filter every table"),
    "api_docs": ("接口文档", "API documentation"),
    "language": ("语言", "Language"),
    "other_language": ("English", "中文"),
    "data_version": ("数据版本", "Data version"),
    "file": ("文件", "File"),
    "size": ("大小", "Size"),
    "changelog": ("更新记录", "Changelog"),
    "whole_package": (
        "完整数据包（CSV、表结构、datapackage.json）",
        "The whole data package (CSVs, Table Schemas, datapackage.json)",
    ),
    "workbook": (
        "Excel 工作簿（每表一页，附说明页）",
        "Excel workbook (one sheet per table, with a README sheet)",
    ),
    "database": ("SQLite 数据库", "SQLite database"),
    "latest_name": ("固定链接（始终为最新版本）", "Fixed link (always the latest version)"),
    "versioned_name": ("本版本链接", "This version's link"),
    "not_built": (
        "下载文件尚未生成：运行 portal downloads。",
        "The downloads have not been built: run portal downloads.",
    ),
    "compilation": ("本门户数据汇编", "This portal's compilation"),
    # Data that travels: the figures table, release notes, feeds and embeds.
    "figures_title": ("全部数字（一张表）", "Every number in one table"),
    "figures_note": (
        "figures 表把每个目标和每项成绩放在一行：规划、地区、指标名称、单位（中英文）、类别、口径、"
        "年份或期间、比较方式、数值、原文数值、限定词、章节和原文摘录，无需关联其他表。",
        "The figures table puts every target and every achievement on one row: plan, region, "
        "indicator names, unit in both languages, kind, basis, year or period, comparator, "
        "value, value as printed, qualifier, section and verbatim quote, with no join needed.",
    ),
    "figures_csv": ("下载全部数字（逗号分隔值文件）", "Every number (CSV)"),
    "figures_xlsx": ("下载全部数字（电子表格）", "Every number (Excel)"),
    "package_note": (
        "数据包中的每个 CSV 都以 UTF-8 字节顺序标记开头，Excel 双击即可正确显示中文；"
        "datapackage.json 为每张表（含派生表 series、progress、figures）附有表结构。",
        "Every CSV in the package starts with a UTF-8 byte-order mark, so that Excel shows the "
        "Chinese right; datapackage.json gives each table, the derived series, progress and "
        "figures included, its Table Schema.",
    ),
    "tables_title": ("逐表下载", "Table by table"),
    "tables_note": (
        "文件名写明表名与数据版本；在规划或指标页面下载时还写明筛选条件，"
        "例如 targets-baodi-st-14fyp-1.1.0.csv。",
        "File names say the table and the data version, and the filter when a plan or "
        "indicator page offers them, e.g. targets-baodi-st-14fyp-1.1.0.csv.",
    ),
    "table": ("表", "Table"),
    "what_it_holds": ("内容", "What it holds"),
    "derived": ("由构建生成", "derived by the build"),
    "releases_feed": ("数据版本订阅（Atom）", "Data releases (Atom feed)"),
    "releases_note": (
        "每个版本与上一版本的逐行比较（portal diff），以及整理者的说明（英文）。订阅与目录：",
        "Each release compared row by row with the one before (portal diff), and the "
        "curators' notes. Feed and catalogue:",
    ),
    "release_heading": ("数据版本 {version}（{date}）", "Release {version} ({date})"),
    "curator_notes": ("整理者说明（英文原文）", "Curators' notes"),
    "embed_chart": ("嵌入此图表", "Embed this chart"),
    "embed_note": (
        "将下面的代码粘贴到网页中，即可嵌入只含图表的页面，图下附引用和返回本页的链接。",
        "Paste this code into a web page to embed the chart alone, with the citation and a "
        "link back to this page under it.",
    ),
    "embed_preview": ("预览", "Preview"),
    "embed_every_figure": ("全部数字与原文出处", "every figure with its source"),
    "embed_sources": ("来源", "Sources"),
    "chart_alt_embed": (
        "图表中的全部数字见链接页面。",
        "Every figure in the chart is on the linked page.",
    ),
    "not_found": ("没有这个页面。", "There is no such page."),
    "error": ("出错了（{code}）。", "Something went wrong ({code})."),
    "skip": ("跳到正文", "Skip to content"),
    "all_indicators": ("全部指标", "All indicators"),
    "about": ("关于与方法说明", "About and method"),
    "about_short": ("关于", "About"),
    # Regions, comparisons and paging at national scale.
    "regions_browse": ("按地区浏览", "Browse by region"),
    "newest_plans": ("最新规划", "Newest plans"),
    "region_code": ("地区代码", "Region code"),
    "region_level": ("层级", "Level"),
    "region_part_of": ("所属地区", "Part of"),
    "region_with_subregions": ("含下级地区", "with the regions within it"),
    "subregions": ("下级地区", "Regions within it"),
    "region_plans": ("本地区的规划", "Plans of this region"),
    "region_indicators": ("本地区规划中的指标", "Indicators in this region's plans"),
    "region_goal": ("最远目标", "Furthest goal"),
    "level_macro-region": ("区域", "Macro-region"),
    "level_province": ("省级", "Province"),
    "level_prefecture": ("地级", "Prefecture"),
    "level_district": ("市辖区", "District"),
    "level_county": ("县级", "County"),
    "compare_regions": ("对比地区（最多 {n} 个）", "Regions compared (up to {n})"),
    "compare_default": (
        "默认显示层级最高的地区，按最新数字从大到小，最多 {n} 个。",
        "By default, the regions highest in the tree, largest latest figure first, up to {n}.",
    ),
    "compare_chosen": ("图中为所选地区。", "The chart shows the regions chosen."),
    "compare_at_most": (
        "最多对比 {n} 个地区，其余未显示。",
        "At most {n} regions: the rest are left out.",
    ),
    "compare": ("对比", "Compare"),
    "compare_reset": ("恢复默认", "Back to the default"),
    "add_region": ("添加地区", "Add a region"),
    "region_placeholder": ("名称或代码，如 宝坻区、120115", "name or code, e.g. Baodi, 120115"),
    "region_unknown": ("没有找到地区：{name}", "No region found: {name}"),
    "figures_and_goals": ("全部数字与目标", "Every figure and goal"),
    "all_years": ("全部年份", "All years"),
    "filter_reset": ("清除筛选", "Clear the filters"),
    "download_all_csv": ("下载全部数字（CSV）", "Download every figure (CSV)"),
    "download_these_csv": ("下载筛选结果（CSV）", "Download these figures (CSV)"),
    "rows_download": ("某个规划或地区的数据", "The rows of one plan or region"),
    "rows_download_hint": (
        "按规划编号或地区（名称或代码）下载 CSV，由接口筛选生成。",
        "Download a plan's or a region's rows as CSV (by plan id, or region name or code), "
        "filtered by the API.",
    ),
    "rows_table": ("数据表", "Table"),
    "plan_id": ("规划编号", "Plan id"),
    "rows_need_filter": ("请填写规划编号或地区。", "Give a plan id or a region."),
    "rows_by_plan_only": (
        "任务表只能按规划下载：请填写规划编号。",
        "Programmes are downloaded by plan: give a plan id.",
    ),
    "plan_unknown": ("没有找到规划：{plan}", "No plan found: {plan}"),
    "citations_newest": (
        "以下为最新的 {n} 个规划；每个规划的页面都给出其引用格式。",
        "The {n} newest plans; every plan's page gives its citation.",
    ),
}

# Each table's name, as its Table Schema gives it (schemas/*.schema.json).
TEXT |= {
    name: (schema.title_zh, schema.title) for name, schema in load_schemas(derived=True).items()
}

# How many of a thing: Chinese, then English for one and for more.
COUNTS = {
    "targets": ("{n} 个目标", "{n} target", "{n} targets"),
    "achievements": ("{n} 个成绩", "{n} achievement", "{n} achievements"),
    "programs": ("{n} 项任务", "{n} programme", "{n} programmes"),
    "indicators": ("{n} 个指标", "{n} indicator", "{n} indicators"),
    "results": ("找到 {n} 条结果", "{n} result", "{n} results"),
    "plans": ("{n} 个规划", "{n} plan", "{n} plans"),
}


def language() -> str:
    """The reader's language: ?lang=, else the cookie, else the browser's preference, else zh."""
    if "lang" not in g:
        chosen = request.args.get("lang")
        if chosen not in LANGUAGES:
            chosen = request.cookies.get(COOKIE)
        if chosen not in LANGUAGES:
            chosen = request.accept_languages.best_match(LANGUAGES) or "zh"
        g.lang = chosen
    return g.lang


def t(key: str, **values) -> str:
    """A phrase of the portal in the reader's language."""
    zh, en = TEXT[key]
    text = zh if language() == "zh" else en
    return text.format(**values) if values else text


def counted(n: int, key: str) -> str:
    """'2 个目标', '1 target', '1,500 results'."""
    zh, one, many = COUNTS[key]
    text = zh if language() == "zh" else one if n == 1 else many
    return text.format(n=number(n))


def pick(row: dict, base: str) -> str:
    """The column base_zh or base_en of a row, in the reader's language."""
    return row.get(f"{base}_{language()}") or row.get(f"{base}_zh") or row.get(f"{base}_en") or ""


def number(value) -> str:
    """1500.0 → '1,500'; 2.8 → '2.8'; None → ''."""
    if value is None:
        return ""
    value = float(f"{float(value):.15g}")  # 0.1 + 0.2 reads 0.3
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


# Chinese units of scale as an English unit may carry them ("100 million yuan" for 亿元).
_SCALE_PREFIX = re.compile(r"^(100 million|10 000|10,000)\s+(.*)$")
_SCALE_OF = {"100 million": 1e8, "10 000": 1e4, "10,000": 1e4}
# English scale words, largest first, used from a million up.
_ENGLISH_SCALE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
# Chinese scale words, largest first, used from ten thousand up.
_CHINESE_SCALE = ((1e8, "亿"), (1e4, "万"))


def _significant(value: float) -> str:
    """A number to six significant digits, as number() writes it: 16.617, 3,452.6."""
    return number(float(f"{value:.6g}"))


def english_quantity(value, unit_en: str) -> str:
    """A value in an English unit, Chinese scales in English words: 30 in '100 million yuan' →
    '3 billion yuan'; 12000 enterprises → '12,000 enterprises'; 28 in '% of GDP' → '28% of GDP'."""
    if value is None:
        return ""
    value = float(value)
    unit = unit_en or ""
    scaled = _SCALE_PREFIX.match(unit)
    if scaled:
        value, unit = value * _SCALE_OF[scaled.group(1)], scaled.group(2)
    if value == 1:
        unit = singular(unit)
    if unit.startswith("%"):
        return f"{number(value)}{unit}"
    for size, word in _ENGLISH_SCALE:
        if abs(value) >= size:
            return f"{_significant(value / size)} {word} {unit}".rstrip()
    return f"{number(value)} {unit}".rstrip()


def axis_unit(unit_en: str) -> tuple[str, float]:
    """An English unit for a chart's value axis, Chinese scales in English words, and the factor
    its values are multiplied by: '100 million yuan' → ('billion yuan', 0.1)."""
    scaled = _SCALE_PREFIX.match(unit_en or "")
    if not scaled:
        return unit_en, 1.0
    size = _SCALE_OF[scaled.group(1)]
    word, by = ("billion", 1e9) if size >= 1e8 else ("thousand", 1e3)
    return f"{word} {scaled.group(2)}", size / by


def chinese_quantity(value, unit: str) -> str:
    """A value in a Chinese unit as Chinese writes it: 12000 家 → '1.2万家'; 40000 亿元 → '4万亿元';
    1500 家 → '1,500 家'; 2.8 % → '2.8%'."""
    if value is None:
        return ""
    value, unit = float(value), unit or ""
    if unit.startswith("%"):
        return f"{number(value)}{unit}"
    if unit.startswith("亿") and abs(value) >= 1e4:
        return f"{_significant(value / 1e4)}万{unit}"
    if not unit.startswith(("万", "亿")):
        for size, word in _CHINESE_SCALE:
            if abs(value) >= size and float(f"{value / size:.4g}") == value / size:
                return f"{number(value / size)}{word}{unit}"
    return f"{number(value)} {unit}".rstrip()


def quantity(value, indicator: dict) -> str:
    """A value with its unit in the reader's language: '1,500 家', '1.2万家', '1,500 enterprises',
    '1 enterprise', '2.8% of GDP', '3 billion yuan' (30 亿元)."""
    if value is None:
        return ""
    if language() == "zh":
        return chinese_quantity(value, indicator["unit"])
    return english_quantity(value, indicator["unit_en"])


# The qualifying words of figures as printed (qualifier_zh), in English: the words before the
# number, the words after it, and whether they already say what the comparator says.
QUALIFIERS = {
    "突破": ("over", "", True),
    "超过": ("over", "", True),
    "余": ("over", "", True),
    "多": ("over", "", True),
    "左右": ("about", "", True),
    "约": ("about", "", True),
    "近": ("nearly", "", True),
    "以上": ("", "or more", True),
    "至少": ("at least", "", True),
    "不到": ("under", "", True),
    "不低于": ("at least", "", True),
    "不超过": ("at most", "", True),
    "以内": ("", "or less", True),
    "力争": ("striving for", "", False),
}
# 达/达到 set a floor in a target and report the level reached in an achievement.
REACH = {"target": ("reach", "", True), "achievement": ("reached", "", True)}
COMPARATOR_WORDS = {">=": "at least", ">": "over", "~": "about", "<=": "at most", "<": "under"}
# Where a qualifier stands around the number as printed (余 and 多 are inside value_text).
_AFTER_ZH = ("以上", "左右", "以内")
_INSIDE_ZH = ("余", "多")


def _kind(row: dict) -> str:
    if row.get("kind") in ("target", "achievement"):
        return row["kind"]
    return "target" if "target_year" in row or "target_id" in row else "achievement"


def printed(row: dict) -> str:
    """A figure as printed, its qualifier in place: '突破1500家', '20个左右', '1000余项'; where the
    qualifier stands apart from the number in the passage, '力争…10支', '至少…一名'."""
    text, qualifier = row.get("value_text") or "", row.get("qualifier_zh") or ""
    if not text or not qualifier or qualifier in _INSIDE_ZH or qualifier in text:
        return text
    together = text + qualifier if qualifier in _AFTER_ZH else qualifier + text
    quote = row.get("source_quote")
    if not quote or together in quote:
        return together
    return text + "…" + qualifier if qualifier in _AFTER_ZH else qualifier + "…" + text


def english_figure(row: dict, unit_en: str) -> str:
    """A figure in English with its qualifier: 'over 12,000 enterprises', 'about 20 teams',
    'reach 3 billion yuan', '70% of gross industrial output or more'."""
    if row.get("value") is None:
        return ""
    qualifier = row.get("qualifier_zh") or ""
    symbol = row.get("comparator") or "="
    if qualifier in ("达", "达到"):
        before, after, says = REACH[_kind(row)]
    else:
        before, after, says = QUALIFIERS.get(qualifier, ("", "", False))
    words = [before]
    if not says:
        words.append(COMPARATOR_WORDS.get(symbol, ""))
    words += [english_quantity(row["value"], unit_en), after]
    return " ".join(w for w in words if w)


def figure(row: dict, indicator: dict | None = None) -> str:
    """A target's or achievement's figure in the reader's language: as printed on Chinese pages,
    in English words with its qualifier on English pages. Units come from the row or indicator."""
    units = indicator or row
    if language() == "zh":
        return printed(row) or chinese_quantity(row.get("value"), units["unit"])
    return english_figure(row, units["unit_en"])


def comparable(row: dict, indicator: dict | None = None) -> str:
    """A figure in its indicator's unit, so that figures of several plans compare: on Chinese
    pages '> 1,500 家', '≈ 1.2万家'; on English pages as figure() writes it."""
    units = indicator or row
    if language() == "en":
        return english_figure(row, units["unit_en"])
    if row.get("value") is None:
        return ""
    symbol = comparator(row.get("comparator") or "=")
    return f"{symbol} {chinese_quantity(row['value'], units['unit'])}".strip()


_UNCOUNTED = ("headquarters", "yuan")


def singular(unit: str) -> str:
    """An English unit for one: enterprises → enterprise, laboratories → laboratory,
    people per township → person per township; units that are no plural stay as they are."""
    head, per, rest = unit.partition(" per ")
    if not head or head[0].isdigit() or head.startswith("%") or " and " in head or "(" in head:
        return unit
    *words, last = head.split(" ")
    if last == "people":
        last = "person"
    elif last in _UNCOUNTED:
        return unit
    elif last.endswith("ies"):
        last = last[:-3] + "y"
    elif re.search(r"(ch|sh|x)es$", last):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return " ".join([*words, last]) + per + rest


SYMBOLS = {">=": "≥", ">": ">", "=": "", "~": "≈", "<=": "≤", "<": "<", "qualitative": ""}


def comparator(symbol: str) -> str:
    """A comparator as a reader writes it: >= → ≥, ~ → ≈, = → nothing."""
    return SYMBOLS.get(symbol, symbol)


def switch_url() -> str:
    """This page in the other language, its other query parameters kept."""
    other = "en" if language() == "zh" else "zh"
    args = {k: v for k, v in request.args.lists() if k != "lang"}
    return "?" + urlencode({**args, "lang": other}, doseq=True)


def remember(response):
    """Keep the language a reader chose with ?lang= for the next pages; a page's language depends
    on the cookie and the browser's preference, so caches must keep the versions apart."""
    chosen = request.args.get("lang")
    # Never on an answer a shared cache may keep (a download): it would hand the cookie on.
    if chosen in LANGUAGES and not response.cache_control.public:
        response.set_cookie(
            COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure
        )
        response.cache_control.private = True
    response.vary.update(("Cookie", "Accept-Language"))
    return response
