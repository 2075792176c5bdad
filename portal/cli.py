"""The `portal` command: validate the datasets and build the database."""

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from portal import paths
from portal.build.database import BuildError, build_database
from portal.curate.diff import NoPackage, diff_versions, to_json, to_markdown
from portal.curate.extract import (
    FIGURE_KINDS,
    extract,
    load_glossary,
    load_indicators,
    load_plan,
    write_drafts,
)
from portal.curate.review import render_review
from portal.release import NoRelease
from portal.validate.datasets import validate_datasets
from portal.validate.provenance import check_quotes
from portal.validate.report import InvalidData, Report


def db_option(help: str, required: bool = False):
    """--db PATH: a database file."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        required=required,
        help=help,
    )


def datasets_option(help: str):
    """--datasets DIR: a folder of curated CSVs."""
    return click.option(
        "--datasets", type=click.Path(file_okay=False, path_type=Path), default=None, help=help
    )


@click.group()
@click.version_option(package_name="portal")
def cli():
    """Curated data of Chinese regional science-and-technology plans."""


def print_report(report: Report, output_format: str) -> None:
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "valid": report.valid,
                    "rows": report.rows_read,
                    "problems": [p.as_dict() for p in report.problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s) in {report.rows_read} rows", err=True)


@cli.command()
@datasets_option("Folder of the CSVs (default: datasets/).")
@click.option(
    "--sources",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of the source documents: also check every quote against them.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="text for people, json for programs.",
)
def validate(datasets, sources, output_format):
    """Check every CSV against its schema; list every problem and exit 1 if there is any."""
    report = validate_datasets(datasets)
    if sources:
        report.problems.extend(check_quotes(report.tables, sources))
    print_report(report, output_format)
    if not report.valid:
        sys.exit(1)
    if output_format == "text":
        tables = ", ".join(f"{name} {len(rows)}" for name, rows in report.tables.items())
        click.echo(f"valid: {tables}")


@cli.command("extract")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--plan-id", required=True, help="The plan the rows belong to.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV file to write (default: standard output).",
)
@datasets_option(
    "Folder of the CSVs whose plans and indicators guide the guesses (default: datasets/)."
)
@click.option(
    "--year",
    type=int,
    default=None,
    help="Year the plan was written: figures of earlier years are achievements, of this year "
    "or later targets (default: from plans.csv).",
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the review view: the text with every draft highlighted in place, its fields "
    "beside it, and the sentences with a number and no draft.",
)
def extract_command(source, plan_id, out, datasets, year, html_out):
    """Draft rows from a plan's text for review: each figure with its sentence, and the headings."""
    plan = load_plan(plan_id, datasets)
    if year:
        plan = replace(plan, written=year)
    text = source.read_text(encoding="utf-8")
    drafts = extract(text, plan, load_indicators(datasets), load_glossary(datasets))
    if html_out:
        html_out.write_text(render_review(text, drafts, plan_id, source.name), encoding="utf-8")
        click.echo(f"review view written to {html_out}", err=True)
    if out:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            write_drafts(drafts, fh)
    else:
        write_drafts(drafts, sys.stdout)
    kinds = {k: sum(d.kind == k for d in drafts) for k in (*FIGURE_KINDS, "program")}
    click.echo(
        f"drafted {kinds['target']} targets, {kinds['achievement']} achievements and "
        f"{kinds['program']} programs" + (f" into {out}" if out else ""),
        err=True,
    )


@cli.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    help="markdown for datasets/CHANGELOG.md, json for programs.",
)
def diff_command(old, new, output_format):
    """List the rows added, removed and changed from OLD to NEW, table by table.

    OLD and NEW are git revisions (their datasets/ is read), folders of CSVs or .zip data
    packages: `portal diff HEAD~1 HEAD`, `portal diff HEAD datasets`.
    """
    try:
        diffs = diff_versions(old, new)
    except NoPackage as error:
        raise click.ClickException(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(to_json(diffs, old, new), ensure_ascii=False, indent=2))
    else:
        click.echo(to_markdown(diffs, old, new), nl=False)


@cli.command()
@db_option("Database to write (default: $PORTAL_DB or build/portal.db).")
@datasets_option("Folder of the CSVs (default: datasets/).")
def build(db_path, datasets):
    """Validate the CSVs and build the database; on any problem the old database stays."""
    try:
        result = build_database(db_path or paths.database_path(), datasets)
    except InvalidData as error:
        print_report(error.report, "text")
        raise click.ClickException("invalid data: nothing was built") from None
    except (BuildError, NoRelease) as error:
        raise click.ClickException(str(error)) from None
    rows = ", ".join(f"{name} {count}" for name, count in result.rows.items())
    seconds = sum(result.seconds.values())
    click.echo(f"built {result.path} (data {result.release.version}) in {seconds:.2f} s: {rows}")


@cli.command()
@db_option("Database to export (default: $PORTAL_DB or build/portal.db).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write to (default: $PORTAL_DOWNLOADS or build/downloads).",
)
def downloads(db_path, out_dir):
    """Write the data package (zip), the workbook (xlsx) and the database, versioned and latest."""
    from portal.exports import (
        build_downloads,  # here, so that other commands need not load openpyxl
    )

    db_path = db_path or paths.database_path()
    if not Path(db_path).is_file():
        raise click.ClickException(f"no database at {db_path}: run `portal build` first")
    for path in build_downloads(db_path, out_dir):
        click.echo(f"wrote {path}")


@cli.command()
@click.option("--targets", type=click.IntRange(min=1), required=True, help="Targets to write.")
@db_option("Database to build (never the curated one's default: name it).", required=True)
@datasets_option("Folder for the synthetic CSVs and schemas (default: beside the database).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def synth(targets, db_path, datasets, seed):
    """Write a synthetic national dataset of TARGETS targets and build it, for benchmarks.

    Regions, plans, achievements and programmes come in the curated data's proportions; the
    build is the real one. Serve it with PORTAL_DB=PATH.
    """
    from portal.synth import synthesize_database

    if db_path.resolve() == paths.database_path().resolve():
        raise click.ClickException(f"{db_path} is the portal's own database: name another file")
    try:
        synthetic, result = synthesize_database(targets, db_path, datasets, seed)
    except InvalidData as error:
        print_report(error.report, "text")
        raise click.ClickException("the synthetic data is invalid: nothing was built") from None
    rows = ", ".join(f"{name} {count}" for name, count in result.rows.items())
    click.echo(f"wrote {synthetic.datasets}; built {result.path}: {rows}")
