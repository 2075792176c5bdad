"""Draft rows from a plan's text for curators to review: every figure, and the numbered headings.

A draft is a guess. Each figure comes with its verbatim sentence, so that a curator can accept,
correct or drop it quickly; nothing here is published without review.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TextIO

from portal import paths
from portal.curate import numbers, pairing, years
from portal.curate.indicators import (
    Indicator,
    guess_indicator,
    ratio_unit,
    read_glossary,
    subject_of,
    suggest_id,
)

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
    suggested_indicator: str = ""
    # Where the draft was read: line of the text, start and end in the stripped line.
    at: tuple[int, int, int] | None = field(default=None, compare=False, repr=False)


COLUMNS = tuple(f.name for f in fields(Draft) if f.name != "at")


@dataclass(frozen=True)
class Plan:
    """What extraction needs to know of a plan: earlier years than `written` are the past."""

    plan_id: str
    written: int | None = None
    period_end: int | None = None


_QUALIFIERS_BEFORE = tuple("突破 超过 达到 不到 不足 不少于 至少 近 约 力争 达".split())
# The comparator a qualifier implies, as the curated rows use them.
COMPARATORS = (
    dict.fromkeys("突破 超过 余 多".split(), ">")
    | dict.fromkeys("以上 达到 达 至少 不少于 力争".split(), ">=")
    | dict.fromkeys("近 约 左右".split(), "~")
    | dict.fromkeys("不到 不足".split(), "<")
    | dict.fromkeys("以内 以下 前".split(), "<=")
    | {"第": "="}
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
_TARGET_WORDS = ("力争", "目标", "预计", "确保", "到20")
_PAST_WORDS = ("截至", "截止", "累计", "已", "期间", "先后")
_TARGET_HEADINGS = ("目标", "任务", "措施", "工程", "计划")
_PAST_HEADINGS = ("成就", "成效", "回顾", "进展", "情况", "基础", "成绩")


@dataclass
class _Heading:
    style: str
    label: str
    title: str


def extract(
    text: str,
    plan: Plan,
    indicators: Iterable[Indicator] = (),
    glossary: dict[str, str] | None = None,
) -> list[Draft]:
    """Draft targets, achievements and programs from a plan's text, in the order of the text.

    `glossary` (zh → en, from datasets/README.md) names a new indicator's suggested id.
    """
    reader = _Reader(plan, list(indicators), text.splitlines(), glossary or {})
    for number, raw in enumerate(text.splitlines()):
        reader.read(raw.strip(), number)
    return reader.drafts


class _Reader:
    """Reads a plan line by line, keeping the heading path and the goal years stated so far."""

    def __init__(self, plan, indicators: list[Indicator], lines: list[str], glossary):
        self.plan, self.indicators, self.glossary = plan, indicators, glossary
        self.drafts: list[Draft] = []
        self.stack: list[_Heading] = []
        self.governing = years.Governing()
        self.horizon, self.horizon_note = _horizon(plan, lines)

    def read(self, line: str, number: int = 0) -> None:
        half = numbers.half_width(line)
        heading = _heading(half, line)
        if heading:
            depth = _depth(self.stack, heading.style)
            self.stack = self.stack[:depth] + [heading]
            self.governing.enter(depth, years.find_times(numbers.half_width(heading.title)))
            self.drafts.append(
                Draft(
                    "program",
                    self.plan.plan_id,
                    section=_section(self.stack),
                    level=LEVELS[min(len(self.stack), 3) - 1],
                    title_zh=heading.title,
                    source_quote=_heading_quote(half, line),
                    at=(number, 0, len(_heading_quote(half, line))),
                )
            )
        times = years.find_times(half)
        figures = numbers.find_figures(half)
        paired = pairing.respectively(half, figures)
        previous_end, previous = 0, None
        for index, figure in enumerate(figures):
            line_figure = _LineFigure(line, half, figure, times, previous_end, paired.get(index))
            line_figure.previous = previous
            draft = self._figure_draft(line_figure, figures)
            draft.at = (number, figure.start, figure.end)
            self.drafts.append(draft)
            indicator = next(
                (i for i in self.indicators if i.indicator_id == draft.indicator_id), None
            )
            previous = (figure.end, indicator)
            previous_end = figure.end + (len(line_figure.after) if line_figure.uses_after else 0)
        self.governing.state(len(self.stack), years.last_goal(times, self.plan.written))

    def _figure_draft(self, f: "_LineFigure", figures: list[numbers.Figure]) -> Draft:
        figure, half, plan = f.figure, f.half, self.plan
        sentence_start, sentence_end = f.span
        before = half[sentence_start : figure.start]
        note = [figure.note] if figure.note else []
        printed = years.year_of_figure(f.times, sentence_start, figure.start, plan.written)
        if figure.year:
            time = (figure.year, figure.year)
        elif printed:
            time = printed.span
        elif self.governing.current():
            time = self.governing.current().span
            note.append(f"year from {self.governing.current().text} earlier in the section")
        else:
            time = None
        printed_time = printed.span if printed and printed.start >= sentence_start else None
        kind = _guess_kind(time, before, self.stack, plan)
        printed_unit = numbers.printed_unit(figure.text) or ""
        subject, window = f.subject(figures)
        indicator, f.uses_after = guess_indicator(
            subject, window, printed_unit, self.indicators, f.after, f.clause
        )
        if f.previous and _CHANGE_TO.fullmatch(half[f.previous[0] : figure.start]):
            # 由201558家增加到151家: the end of a change counts what its start counts.
            indicator = f.previous[1]
        unit = _output_unit(figure, printed_unit, indicator, f.clause)
        value = ""
        if figure.quantity is not None:
            converted = numbers.in_unit(figure.text, unit) if unit else figure.quantity
            value = _format(converted)
        qualifier = figure.qualifier or _qualifier_before(f.clause)
        basis = _guess_basis(printed_unit, before, f.clause, printed_time)
        if "/" in unit:
            basis = "share"
        year, period_start = "", ""
        if time:
            year = str(time[1])
            if kind == "achievement":
                # A total or a growth rate covers the period; a stock is counted at its end.
                period_start = str(time[0] if basis in ("cumulative", "growth") else time[1])
        elif kind == "target" and self.horizon:
            year = str(self.horizon)
            note.append(self.horizon_note)
        if not printed_unit and figure.quantity is not None:
            note.append("no unit printed")
        named = subject or f.after
        suggestion = ""
        if self.indicators and not indicator and named:
            note.append(f"no indicator of the catalogue fits “{named}”")
            suggestion = suggest_id(subject + f.after, printed_unit, self.indicators, self.glossary)
        quote_start, quote_end = _quote_span(half, f.span, figure)
        return Draft(
            kind,
            plan.plan_id,
            section=_section(self.stack),
            indicator_id=indicator.indicator_id if indicator else "",
            value=value,
            value_text=f.line[figure.start : figure.end],
            unit=unit,
            qualifier_zh=qualifier,
            comparator=COMPARATORS.get(qualifier, "=") if value else "",
            basis=basis,
            year=year,
            period_start=period_start,
            source_quote=f.line[quote_start:quote_end].strip(),
            note="; ".join(note),
            suggested_indicator=suggestion,
        )


_CLAUSE_END = re.compile(r"[,;:。!?]")
_CHANGE_TO = re.compile(
    rf"\s*(?:增加|提高|增长|提升|上升|扩大|下降|减少)(?:到|至)(?:{numbers.YEAR}年的?)?"
)
_CHANGE_AFTER = re.compile(r"增加|增长|提高|提升|下降|减少|达|到|至|为|是|占|比|较")
_AFTER_END = re.compile(
    r"[,;:。!?、()]|以及|和|及|与|并|等|在|落户|建设|成为|实现|参加|参与|建立|开展|通过|创造|参观|全面"
)


class _LineFigure:
    """A figure in its line: its sentence, its clause, and the words naming it after it."""

    def __init__(self, line, half, figure, times, previous_end, paired):
        self.line, self.half, self.figure, self.times = line, half, figure, times
        self.span = _sentence_span(half, figure.start)
        clause_start = self.span[0]
        for m in _CLAUSE_END.finditer(half, clause_start, figure.start):
            clause_start = m.end()
        self.clause_start = clause_start
        self.clause = half[max(clause_start, previous_end) : figure.start]
        self.paired = paired
        self.after = self._after()
        self.uses_after = False
        self.previous: tuple[int, Indicator | None] | None = None

    def _after(self) -> str:
        """The words right after a counted figure that name what it counts: 20个左右优秀团队."""
        figure, half = self.figure, self.half
        if self.paired:
            return ""
        rest = half[figure.end :].lstrip('“"')
        if rest.startswith("的"):
            rest = rest[1:]
        elif figure.unit and numbers.unit_kind(figure.unit) != "count":
            return ""
        if not rest or not numbers.is_cjk(rest[0]) or _CHANGE_AFTER.match(rest):
            return ""
        end = _AFTER_END.search(rest)
        words = rest[: end.start() if end else len(rest)]
        digit = re.search(r"\d", words)
        return words[: digit.start()] if digit else words

    def subject(self, figures: list[numbers.Figure]) -> tuple[str, str]:
        """The words naming the figure, and the text around them to read them in."""
        if self.paired:
            return self.paired
        subject = subject_of(self.clause)
        if not subject and self.after:
            # 每年支持20个左右A和50名左右B: B shares the clause's verb with A.
            first = min((f.start for f in figures if f.start >= self.clause_start), default=0)
            subject = subject_of(self.half[self.clause_start : first])
        window = self.half[max(self.span[0], self.figure.start - 60) : self.figure.start]
        return subject, window


def _horizon(plan: Plan, lines: list[str]) -> tuple[int | None, str]:
    """The year a goal without a year of its own is for: the plan's end year, from plans.csv or
    from the period in its title."""
    if plan.period_end:
        return plan.period_end, "year from the plan's period"
    preamble = []
    for line in lines:
        half = numbers.half_width(line.strip())
        if _heading(half, line.strip()):
            break
        preamble.append(half)
    period = years.title_period(preamble)
    if period:
        return period[1], "year from the period in the plan's title"
    return None, ""


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


def _output_unit(
    figure: numbers.Figure, printed_unit: str, indicator: Indicator | None, clause: str
) -> str:
    if figure.rank:
        return figure.rank
    if indicator:
        return indicator.unit
    if printed_unit:
        ratio = ratio_unit(clause, printed_unit)
        if ratio != printed_unit:
            return ratio
    if numbers.unit_kind(printed_unit or "家") == "money":
        # Sums of 亿 and more are given in 亿元, the unit of the curated money indicators.
        return "亿元" if numbers.magnitude(figure.unit) >= 10**8 else figure.unit
    return printed_unit


def _format(value: float) -> str:
    value = round(value, 6)
    return str(int(value)) if value.is_integer() else repr(value)


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


def load_glossary(datasets: Path | None = None) -> dict[str, str]:
    """The zh → en glossary of datasets/README.md, to name new indicators."""
    return read_glossary(Path(datasets or paths.DATASETS) / "README.md")


def load_indicators(datasets: Path | None = None) -> list[Indicator]:
    """The indicators of indicators.csv, to match figures' wording against their names."""
    path = Path(datasets or paths.DATASETS) / "indicators.csv"
    if not path.exists():
        return []
    return [Indicator(r["indicator_id"], r["name_zh"], r["unit"]) for r in _read_csv(path)]


def write_drafts(drafts: Iterable[Draft], fh: TextIO) -> None:
    """The drafts as CSV with a header row."""
    writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for draft in drafts:
        writer.writerow(asdict(draft))
