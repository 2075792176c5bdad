"""How good the drafts are: against the curated rows of a plan, and against a corpus of passages
whose rows are known (`tests/extract_corpus/`)."""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from portal import paths
from portal.curate import numbers
from portal.curate.extract import (
    FIGURE_KINDS,
    Draft,
    Plan,
    extract,
    load_indicators,
    load_plan,
)


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# -- against a plan's curated rows -------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """How a plan's drafts compare with its curated figures."""

    curated: int  # curated targets and achievements with a value
    found: int  # of those, proposed by a draft
    proposed: int  # figure drafts
    confirmed: int  # of those, matching a curated figure
    kind_right: int = 0  # curated figures found with the right kind (target or achievement)
    indicator_right: int = 0  # curated figures found with the right indicator
    year_right: int = 0  # curated figures found with the right target year or period end

    @property
    def recall(self) -> float:
        return self.found / self.curated if self.curated else 1.0

    @property
    def precision(self) -> float:
        return self.confirmed / self.proposed if self.proposed else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Score)))


def score(
    drafts: Iterable[Draft], curated: Iterable[dict], document: str, units: dict[str, str]
) -> Score:
    """Compare figure drafts with curated rows: a match has the same value and overlapping quotes.

    The value may agree in the indicator's unit or as printed (1.2万家 is 12000 and 1.2).
    """
    drafts = [d for d in drafts if d.kind in FIGURE_KINDS]
    curated = [r for r in curated if r.get("value") not in (None, "")]
    document = _squash(document)
    matched_drafts, matched_rows = set(), set()
    kind_right, indicator_right, year_right = set(), set(), set()
    for i, row in enumerate(curated):
        for j, draft in enumerate(drafts):
            if _same_value(draft, row, units.get(row["indicator_id"], "")) and _overlap(
                draft.source_quote, row["source_quote"], document
            ):
                matched_rows.add(i)
                matched_drafts.add(j)
                if draft.kind == row.get("kind"):
                    kind_right.add(i)
                if draft.indicator_id == row["indicator_id"]:
                    indicator_right.add(i)
                if draft.year == (row.get("target_year") or row.get("period_end")):
                    year_right.add(i)
    return Score(
        len(curated),
        len(matched_rows),
        len(drafts),
        len(matched_drafts),
        len(kind_right),
        len(indicator_right),
        len(year_right),
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _same_value(draft: Draft, row: dict, unit: str) -> bool:
    want = float(row["value"])
    text = numbers.half_width(draft.value_text)
    printed = re.search(numbers.NUMBER, text)
    candidates = [
        float(draft.value) if draft.value else None,
        float(printed.group().replace(",", "")) if printed else None,
        numbers.in_unit(text, unit) if unit else None,
    ]
    return any(c is not None and abs(c - want) <= 1e-6 * max(1.0, abs(want)) for c in candidates)


def _overlap(quote: str, other: str, document: str) -> bool:
    a, b = _squash(quote), _squash(other)
    if a in b or b in a:
        return True
    spans_a, spans_b = _spans(a, document), _spans(b, document)
    return any(s < f and t < e for s, e in spans_a for t, f in spans_b)


def _spans(quote: str, document: str) -> list[tuple[int, int]]:
    spans, at = [], document.find(quote)
    while quote and at >= 0:
        spans.append((at, at + len(quote)))
        at = document.find(quote, at + 1)
    return spans


def measure(plan_id: str, sources: Path, datasets: Path | None = None) -> Score:
    """Extract a curated plan's source document and score the drafts against its rows."""
    datasets = Path(datasets or paths.DATASETS)
    plan_row = next(r for r in _read_csv(datasets / "plans.csv") if r["plan_id"] == plan_id)
    document = (Path(sources) / plan_row["source_file"]).read_text(encoding="utf-8")
    indicators = load_indicators(datasets)
    drafts = extract(document, load_plan(plan_id, datasets), indicators)
    curated = [
        {**row, "kind": kind}
        for kind in FIGURE_KINDS
        for row in _read_csv(datasets / f"{kind}s.csv")
        if row["plan_id"] == plan_id
    ]
    return score(drafts, curated, document, {i.indicator_id: i.unit for i in indicators})


# -- against a corpus of passages with known rows ----------------------------------------------


@dataclass(frozen=True)
class Passage:
    """A passage of a plan and the figures a curator drafts from it, in the order of the text."""

    name: str
    plan: Plan
    text: str
    expected: tuple[dict, ...]


@dataclass(frozen=True)
class CorpusScore:
    """How drafts compare with the expected figures of passages."""

    expected: int = 0  # figures a curator drafts
    found: int = 0  # of those, proposed with the same printed figure
    value_right: int = 0  # found with the expected value
    year_right: int = 0  # found with the expected year
    with_indicator: int = 0  # found whose indicator is in the catalogue
    indicator_right: int = 0  # of those, mapped to it
    without_indicator: int = 0  # found that no indicator of the catalogue fits
    left_empty: int = 0  # of those, drafted with an empty indicator
    with_unit: int = 0  # found whose unit is given (ratios and ranks)
    unit_right: int = 0  # of those, drafted with that unit
    proposed: int = 0  # figure drafts
    spurious: int = 0  # figure drafts that are none of the expected figures

    def __add__(self, other: "CorpusScore") -> "CorpusScore":
        return CorpusScore(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(CorpusScore))
        )


def load_passage(path: Path) -> Passage:
    """A passage of the corpus from its YAML file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    plan = data.get("plan") or {}
    return Passage(
        Path(path).stem,
        Plan(path.stem, plan.get("written"), plan.get("period_end")),
        data["text"],
        tuple(data["expect"]),
    )


def load_corpus(folder: Path) -> list[Passage]:
    """Every passage of a corpus folder, by file name."""
    return [load_passage(path) for path in sorted(Path(folder).glob("*.yml"))]


def score_passage(drafts: Iterable[Draft], expected: Iterable[dict]) -> CorpusScore:
    """Match expected figures to figure drafts in the order of the text, by the printed figure."""
    drafts = [d for d in drafts if d.kind in FIGURE_KINDS]
    expected = list(expected)
    matched: dict[int, dict] = {}
    at = 0
    for want in expected:
        text = numbers.half_width(str(want["text"]))
        for j in range(at, len(drafts)):
            if numbers.half_width(drafts[j].value_text) == text:
                matched[j] = want
                at = j + 1
                break
    counts = dict.fromkeys((f.name for f in fields(CorpusScore)), 0)
    counts.update(expected=len(expected), found=len(matched), proposed=len(drafts))
    counts["spurious"] = len(drafts) - len(matched)
    for j, want in matched.items():
        draft = drafts[j]
        counts["value_right"] += draft.value != "" and _close(float(draft.value), want["value"])
        counts["year_right"] += draft.year == str(want["year"])
        if want["indicator"]:
            counts["with_indicator"] += 1
            counts["indicator_right"] += draft.indicator_id == want["indicator"]
        else:
            counts["without_indicator"] += 1
            counts["left_empty"] += draft.indicator_id == ""
        if "unit" in want:
            counts["with_unit"] += 1
            counts["unit_right"] += draft.unit == want["unit"]
    return CorpusScore(**counts)


def _close(a: float, b: float) -> bool:
    return abs(a - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def measure_passage(passage: Passage, indicators) -> CorpusScore:
    """Extract a passage and score the drafts against its expected figures."""
    return score_passage(extract(passage.text, passage.plan, indicators), passage.expected)
