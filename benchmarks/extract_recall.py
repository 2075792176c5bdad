"""How good the drafts of `portal extract` are, on the corpus of passages and on the curated plans.

    .venv/bin/python benchmarks/extract_recall.py --sources DIR

The corpora give recall, year accuracy, indicator accuracy and spurious proposals against the
rows expected of each passage: tests/extract_corpus/ (the passages the rules were written
against) and tests/extract_corpus_fresh/ (passages written after the rules, not tuned on).
DIR holds the source documents named in datasets/plans.csv (default: $PORTAL_SOURCES, or
shared/seeds beside the repository); their drafts are compared with the curated rows. Prints
Markdown tables for docs/curating.md.
"""

import argparse
import csv
import os
from pathlib import Path

from portal import paths
from portal.curate.extract import load_indicators
from portal.curate.measure import CorpusScore, Score, load_corpus, measure, measure_passage

# Passages the rules were written against, and passages written after them and not tuned on.
CORPORA = [paths.ROOT / "tests" / "extract_corpus", paths.ROOT / "tests" / "extract_corpus_fresh"]


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def corpus_row(name: str, s: CorpusScore) -> str:
    return (
        f"| {name} | {s.expected} | {s.found} | {percent(s.found, s.expected)} "
        f"| {percent(s.year_right, s.found)} "
        f"| {s.indicator_right}/{s.with_indicator} {percent(s.indicator_right, s.with_indicator)} "
        f"| {s.left_empty}/{s.without_indicator} "
        f"| {s.unit_right}/{s.with_unit} "
        f"| {s.spurious}/{s.proposed} {percent(s.spurious, s.proposed)} |"
    )


def plan_row(name: str, s: Score) -> str:
    return (
        f"| {name} | {s.curated} | {s.found} | {percent(s.found, s.curated)} | {s.proposed} | "
        f"{s.confirmed} | {percent(s.confirmed, s.proposed)} | {percent(s.kind_right, s.found)} | "
        f"{percent(s.year_right, s.found)} | {percent(s.indicator_right, s.found)} |"
    )


def main() -> None:
    default = os.environ.get("PORTAL_SOURCES") or paths.ROOT.parent / "shared" / "seeds"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=Path(default))
    parser.add_argument("--datasets", type=Path, default=paths.DATASETS)
    parser.add_argument("--corpus", type=Path, action="append", help="(default: both corpora)")
    args = parser.parse_args()

    indicators = load_indicators(args.datasets)
    for corpus in args.corpus or CORPORA:
        print(
            "| passage | figures | found | recall | year right | indicator right "
            "| no indicator left empty | unit right | spurious |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        total = CorpusScore()
        for passage in load_corpus(corpus):
            s = measure_passage(passage, indicators)
            total += s
            print(corpus_row(passage.name, s))
        print(corpus_row(f"**{corpus.name}**", total))
        print()

    with open(args.datasets / "plans.csv", encoding="utf-8", newline="") as fh:
        plan_ids = [plan["plan_id"] for plan in csv.DictReader(fh)]
    scores = {plan_id: measure(plan_id, args.sources, args.datasets) for plan_id in plan_ids}
    print(
        "| plan | curated figures | found | recall | drafted figures | curated | precision "
        "| kind right | year right | indicator right |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for plan_id, s in scores.items():
        print(plan_row(plan_id, s))
    print(plan_row("**all plans**", sum(scores.values(), Score(0, 0, 0, 0))))


if __name__ == "__main__":
    main()
