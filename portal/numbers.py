"""Reading numbers as Chinese documents print them: 1.2万家, ４万亿元, 二十个, 28%."""

import re

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
