"""How well `portal extract` proposes the curated figures: recall and precision, per plan.

    .venv/bin/python benchmarks/extract_recall.py --sources DIR

DIR holds the source documents named in datasets/plans.csv (default: $PORTAL_SOURCES, or
shared/seeds beside the repository). Prints a Markdown table for docs/curating.md.
"""

import argparse
import csv
import os
from pathlib import Path

from portal import paths
from portal.curate.extract import Score, measure


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def row(name: str, s: Score) -> str:
    return (
        f"| {name} | {s.curated} | {s.found} | {percent(s.found, s.curated)} | {s.proposed} | "
        f"{s.confirmed} | {percent(s.confirmed, s.proposed)} | {percent(s.kind_right, s.found)} | "
        f"{percent(s.indicator_right, s.found)} |"
    )


def main() -> None:
    default = os.environ.get("PORTAL_SOURCES") or paths.ROOT.parent / "shared" / "seeds"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=Path(default))
    parser.add_argument("--datasets", type=Path, default=paths.DATASETS)
    args = parser.parse_args()
    with open(args.datasets / "plans.csv", encoding="utf-8", newline="") as fh:
        plan_ids = [plan["plan_id"] for plan in csv.DictReader(fh)]
    scores = {plan_id: measure(plan_id, args.sources, args.datasets) for plan_id in plan_ids}
    total = Score(
        *(sum(getattr(s, f) for s in scores.values()) for f in Score.__dataclass_fields__)
    )
    print(
        "| plan | curated figures | found | recall | drafted figures | curated | precision "
        "| kind right | indicator right |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for plan_id, s in scores.items():
        print(row(plan_id, s))
    print(row("**all plans**", total))


if __name__ == "__main__":
    main()
