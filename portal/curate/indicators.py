"""Which indicator of the catalogue a figure is about, by meaning: the words that name it, read
through the synonyms in `synonyms.csv`, in the indicator's kind of unit.

An indicator fits when its name covers the words just before the figure (the subject), with
nothing else between them but words such as 的, 总, 数 or 年均: "科技型中小企业" is not
"科技型企业", "每万人口高价值发明专利拥有量" is neither "高价值发明专利拥有量" nor
"每万人发明专利拥有量". Additions (新增), changes (增长, 提高) and ratios (每万人, 人均) fit only
an indicator that says so. When nothing fits, the draft leaves the indicator empty.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portal.curate import numbers

SYNONYMS = Path(__file__).with_name("synonyms.csv")
# Words that may stand between the parts of an indicator's name in a text without changing
# what is counted: 中关村示范区实现总收入 is 中关村示范区总收入.
_FILLERS = re.compile(
    r"(?:的|之|及|和|与|等|总|数|量|各|其中|年均|平均|复合|同比|较上年|比上年|累计|共|有|已|实现|持续|当年|"
    r"本级|财政|吸纳|拥有|获得|获|达|在|由|从|全市|全区|全县|全省|地区|北京|国内)+"
)
# A year or a number in a text says when or how much, not what.
_NOT_WORDS = re.compile(rf"{numbers.YEAR}年(?:底|末|度)?|{numbers.NUMBER}")
_MIN_COVERAGE = 0.8
_FLOW = re.compile(r"新增|新建|新认定|新引进|新培育|新创办|新设立|新获批")
_CHANGE = re.compile(r"(增长|增速|增幅|提高|提升|下降|减少|增加|翻)了?$")
_RATIO = re.compile(r"每[万千百十]|万人|人均|千人|百人")
_THRESHOLD = re.compile(
    r"(超过|超|高于|不低于)\s*\d|\d(?:\.\d+)?(?:万亿|亿|万)?(?:元|%)(?:及?以上|以下)?的"
)
# Verbs and qualifiers between a subject and its figure: 高新技术企业达到800家.
_TRAILING = re.compile(
    r"(?:达到|达|突破|超过|超|力争|为|是|有|共有|拥有|保持在|保持|稳定在|提高到|提高至|提升到|"
    r"提升至|增加到|增加至|增长到|增长至|增至|达至|扩展至|扩展到|扩大到|扩大至|不少于|不低于|不超过|"
    r"至少|约|近|逾|累计|"
    r"总数|总量|数量|等|共计|共|年均|平均|每年|分别|和|与|及|在|于|的|中|由|从|建成|建设|、|\s)+$"
)
_LEADING = re.compile(
    r"^(?:其中|其|全市|全区|全县|全省|本市|本区|我区|我市|全社会|力争|确保|建成|建设|培育|引进|"
    r"支持|打造|举办|组建|实施)+"
)


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    name_zh: str
    unit: str


@cache
def synonyms() -> dict[str, str]:
    """Each wording of the synonyms list and the wording of the catalogue it reads as."""
    with open(SYNONYMS, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    readings = {row["term"]: row["reads_as"] for row in rows}
    return {row["reads_as"]: row["reads_as"] for row in rows} | readings


@cache
def _synonym_pattern() -> re.Pattern:
    terms = sorted(synonyms(), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms))


def normalise(text: str) -> str:
    """A text in the catalogue's wording: half-width, no quotation marks, no years or numbers,
    synonyms read."""
    text = numbers.half_width(text)
    text = re.sub(r"[“”\"'‘’《》]", "", text)
    text = _NOT_WORDS.sub(" ", text)
    return _synonym_pattern().sub(lambda m: synonyms()[m.group()], text)


def subject_of(clause: str) -> str:
    """The words naming what a figure counts: the clause before it without years, verbs and
    fillers."""
    text = _TRAILING.sub("", _NOT_WORDS.sub("", numbers.half_width(clause)))
    return _LEADING.sub("", text)


@dataclass(frozen=True)
class Fit:
    indicator: Indicator
    covered: int  # characters of the text covered by the name
    coverage: float  # share of the name found in the text
    distance: int  # characters from the end of the match to the end of the text


def _cover(name: str, text: str) -> tuple[set[int], set[int]]:
    """Positions of the name and of the text covered by their common runs of two or more,
    longest first."""
    name_used: set[int] = set()
    text_used: set[int] = set()
    while True:
        best, name_end, text_end = 0, 0, 0
        previous = [0] * (len(text) + 1)
        for i, char in enumerate(name):
            current = [0] * (len(text) + 1)
            if i not in name_used:
                for j, other in enumerate(text):
                    if char == other and j not in text_used:
                        current[j + 1] = previous[j] + 1
                        if current[j + 1] > best:
                            best, name_end, text_end = current[j + 1], i + 1, j + 1
            previous = current
        if best < 2:
            return name_used, text_used
        name_used.update(range(name_end - best, name_end))
        text_used.update(range(text_end - best, text_end))


@cache
def _name(indicator: Indicator) -> str:
    # A part in brackets may be left out: 新技术新产品(服务).
    return normalise(re.sub(r"\([^)]*\)|（[^）]*）", "", numbers.half_width(indicator.name_zh)))


# Words at the end of a name that a text may leave out: 专利授权增长 is 专利授权量增长率,
# 生物医药产业 is 生物医药产业规模, 是2011年的近7倍 a 增长倍数.
_OPTIONAL_END = re.compile(r"(?:增长倍数|倍数|规模|量|率|数)$")


def _words(name: str) -> list[int]:
    """Positions of the characters of a name that carry meaning: not punctuation, fillers or
    the words at its end that a text may leave out."""
    optional = _OPTIONAL_END.search(name[1:])
    end = optional.start() + 1 if optional else len(name)
    return [
        i for i, c in enumerate(name[:end]) if (c.isalnum() or c == "&") and c not in "的之及和与等"
    ]


def fit(indicator: Indicator, text: str, anchored: bool, whole: str = "") -> Fit | None:
    """How well an indicator's name covers a text; None if it does not fit.

    `anchored`: the name must cover the end of the text (the words right before the figure).
    `whole`: words at the end of the text that must all be covered (a subject read in its
    sentence); other words of the text may stand between the parts of the name.
    """
    name = _name(indicator)
    name_words = _words(name)
    present = set(text)
    if sum(name[i] in present for i in name_words) < _MIN_COVERAGE * len(name_words):
        return None
    name_used, text_used = _cover(name, text)
    if not text_used:
        return None
    coverage = len(name_used.intersection(name_words)) / len(name_words)
    if coverage < _MIN_COVERAGE:
        return None
    first, last = min(text_used), max(text_used)
    if anchored:
        last = len(text) - 1
    if whole:
        first = text.rfind(whole)
        if first < 0:
            return None
        last = first + len(whole) - 1
    gaps = _gaps(text, text_used, first, last)
    if gaps and not (coverage == 1 and len(name_words) >= 8 and len("".join(gaps)) <= 2):
        # A word the name lacks changes what is counted (科技型中小企业 is not 科技型企业);
        # a short one inside a long name fully found is a qualifier (具有行业影响力的品牌活动).
        return None
    checked = text if anchored else whole or text[first : last + 1]
    if _changes_meaning(name, checked):
        return None
    return Fit(indicator, len(text_used), coverage, len(text) - 1 - max(text_used))


def _gaps(text: str, used: set[int], first: int, last: int) -> list[str]:
    """The runs of Chinese words between first and last that the name does not cover and that
    are not fillers."""
    runs, run = [], ""
    for i in range(first, last + 2):
        if i <= last and i not in used and text[i].isalnum() and not text[i].isascii():
            run += text[i]
        elif run:
            runs.append(run)
            run = ""
    return [r for r in runs if not _FILLERS.fullmatch(r)]


def _changes_meaning(name: str, words: str) -> bool:
    """An addition, a change or a ratio in the words that the name does not speak of."""
    if bool(_FLOW.search(words)) != bool(_FLOW.search(name)):
        return True  # additions are not a stock, nor a stock additions
    if _CHANGE.search(words) and not re.search("增长|增加|提高|翻", name):
        return True
    return bool(_RATIO.search(words)) != bool(_RATIO.search(name))


def guess_indicator(
    subject: str,
    sentence: str,
    printed_unit: str,
    indicators: Iterable[Indicator],
    after: str = "",
    clause: str = "",
) -> tuple[Indicator | None, bool]:
    """The indicator a figure is about, or None when none of the catalogue fits; and whether it
    was named by the words after the figure.

    Read in turn: the subject right before the figure; the subject with the words after the
    figure (每年支持20个左右优秀科技创新团队); the subject read in its sentence (专利申请量和授权量:
    授权量 is 专利授权量); and, when the figure has no subject of its own (……，达到1200家), the
    nearest indicator named earlier in the sentence. `clause` is the text before the figure as
    printed, thresholds included.
    """
    kind = numbers.unit_kind(printed_unit) if printed_unit else "count"
    candidates = [i for i in indicators if numbers.unit_kind(i.unit) == kind]
    if _THRESHOLD.search(numbers.half_width(clause)):
        # 年营业收入超10亿元的科技企业 are some of the enterprises: only a name with its
        # threshold fits.
        candidates = [i for i in candidates if re.search(r"\d", i.name_zh)]
    subject, sentence, after = normalise(subject), normalise(sentence), normalise(after)
    subject, after = subject.strip(), after.strip()
    attempts = [(subject, True, "", False)]
    if after:
        attempts.append((subject + after, True, "", True))
        attempts.append((sentence + after, True, after, True))
    if subject:
        attempts.append((sentence, False, subject, False))
    elif not after:
        attempts.append((sentence, False, "", False))
    for text, anchored, whole, uses_after in attempts:
        if not text.strip():
            continue
        fits = [f for i in candidates if (f := fit(i, text, anchored, whole))]
        if fits:
            if anchored or whole:
                best = max(fits, key=lambda f: (f.covered, f.coverage, -f.distance))
            else:
                best = max(fits, key=lambda f: (-f.distance, f.covered, f.coverage))
            return best.indicator, uses_after
    return None, False


def ratio_unit(subject: str, unit: str) -> str:
    """A figure's unit with the denominator its subject names: 件/万人, 人年/万名就业人员."""
    text = normalise(subject)
    m = re.search(r"每([万千百十]?)(人|名|家|个|户)([^中的,，。;；、]{0,6}?)(?:中|的)", text)
    if not m:
        m = re.search(r"每([万千百十]?)(人|名|家|个|户)()", text)
    if m:
        return f"{unit}/{m[1]}{m[2]}{m[3]}"
    if "人均" in text:
        return f"{unit}/人"
    return unit


# -- a new indicator's id, when none of the catalogue fits -----------------------------------


_CJK = "\u4e00-\u9fff"
_GLOSSARY_ENTRY = re.compile(rf"(\S*[{_CJK}]\S*)\s+(?:\([^)]*[{_CJK}][^)]*\)\s+)?(.+)")


def read_glossary(readme: Path) -> dict[str, str]:
    """The zh → en glossary of datasets/README.md: each Chinese term and its English."""
    if not readme.exists():
        return {}
    text = readme.read_text(encoding="utf-8")
    start = text.find("## Glossary")
    if start < 0:
        return {}
    end = text.find("\n## ", start + 1)
    section = text[start : end if end > 0 else len(text)]
    bullets = re.sub(r"\n  +", " ", section).splitlines()
    glossary = {}
    for bullet in bullets:
        if not bullet.startswith("- "):
            continue
        for entry in bullet[2:].split("; "):
            m = re.match(
                r"(\S*[\u4e00-\u9fff]\S*)\s+(?:\([^)]*[\u4e00-\u9fff][^)]*\)\s+)?(.+)", entry
            )
            if m and not re.search(r"[\u4e00-\u9fff]", m[2]):
                for term in m[1].split("/"):
                    glossary.setdefault(normalise(term).strip(), m[2].split(" (")[0])
    return glossary


def _slug(english: str) -> str:
    words = re.findall(r"[a-z0-9]+", english.lower().replace("r&d", "rd"))
    return "_".join(w for w in words if w not in ("the", "a", "an"))[:60].strip("_")


_MODIFIERS = (
    (re.compile(r"每年新增|每年新建|每年"), "new_{}_annual"),
    (_FLOW, "new_{}"),
    (re.compile(r"每万人|万人"), "{}_per_10k_people"),
    (re.compile(r"国家级"), "national_{}"),
)


def suggest_id(
    subject: str, printed_unit: str, indicators: Iterable[Indicator], glossary: dict[str, str]
) -> str:
    """A snake_case id for a new indicator named by a subject: an indicator of the catalogue or a
    glossary term, with what the subject adds (新增 → new_…, 每年新增 → new_…_annual, a
    growth rate → …_growth_rate, 每万人 → …_per_10k_people); empty if nothing is known of it."""
    text = normalise(subject).strip()
    patterns = []
    for pattern, form in _MODIFIERS:
        if pattern.search(text):
            patterns.append(form)
            text = pattern.sub("", text)
    text = _CHANGE.sub("", text)
    base = ""
    fits = [
        f for i in indicators if (f := fit(i, text, True)) and not _changes_meaning(_name(i), text)
    ]
    if fits:
        base = max(fits, key=lambda f: (f.covered, f.coverage)).indicator.indicator_id
    else:
        terms = [t for t in glossary if t and t in text]
        if terms:
            base = _slug(glossary[max(terms, key=len)])
    if not base:
        return ""
    if numbers.unit_kind(printed_unit or "家") == "percent" and re.search(
        "增长|增速|增幅|提高", normalise(subject)
    ):
        base += "_growth_rate"
    for form in patterns[:1]:
        base = form.format(base.removeprefix("new_").removesuffix("_annual"))
    return base
