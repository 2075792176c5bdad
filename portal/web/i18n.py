"""The portal's own words in Chinese and English, and numbers formatted for each language."""

import re
from urllib.parse import urlencode

from flask import g, request

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
    "plans": ("规划", "Plans"),
    "plan": ("规划", "Plan"),
    "themes": ("主题", "Themes"),
    "indicators": ("指标", "Indicators"),
    "indicator": ("指标", "Indicator"),
    "targets": ("目标", "Targets"),
    "achievements": ("成绩", "Achievements"),
    "programs": ("任务", "Programmes"),
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
    "kind_target": ("目标", "target"),
    "kind_achievement": ("成绩", "achievement"),
    "status_achieved": ("已实现", "Achieved"),
    "status_on_track": ("进展顺利", "On track"),
    "status_needs_acceleration": ("需要加速", "Needs acceleration"),
    "status_no_trend": ("仅有一个数字", "One figure only"),
    "status_no_baseline": ("无基线", "No baseline"),
    "no_results": ("没有找到结果。", "Nothing found."),
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
    "not_found": ("没有这个页面。", "There is no such page."),
    "error": ("出错了（{code}）。", "Something went wrong ({code})."),
    "skip": ("跳到正文", "Skip to content"),
    "all_indicators": ("全部指标", "All indicators"),
    "progress_note": (
        "进展按同一指标、同一地区的已报告数字计算：基线为目标年份前的最新数字。",
        "Progress is computed from the figures reported for the same indicator and "
        "region: the baseline is the latest figure before the target year.",
    ),
}


# How many of a thing: Chinese, then English for one and for more.
COUNTS = {
    "targets": ("{n} 个目标", "{n} target", "{n} targets"),
    "achievements": ("{n} 个成绩", "{n} achievement", "{n} achievements"),
    "programs": ("{n} 项任务", "{n} programme", "{n} programmes"),
    "indicators": ("{n} 个指标", "{n} indicator", "{n} indicators"),
    "results": ("找到 {n} 条结果", "{n} result", "{n} results"),
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
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def quantity(value, indicator: dict) -> str:
    """A value with its unit: '1,500 家', '1,500 enterprises', '1 enterprise', '2.8% of GDP'."""
    if value is None:
        return ""
    if language() == "zh":
        unit = indicator["unit"]
    else:
        unit = indicator["unit_en"]
        if value == 1:
            unit = singular(unit)
    if unit.startswith("%"):
        return f"{number(value)}{unit}"
    return f"{number(value)} {unit}"


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
