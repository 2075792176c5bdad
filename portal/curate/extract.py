"""Draft rows from a plan's text for curators to review: every figure, and the numbered headings.

A draft is a guess. Each figure comes with its verbatim sentence, so that a curator can accept,
correct or drop it quickly; nothing here is published without review.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TextIO

from portal import paths
from portal.curate import numbers

FIGURE_KINDS = ("target", "achievement")
LEVELS = ("pillar", "task", "measure")


@dataclass
class Draft:
    """One proposed row: a target, an achievement or a program."""

    kind: str
    plan_id: str
    section: str = ""
    indicator_id: str = ""
    value: str = ""
    value_text: str = ""
    unit: str = ""
    qualifier_zh: str = ""
    comparator: str = ""
    basis: str = ""
    year: str = ""
    period_start: str = ""
    level: str = ""
    title_zh: str = ""
    source_quote: str = ""
    note: str = ""


COLUMNS = tuple(f.name for f in fields(Draft))


@dataclass(frozen=True)
class Plan:
    """What extraction needs to know of a plan: earlier years than `written` are the past."""

    plan_id: str
    written: int | None = None
    period_end: int | None = None


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    name_zh: str
    unit: str


_QUALIFIERS_BEFORE = tuple("突破 超过 达到 不到 不足 不少于 至少 近 约 力争 达".split())
# The comparator a qualifier implies, as the curated rows use them.
COMPARATORS = (
    dict.fromkeys("突破 超过 余 多".split(), ">")
    | dict.fromkeys("以上 达到 达 至少 不少于 力争".split(), ">=")
    | dict.fromkeys("近 约 左右".split(), "~")
    | dict.fromkeys("不到 不足".split(), "<")
    | dict.fromkeys("以内 以下".split(), "<=")
)


# -- reading the text --------------------------------------------------------------------------

# (style, pattern, label format): 一、 (一) 1. (1), nested in the order a document uses them.
_HEADINGS = (
    ("chapter", re.compile(r"([一二三四五六七八九十]+)、"), "{}、"),
    ("section", re.compile(r"\(([一二三四五六七八九十]+)\)?(?=[^)\d])"), "（{}）"),
    ("item", re.compile(r"(\d{1,2})[.、](?!\d)"), "{}"),
    ("point", re.compile(r"\((\d{1,2})\)"), "（{}）"),
)
_SENTENCE_END = re.compile(r"[。!?;]")
_LONG_SENTENCE = 120
_MAX_TITLE = 40
_FIVE_YEAR_PLANS = {"一": 2006, "二": 2011, "三": 2016, "四": 2021, "五": 2026}
_TIME = re.compile(
    rf"(?P<start>{numbers.YEAR})\s*[-—–~至到]\s*(?P<end>{numbers.YEAR})年"
    rf"|(?P<year>{numbers.YEAR})年"
    r"|十(?P<plan>[一二三四五])五”?(?P<plan_end>末)?"
)
_TARGET_WORDS = ("力争", "目标", "预计", "确保", "到20")
_PAST_WORDS = ("截至", "截止", "累计", "已", "期间", "先后")
_TARGET_HEADINGS = ("目标", "任务", "措施", "工程", "计划")
_PAST_HEADINGS = ("成就", "成效", "回顾", "进展", "情况", "基础", "成绩")


@dataclass
class _Heading:
    style: str
    label: str
    title: str


def extract(text: str, plan: Plan, indicators: Iterable[Indicator] = ()) -> list[Draft]:
    """Draft targets, achievements and programs from a plan's text, in the order of the text."""
    indicators = list(indicators)
    drafts: list[Draft] = []
    stack: list[_Heading] = []
    for raw in text.splitlines():
        line = raw.strip()
        half = numbers.half_width(line)
        heading = _heading(half, line)
        if heading:
            stack = stack[: _depth(stack, heading.style)] + [heading]
            drafts.append(
                Draft(
                    "program",
                    plan.plan_id,
                    section=_section(stack),
                    level=LEVELS[min(len(stack), 3) - 1],
                    title_zh=heading.title,
                    source_quote=_heading_quote(half, line),
                )
            )
        previous_end = 0
        for figure in numbers.find_figures(half):
            span = _sentence_span(half, figure.start)
            drafts.append(
                _figure_draft(figure, line, half, span, previous_end, plan, stack, indicators)
            )
            previous_end = figure.end
    return drafts


def _heading(half: str, line: str) -> _Heading | None:
    for style, pattern, label in _HEADINGS:
        m = pattern.match(half)
        if m:
            rest = half[m.end() :]
            title = _SENTENCE_END.split(rest, maxsplit=1)[0].strip()
            if 0 < len(title) <= _MAX_TITLE:
                start = m.end() + len(rest) - len(rest.lstrip())
                return _Heading(style, label.format(m[1]), line[start : start + len(title)])
            return None
    return None


def _heading_quote(half: str, line: str) -> str:
    end = _SENTENCE_END.search(half)
    return line[: end.start() if end else len(line)].strip()


def _depth(stack: list[_Heading], style: str) -> int:
    for i, heading in enumerate(stack):
        if heading.style == style:
            return i
    return len(stack)


def _section(stack: list[_Heading]) -> str:
    return "".join(h.label for h in stack)


def _sentence_span(half: str, position: int) -> tuple[int, int]:
    start = 0
    for m in _SENTENCE_END.finditer(half):
        if m.end() > position:
            return start, m.end()
        start = m.end()
    return start, len(half)


def _quote_span(half: str, span: tuple[int, int], figure: numbers.Figure) -> tuple[int, int]:
    """The sentence, or in a run-on sentence the clauses around the figure."""
    start, end = span
    if end - start <= _LONG_SENTENCE:
        return span
    commas = [start] + [i + 1 for i in range(start, end) if half[i] == ","] + [end]
    left = max(c for c in commas if c <= figure.start)
    right = min(c for c in commas if c >= figure.end)
    while figure.end - left < 20 and left > start:
        left = max(c for c in commas if c < left)
    return left, right


def _times(text: str, offset: int = 0) -> list[tuple[int, int, int]]:
    """(first year, last year, position) of each year, period or five-year plan printed."""
    times = []
    for m in _TIME.finditer(text):
        if m["start"]:
            times.append((int(m["start"]), int(m["end"]), offset + m.start()))
        elif m["year"]:
            times.append((int(m["year"]), int(m["year"]), offset + m.start()))
        else:
            first = _FIVE_YEAR_PLANS[m["plan"]]
            times.append((first + 4 if m["plan_end"] else first, first + 4, offset + m.start()))
    return times


def _figure_draft(figure, line, half, span, previous_end, plan, stack, indicators) -> Draft:
    sentence_start, _ = span
    before = half[sentence_start : figure.start]
    near = half[max(sentence_start, previous_end, figure.start - 30) : figure.start]
    times = _times(half[sentence_start : span[1]], sentence_start)
    time = None
    if figure.year:
        time = (figure.year, figure.year)
    else:
        earlier = [t[:2] for t in times if t[2] < figure.start]
        time = earlier[-1] if earlier else None
    printed_time = time
    if not time:
        for heading in reversed(stack):
            heading_times = _times(numbers.half_width(heading.title))
            if heading_times:
                time = heading_times[0][:2]
                break
    kind = _guess_kind(time, before, stack, plan)
    printed_unit = numbers.printed_unit(figure.text) or ""
    indicator = guess_indicator(
        near, half[max(sentence_start, figure.start - 40) : figure.start], printed_unit, indicators
    )
    unit = _output_unit(figure, printed_unit, indicator)
    value = ""
    if figure.quantity is not None:
        converted = numbers.in_unit(figure.text, unit) if unit else figure.quantity
        value = _format(converted)
    clause = half[max(sentence_start, previous_end) : figure.start]
    qualifier = figure.qualifier or _qualifier_before(clause)
    basis = _guess_basis(printed_unit, before, clause, printed_time)
    year, period_start, note = "", "", [figure.note] if figure.note else []
    if time:
        year = str(time[1])
        if kind == "achievement":
            # A total or a growth rate covers the period; a stock is counted at its end.
            period_start = str(time[0] if basis in ("cumulative", "growth") else time[1])
    elif kind == "target" and plan.period_end:
        year = str(plan.period_end)
        note.append("year from the plan's period")
    if not printed_unit and figure.quantity is not None:
        note.append("no unit printed")
    quote_start, quote_end = _quote_span(half, span, figure)
    return Draft(
        kind,
        plan.plan_id,
        section=_section(stack),
        indicator_id=indicator.indicator_id if indicator else "",
        value=value,
        value_text=line[figure.start : figure.end],
        unit=unit,
        qualifier_zh=qualifier,
        comparator=COMPARATORS.get(qualifier, "=") if value else "",
        basis=basis,
        year=year,
        period_start=period_start,
        source_quote=line[quote_start:quote_end].strip(),
        note="; ".join(note),
    )


def _guess_kind(time, before: str, stack: list[_Heading], plan: Plan) -> str:
    if time and plan.written:
        return "target" if time[1] >= plan.written else "achievement"
    if any(word in before for word in _TARGET_WORDS):
        return "target"
    if any(word in before for word in _PAST_WORDS):
        return "achievement"
    titles = "".join(heading.title for heading in stack)
    if any(word in titles for word in _TARGET_HEADINGS):
        return "target"
    if any(word in titles for word in _PAST_HEADINGS):
        return "achievement"
    return "target"


def _guess_basis(printed_unit: str, before: str, clause: str, time) -> str:
    """growth, share, cumulative, annual or stock, from the unit and the words before."""
    kind = numbers.unit_kind(printed_unit) if printed_unit else "count"
    near = clause[-16:]
    if kind in ("percent", "倍") and any(w in near for w in ("增长", "增速", "增幅", "翻")):
        return "growth"
    if kind == "percent":
        return "share"
    if any(w in before for w in ("累计", "期间", "共计")) or time and time[0] != time[1]:
        return "cumulative"
    if any(w in near for w in ("每年", "年均", "当年")) or re.search(r"(^|[,、])年", near):
        return "annual"
    return "stock"


def _qualifier_before(clause: str) -> str:
    window = clause[-8:]
    best, best_end = "", -1
    for word in _QUALIFIERS_BEFORE:
        at = window.rfind(word)
        if at >= 0 and at + len(word) > best_end:
            best, best_end = word, at + len(word)
    return best


def _output_unit(figure: numbers.Figure, printed_unit: str, indicator: Indicator | None) -> str:
    if indicator:
        return indicator.unit
    if numbers.unit_kind(printed_unit or "家") == "money":
        # Sums of 亿 and more are given in 亿元, the unit of the curated money indicators.
        return "亿元" if numbers.magnitude(figure.unit) >= 10**8 else figure.unit
    return printed_unit


def _format(value: float) -> str:
    value = round(value, 6)
    return str(int(value)) if value.is_integer() else repr(value)


def guess_indicator(
    near: str, wide: str, printed_unit: str, indicators: Iterable[Indicator]
) -> Indicator | None:
    """The indicator whose name the words before a figure share most, in a compatible unit."""
    kind = numbers.unit_kind(printed_unit) if printed_unit else "count"
    candidates = [i for i in indicators if numbers.unit_kind(i.unit) == kind]
    for window in (near, wide):
        letters = set(window)
        best, best_score = None, (0, False, 0.0, 0)
        for indicator in candidates:
            name = numbers.half_width(indicator.name_zh)
            need = min(4, len(name))
            if len(letters.intersection(name)) < need:
                continue
            length, end = _longest_common(name, window)
            same = numbers.base_unit(indicator.unit) == printed_unit
            score = (length, same, length / len(name), end)
            if length >= need and score > best_score:
                best, best_score = indicator, score
        if best:
            return best
    return None


def _longest_common(a: str, b: str) -> tuple[int, int]:
    """Length of the longest common substring of a and b, and where it ends in b."""
    best, best_end = 0, 0
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if char == other:
                current[j] = previous[j - 1] + 1
                if current[j] >= best:
                    best, best_end = current[j], j
        previous = current
    return best, best_end


# -- plans, indicators and output ---------------------------------------------------------------


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_plan(plan_id: str, datasets: Path | None = None) -> Plan:
    """The plan's years from plans.csv; a plan not yet there has none."""
    path = Path(datasets or paths.DATASETS) / "plans.csv"
    for row in _read_csv(path) if path.exists() else []:
        if row["plan_id"] == plan_id:
            years = [int(y) for y in (row["published_on"][:4], row["period_start"]) if y]
            end = row["period_end"]
            return Plan(plan_id, min(years) if years else None, int(end) if end else None)
    return Plan(plan_id)


def load_indicators(datasets: Path | None = None) -> list[Indicator]:
    """The indicators of indicators.csv, to match figures' wording against their names."""
    path = Path(datasets or paths.DATASETS) / "indicators.csv"
    if not path.exists():
        return []
    return [Indicator(r["indicator_id"], r["name_zh"], r["unit"]) for r in _read_csv(path)]


def write_drafts(drafts: Iterable[Draft], fh: TextIO) -> None:
    """The drafts as CSV with a header row."""
    writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for draft in drafts:
        writer.writerow(asdict(draft))
