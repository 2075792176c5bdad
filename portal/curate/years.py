"""Which year a figure belongs to: its own, a goal year stated once for a paragraph and its list
items, the period in the plan's title, or the plan's end year.

A year can be the goal ("到2030年"), the base a change is measured from ("在2024年基础上",
"比2015年", "较2022年"), the start of a change ("由2023年的45家增加到60家"), a date of an event
("2013年9月30日") or part of a name ("行动计划(2014-2017年)"). Only goal years govern the figures
after them; a start year gives its year to the figure it introduces and to no other.
"""

import re
from dataclasses import dataclass

from portal.curate.numbers import YEAR

FIVE_YEAR_PLANS = {"一": 2006, "二": 2011, "三": 2016, "四": 2021, "五": 2026}
_TIME = re.compile(
    rf"(?P<start>{YEAR})\s*[-—–~至到]\s*(?P<end>{YEAR})年"
    rf"|(?P<year>{YEAR})年"
    r"|十(?P<plan>[一二三四五])五”?(?P<plan_end>末)?"
)
_BASE_AFTER = re.compile(r"(?:底|末)?(?:的)?(?:基础上|为基数|为基期|水平上|相比|同期)")
_BASE_BEFORE = ("比", "较", "与", "同", "相比", "对比", "是")
_FROM_BEFORE = ("由", "从")
_NAME_BEFORE = re.compile(r"(?:规划|方案|计划|纲要|意见|办法|报告|大会|会议)[(（]$")
_TITLE = re.compile(r"(?:规划|方案|计划|纲要|意见)")

GOAL, BASE, FROM, DATE, NAME = "goal", "base", "from", "date", "name"


@dataclass(frozen=True)
class Time:
    """A year or a period printed in a text, where it stands and what it is to the figures."""

    first: int
    last: int
    start: int
    end: int
    role: str = GOAL
    carries: bool = False  # worded to govern what follows: 到2030年, 截至2019年末, "十三五"期间
    text: str = ""  # as printed

    @property
    def span(self) -> tuple[int, int]:
        return self.first, self.last


def find_times(text: str, offset: int = 0) -> list[Time]:
    """Every year, period or five-year plan printed in a text, with its role."""
    times = []
    for m in _TIME.finditer(text):
        if m["start"]:
            first, last = int(m["start"]), int(m["end"])
        elif m["year"]:
            first = last = int(m["year"])
        else:
            first = FIVE_YEAR_PLANS[m["plan"]]
            first, last = (first + 4 if m["plan_end"] else first), first + 4
        role = _role(text, m)
        # 增长到2012年的1023亿元: the end of a change, not a year for what follows.
        carries = (
            role == GOAL
            and not text[m.end() : m.end() + 1] == "的"
            and (
                first != last
                or bool(m["plan"])
                or bool(_GOVERNS_BEFORE.search(text[max(0, m.start() - 3) : m.start()]))
                or text[m.end() : m.end() + 1] in ("底", "末")
            )
        )
        times.append(
            Time(first, last, offset + m.start(), offset + m.end(), role, carries, m.group())
        )
    return times


_GOVERNS_BEFORE = re.compile(r"(到|至|截至|截止|展望|力争|于)$")


def _role(text: str, m: re.Match) -> str:
    before = text[max(0, m.start() - 3) : m.start()].rstrip('“"')
    after = text[m.end() : m.end() + 6]
    if re.match(r"\d{1,2}月", after):
        return DATE
    if _NAME_BEFORE.search(text[max(0, m.start() - 5) : m.start()]) or _inside_title(text, m):
        return NAME
    if before.endswith(_FROM_BEFORE) and after.startswith("的"):
        return FROM
    if _BASE_AFTER.match(after) or before.endswith(_BASE_BEFORE):
        return BASE
    return GOAL


def _inside_title(text: str, m: re.Match) -> bool:
    opened = text.rfind("《", 0, m.start())
    return opened >= 0 and text.find("》", opened) >= m.end()


def year_of_figure(
    times: list[Time], sentence_start: int, position: int, written: int | None = None
) -> Time | None:
    """The time printed before a figure that it belongs to, in its line.

    A year that governs what follows (to_line) counts from anywhere earlier in the line; the year
    of an event or a date only in the figure's sentence; a start year only for the figure right
    after it (由2023年的45家).
    """
    chosen = None
    for time in times:
        if time.start >= position:
            break
        if time.role in (GOAL, DATE) and time.start >= sentence_start or governs(time, written):
            chosen = time
        elif time.role == FROM and position - time.end <= 4:
            chosen = time
    return chosen


def governs(time: Time, written: int | None) -> bool:
    """Whether a year governs the sentences after it: a goal year, a reporting date, a period;
    not the year of an event in the past (2012年召开大会)."""
    return time.role == GOAL and (time.carries or not written or time.last >= written)


def last_goal(times: list[Time], written: int | None = None) -> Time | None:
    """The year a line leaves to the lines after it, if it states one."""
    goals = [t for t in times if governs(t, written)]
    return goals[-1] if goals else None


class Governing:
    """Goal years stated in the text of a heading, carried to its later text and sub-headings.

    Level n holds the year stated in text under the n-th heading of the path (0: before any
    heading); a new heading at depth d forgets what was said under the headings it replaces.
    """

    def __init__(self) -> None:
        self.levels: dict[int, Time] = {}

    def enter(self, depth: int, heading_times: list[Time]) -> None:
        """A heading at this depth (0 for a chapter) begins; its title may state a year."""
        self.levels = {level: t for level, t in self.levels.items() if level <= depth}
        goal = last_goal(heading_times) or (heading_times[0] if heading_times else None)
        if goal:
            self.levels[depth + 1] = goal

    def state(self, level: int, time: Time | None) -> None:
        if time:
            self.levels[level] = time

    def current(self) -> Time | None:
        return self.levels[max(self.levels)] if self.levels else None


def title_period(lines: list[str]) -> tuple[int, int] | None:
    """The period in a plan's title, "实施方案(2024-2028年)" or "“十四五”规划", from the lines
    before the first heading."""
    for line in lines:
        if not _TITLE.search(line) or len(line) > 80:
            continue
        for m in _TIME.finditer(line):
            if m["start"]:
                return int(m["start"]), int(m["end"])
            if m["plan"] and not m["plan_end"]:
                first = FIVE_YEAR_PLANS[m["plan"]]
                return first, first + 4
    return None
