"""Reading numbers as Chinese documents print them: 1.2万家, ４万亿元, 二十个, 28%."""

import re
from dataclasses import dataclass

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
# Every full-width ASCII form (！ to ～) and the ideographic space, one character for one.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
# Longest first, so that 万亿 is not read as 万.
_MAGNITUDES = (("万亿", 10**12), ("亿", 10**8), ("万", 10**4), ("千", 10**3))
_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_FRACTION = re.compile(
    r"([零〇一二两三四五六七八九十百]+|\d+)分之([零〇一二两三四五六七八九十]+|\d+)"
)


def half_width(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII: '１５００家（次）' → '1500家(次)'.

    One character stays one character, so positions in the result are positions in the text.
    """
    return text.translate(_HALF_WIDTH)


def magnitude(unit: str) -> int:
    """The multiplier a unit word starts with: 亿元 → 10**8, 万人 → 10**4, 家 → 1."""
    for word, factor in _MAGNITUDES:
        if unit.startswith(word):
            return factor
    return 1


def chinese_integer(text: str) -> int:
    """An integer written in Chinese numerals below 10 000: 二十 → 20, 一百零五 → 105."""
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            total += (digit or 1) * _SMALL_UNITS[char]
            digit = 0
    return total + digit


def parse_printed(text: str) -> float | None:
    """The quantity a printed figure states: '1.2万家' → 12000, '三分之一' → 1/3."""
    text = text.translate(_FULL_WIDTH)
    fraction = _FRACTION.search(text)
    if fraction:
        whole, part = (int(g) if g.isdigit() else chinese_integer(g) for g in fraction.groups())
        return part / whole if whole else None
    match = _ARABIC.search(text)
    if match:
        number = float(match.group().replace(",", ""))
    else:
        match = _CHINESE.search(text)
        if not match:
            return None
        number = chinese_integer(match.group())
    # 余/多 may stand between the number and its magnitude: 30余万亩 is over 300 000 mu.
    return number * magnitude(text[match.end() :].lstrip().lstrip("余多"))


def in_unit(text: str, unit: str) -> float | None:
    """A printed figure converted to a canonical unit: ('4万亿元', '亿元') → 40000."""
    quantity = parse_printed(text)
    if quantity is None:
        return None
    if _FRACTION.search(text.translate(_FULL_WIDTH)) and unit.startswith("%"):
        return round(quantity * 100, 10)  # 三分之一 of a total is 33.33 %
    return round(quantity / magnitude(unit), 10)


# Measure words that count things: one may stand for another (160家 platforms, 20个 platforms).
COUNTERS = frozenset("家个所支名人位项件条座处起次批")
_QUALIFIERS = ("余", "多", "左右", "以上", "以内", "近", "约")


def printed_unit(text: str) -> str | None:
    """A printed figure's unit word without its magnitude: '1.2万余家' → '家', '4万亿元' → '元'."""
    text = text.translate(_FULL_WIDTH).replace("(", "").replace(")", "")
    if _FRACTION.search(text):
        return "%"
    match = _ARABIC.search(text) or _CHINESE.search(text)
    if not match:
        return None
    rest = _strip_qualifiers(text[match.end() :].strip())
    return _strip_qualifiers(base_unit(rest)) or None


def _strip_qualifiers(text: str) -> str:
    for word in _QUALIFIERS:
        text = text.removeprefix(word)
    return text


def base_unit(unit: str) -> str:
    """A unit without its magnitude word: 亿元 → 元, 万人次 → 人次."""
    for word, _ in _MAGNITUDES:
        if unit.startswith(word) and len(unit) > len(word):
            return unit[len(word) :]
    return unit


def unit_kind(unit: str) -> str:
    """percent, money, count, or the unit itself for measures such as 辆, 亩 or 平方公里."""
    unit = base_unit(unit)
    if unit.startswith("%") or unit == "个百分点":
        return "percent"
    if unit.endswith("元"):
        return "money"
    if unit[:1] in COUNTERS:
        return "count"
    return unit


def same_unit(printed: str, canonical: str) -> bool:
    """Whether a printed unit can be a figure of an indicator with this canonical unit.

    Words that are not units (零投诉) pass; a percentage, a sum of money and a count never mix.
    """
    kinds = {unit_kind(printed), unit_kind(canonical)}
    return len(kinds) == 1 or not kinds <= {"percent", "money", "count", base_unit(canonical)}


# -- figures in running text ---------------------------------------------------------------

NUMBER = r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?"
_CN_NUMBER = r"[零一二两三四五六七八九十百千]+"
# Longest first, so that 人次 is not read as 人.
_UNITS = sorted(
    "平方公里 平方米 公顷 亩 个百分点 百分点 人次 人年 家(次) 家次 亿元 万元 元 % "
    "家 个 件 人 名 项 位 支 条 座 所 起 次 批 倍 辆 台 套 款 种 篇 部 场 吨 米".split(),
    key=len,
    reverse=True,
)
_UNIT = "|".join(re.escape(u) for u in _UNITS)
_TAIL = rf"(?P<approx>余|多)?(?P<magnitude>万亿|亿|万|千)?(?P<approx2>余|多)?(?P<unit>{_UNIT})?"
_FIGURE = re.compile(
    rf"(?P<number>{NUMBER})(?:\s*[-~—–]\s*(?P<upper>{NUMBER}))?{_TAIL}"
    r"(?P<after>左右|以上|以内|以下)?"
)
_CN_FIGURE = re.compile(
    rf"(?P<fraction>{_CN_NUMBER}分之{_CN_NUMBER})"
    rf"|(?P<number>{_CN_NUMBER}){_TAIL}(?P<after>左右|以上|以内|以下)?"
)
# A unit character that begins a word is no unit: 20项目 is 20 (projects), 50支持 is 50.
_NOT_UNITS = tuple("支持 支撑 人才 人员 项目 个人 所有 条件 位于 批准 次要".split())
# After a number, these make it a date, a time, an ordinal or a name, not a figure.
_NOT_FIGURE_AFTER = set("年月日号时分秒周天代届期版层楼英强") | set("+.%/×-")
# Words that make a Chinese numeral a figure: 至少有一名; elsewhere 一批 or 三地 are no figures.
_CN_TRIGGERS = ("至少", "达到", "超过", "突破", "不少于", "不低于", "近", "约", "逾")
YEAR = r"(?:19[5-9]\d|20\d\d)"
_YEAR_SPLIT = re.compile(rf"({YEAR})([1-9]\d*)")


def is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


@dataclass(frozen=True)
class Figure:
    """A figure printed in a text: where it stands, how it reads, and the quantity it states."""

    start: int
    end: int
    text: str  # as printed, in half-width characters
    unit: str  # the unit with its magnitude word as printed: 亿元, 万家, 家(次); empty if none
    quantity: float | None  # in the unit's base: 1.2万家 → 12000; None for a range
    qualifier: str = ""  # 余, 多, 左右, 以上 ... printed with the number
    year: int | None = None  # a year run into the number: 由201558家 is 58 in 2015
    note: str = ""  # how a quirk of the text was read
    rank: str = ""  # for a place in a ranking, what is ranked: 全省排名 (进入全省前20位)


def find_figures(line: str) -> list[Figure]:
    """Every figure in a line of text, in order: numbers with their units, not years, names or
    thresholds."""
    line = half_width(line)
    found = [f for m in _FIGURE.finditer(line) if (f := _arabic_figure(line, m))]
    found = [f for f in found if not _threshold(line, f, found)]
    taken = [(f.start, f.end) for f in found]
    for m in _CN_FIGURE.finditer(line):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        figure = _chinese_figure(line, m)
        if figure:
            found.append(figure)
    return sorted(found, key=lambda f: f.start)


def _arabic_figure(line: str, m: re.Match) -> Figure | None:
    start, end = m.span()
    number, magnitude, unit = m["number"], m["magnitude"] or "", m["unit"] or ""
    qualifier = m["after"] or m["approx"] or m["approx2"] or ""
    before = line[start - 1] if start else " "
    rank = _rank(line, start, unit)
    if rank:
        qualifier = before
    elif before.isascii() and (before.isalnum() or before in "+.-") or before in "第〔":
        return None  # C919, 1+6, 第1, 〔2024〕
    if unit and line[m.start("unit") : m.start("unit") + 2] in _NOT_UNITS:
        end, unit, qualifier = m.start("unit"), "", m["approx"] or m["approx2"] or ""
    after = line[end : end + 1]
    if not unit and not magnitude:
        if after in _NOT_FIGURE_AFTER or after.isascii() and after.isalnum():
            return None  # 2015年, 4G, 55nm, 8.5代线
        if after and not is_cjk(after) and after not in "。,;、":
            return None
        if len(number) > 1 and number[0] == "0" and number[1] != ".":
            return None  # 02专项 is a name
        if re.fullmatch(YEAR, number) and not m["upper"]:
            return None  # 2022科技冬奥 is a year
    elif after and after in "年月日":
        return None
    text, unit = line[start:end], magnitude + unit if unit else ""
    year, note = None, ""
    split = _YEAR_SPLIT.fullmatch(number)
    if split and before in "由从" and unit:
        # A year run into the figure: 由201558家 is 58 in 2015.
        year, start = int(split[1]), start + 4
        text, note = text[4:], f"read {number} as the year {split[1]} and {split[2]}"
    if m["upper"]:
        if not (unit or magnitude):
            return None  # 2016-2020 without a unit is a period, not a range
        note = f"a range from {number} to {m['upper']}{unit or magnitude}: choose the value"
        return Figure(start, end, text, unit, None, qualifier, year, note)
    return Figure(start, end, text, unit, parse_printed(text), qualifier, year, note, rank)


_RANK_SCOPE = re.compile(r"(全国|全省|全市|全区|全县|全球|国内|省内|市内|同类城市)[^,;。]{0,4}$")
_RANK_WORDS = re.compile(r"(排名|排位|位居|位列|居|进入|跻身|保持|稳居)[^,;。]{0,6}$")


def _rank(line: str, start: int, unit: str) -> str:
    """What a place in a ranking ranks (全省排名 for 进入全省前20位), or empty if it is none."""
    if unit not in ("位", "名") or not start or line[start - 1] not in "第前":
        return ""
    before = line[max(0, start - 12) : start - 1]
    scope = _RANK_SCOPE.search(before)
    if scope:
        return scope[1] + "排名"
    return "排名" if _RANK_WORDS.search(before) else ""


_MONEY_UNITS = ("亿元", "万元", "元")
_ABOVE = re.compile(r"(超过|超|高于|不低于|过|以上)$")


def _threshold(line: str, figure: Figure, found: list[Figure]) -> bool:
    """A sum that defines what is counted, not a figure: 年营业收入超过10亿元的企业15家,
    年销售额10亿元品种8个."""
    after = line[figure.end : figure.end + 3]
    if re.match(r"(及?以上|以下)?的", after) and _ABOVE.search(line[: figure.start]):
        return True
    if not figure.unit.endswith(_MONEY_UNITS) or not after or not is_cjk(after[0]):
        return False
    clause_end = re.search(r"[,;。、]", line[figure.end :])
    end = figure.end + clause_end.start() if clause_end else len(line)
    following = [other for other in found if figure.end < other.start < end]
    if not following:
        return False
    # A noun between the sum and the count (品种), not a change (增加到2015年的).
    between = line[figure.end : following[0].start]
    return len(between) <= 6 and not re.search(r"[到至增长加提升降减为达是年的\d]", between)


def _chinese_figure(line: str, m: re.Match) -> Figure | None:
    if m["fraction"]:
        text = m["fraction"]
        return Figure(m.start(), m.end(), text, "%", parse_printed(text), "", None)
    if not m["unit"] or not any(w in line[max(0, m.start() - 4) : m.start()] for w in _CN_TRIGGERS):
        return None
    unit = (m["magnitude"] or "") + m["unit"]
    qualifier = m["after"] or m["approx"] or m["approx2"] or ""
    return Figure(m.start(), m.end(), m[0], unit, parse_printed(m[0]), qualifier)
