"""Synthetic data at national scale, for benchmarks: `portal synth --targets N --db PATH`.

The datasets are written as the curated ones are (one CSV per table, a CHANGELOG.md, Table
Schemas) and built by the real build. Rows keep the proportions of the curated data: for each
target, as many achievements, programmes and plans as the curated tables have per target.
"""

import csv
import json
import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from portal import paths
from portal.build.database import BuildResult, build_database
from portal.synth.documents import achievement_rows, plan_row, plans_of, program_rows, target_rows
from portal.synth.regions import national_regions, spread
from portal.tableschema import TABLES
from portal.validate import rules

# The Table Schemas, widened for data the curated schemas rule out on purpose.
LEVELS = ["province", "prefecture", "district", "county"]


@dataclass(frozen=True)
class Proportions:
    """Rows of each table per target, as in the curated data."""

    plans: float
    achievements: float
    programs: float

    @classmethod
    def curated(cls, datasets: Path | None = None) -> "Proportions":
        datasets = Path(datasets or paths.DATASETS)
        counts = {}
        for name in ("targets", "plans", "achievements", "programs"):
            with open(datasets / f"{name}.csv", encoding="utf-8", newline="") as fh:
                counts[name] = sum(1 for _ in csv.reader(fh)) - 1
        per = counts["targets"]
        return cls(counts["plans"] / per, counts["achievements"] / per, counts["programs"] / per)


@dataclass(frozen=True)
class Synthetic:
    datasets: Path
    schemas: Path
    rows: dict[str, int]


def synthesize(targets: int, out: Path, seed: int = 1, workers: int = 2) -> Synthetic:
    """Write the CSVs, the changelog and the schemas of a synthetic dataset into `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_schemas(out / "schemas")
    share = Proportions.curated()
    rng = random.Random(seed)
    plans = plans_of(national_regions(), max(1, round(targets * share.plans)), rng)
    counts = {
        "targets": spread(targets, len(plans), rng),
        "achievements": spread(round(targets * share.achievements), len(plans), rng),
        "programs": spread(round(targets * share.programs), len(plans), rng),
    }
    curated = {name: read_curated(name) for name in ("themes", "indicators", "programs")}
    rows = {
        "regions": write_csv(out, "regions", [r.row() for r in national_regions()]),
        "plans": write_csv(out, "plans", [plan_row(p, rng) for p in plans]),
        "themes": write_csv(out, "themes", curated["themes"]),
        "indicators": write_csv(out, "indicators", curated["indicators"]),
    }
    jobs = [
        ("programs", plans, counts["programs"], seed),
        ("achievements", plans, counts["achievements"], seed),
        ("targets", plans, counts["targets"], seed),
    ]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        written = pool.map(write_figures, [out] * len(jobs), *zip(*jobs, strict=True))
        rows |= dict(zip([job[0] for job in jobs], written, strict=True))
    (out / "CHANGELOG.md").write_text(
        f"# Data changelog\n\n## 0.0.0 — 2026-01-01\n\nSynthetic data: {targets} targets, "
        f"seed {seed}, written by `portal synth`. Not real figures.\n",
        encoding="utf-8",
    )
    return Synthetic(out, out / "schemas", {name: rows[name] for name in TABLES})


def synthesize_database(
    targets: int, db_path: Path, datasets: Path | None = None, seed: int = 1
) -> tuple[Synthetic, BuildResult]:
    """A synthetic dataset written beside the database (or into `datasets`), then built."""
    db_path = Path(db_path)
    datasets = Path(datasets or db_path.with_name(db_path.stem + "-datasets"))
    synthetic = synthesize(targets, datasets, seed)
    return synthetic, build_database(db_path, synthetic.datasets, synthetic.schemas)


def write_schemas(directory: Path) -> Path:
    """The curated Table Schemas, with two constraints widened: any plan_id may be referenced
    (the curated schemas list the five plans), and regions include prefectures and counties."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        descriptor = json.loads((paths.SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
        for field in descriptor["fields"]:
            constraints = field.get("constraints", {})
            if field["name"] == "plan_id" and name != "plans":
                constraints.pop("enum", None)
            if name == "regions" and field["name"] == "level":
                constraints["enum"] = sorted(set(constraints["enum"]) | set(LEVELS))
        (directory / f"{name}.schema.json").write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return directory


def read_curated(name: str) -> list[dict]:
    with open(paths.DATASETS / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(out: Path, name: str, rows: list[dict]) -> int:
    with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


PROGRAM_LEVELS = ("pillar", "task", "measure")
FIGURES = {"targets": target_rows, "achievements": achievement_rows, "programs": program_rows}


def write_figures(out: Path, name: str, plans: list, counts: list[int], seed: int) -> int:
    """One of the large tables, plan by plan; run in a worker process of its own."""
    rng = random.Random(f"{seed}-{name}")
    header = json.loads((out / "schemas" / f"{name}.schema.json").read_text("utf-8"))["fields"]
    if name == "programs":
        curated = read_curated("programs")
        context = {level: [p for p in curated if p["level"] == level] for level in PROGRAM_LEVELS}
    else:
        # Each figure takes its indicator's one basis. Figures about Tianjin and Hebei are
        # Beijing's alone (rules.TIANJIN_HEBEI), so synthetic regions do not report them.
        context = [i for i in read_curated("indicators") if rules.TIANJIN_HEBEI not in i["name_zh"]]
    rows_of, written = FIGURES[name], 0
    with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f["name"] for f in header])
        for plan, count in zip(plans, counts, strict=True):
            rows = list(rows_of(plan, count, context, rng))
            writer.writerows(rows)
            written += len(rows)
    return written
