"""Validation: every CSV against its schema, every problem reported with file, row and column."""

from support import read_csv

from portal.validate.datasets import validate_datasets
from portal.validate.report import Problem


def rewrite(path, edit):
    text = path.read_text(encoding="utf-8")
    path.write_text(edit(text), encoding="utf-8")


def test_the_curated_datasets_are_valid():
    report = validate_datasets()
    assert report.problems == []
    assert all(report.tables[name] for name in report.tables), "every table has rows"


def test_every_problem_is_collected_with_file_row_and_column(datasets):
    targets = datasets / "targets.csv"
    rows = targets.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    first = next(csv_row for csv_row in read_csv(targets))
    bad_year = {**first, "target_id": "zz-t001", "target_year": "2027年"}
    bad_comparator = {**first, "target_id": "zz-t002", "comparator": "about"}
    missing_quote = {**first, "target_id": "zz-t003", "source_quote": ""}
    unknown_indicator = {**first, "target_id": "zz-t004", "indicator_id": "no_such_indicator"}
    duplicate = {**first}
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    for row in (bad_year, bad_comparator, missing_quote, unknown_indicator, duplicate):
        writer.writerow(row)
    targets.write_text("\n".join(rows) + "\n" + out.getvalue(), encoding="utf-8")
    n = len(rows)  # the first added row is on line n + 1

    report = validate_datasets(datasets)

    assert [(p.file, p.row, p.column, p.code) for p in report.problems] == [
        ("targets.csv", n + 1, "target_year", "type-error"),
        ("targets.csv", n + 2, "comparator", "constraint-error"),
        ("targets.csv", n + 3, "source_quote", "constraint-error"),
        ("targets.csv", n + 5, "target_id", "unique-error"),
        ("targets.csv", n + 4, "indicator_id", "foreign-key"),
    ]
    assert report.problems[0].value == "2027年"
    assert "whole number" in report.problems[0].message
    assert "no_such_indicator" in str(report.problems[4])


def test_a_missing_column_is_named(datasets):
    rewrite(datasets / "plans.csv", lambda text: text.replace(",source_file", "", 1))
    problems = validate_datasets(datasets).problems
    assert problems[0] == Problem(
        "plans.csv",
        1,
        "source_file",
        "header-error",
        "a required column is missing",
        hint=problems[0].hint,
    )


def test_a_row_with_too_many_cells_is_reported(datasets):
    rewrite(
        datasets / "themes.csv",
        lambda text: text + "extra,额外,Extra,Extra theme.,额外主题。,surplus\n",
    )
    problems = validate_datasets(datasets).problems
    assert [(p.file, p.code) for p in problems] == [("themes.csv", "extra-cell")]


def test_a_file_that_is_not_utf8_is_reported(datasets):
    path = datasets / "regions.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    problems = validate_datasets(datasets).problems
    assert problems[0].file == "regions.csv"
    assert problems[0].code == "encoding-error"


def test_a_value_that_disagrees_with_its_printed_text_is_reported(datasets):
    rows = read_csv(datasets / "targets.csv")
    numeric = next(r for r in rows if r["value"])
    rewrite(
        datasets / "targets.csv",
        lambda text: text.replace(
            f"{numeric['target_id']},", f"{numeric['target_id']},", 1
        ).replace(
            f",{numeric['value']},{numeric['value_text']},",
            f",{float(numeric['value']) * 10:g},{numeric['value_text']},",
            1,
        ),
    )
    problems = validate_datasets(datasets).problems
    assert [(p.file, p.column, p.code) for p in problems] == [
        ("targets.csv", "value", "rule-error")
    ]


def test_a_percentage_cannot_be_filed_under_a_count(datasets):
    rows = read_csv(datasets / "targets.csv")
    percent = next(r for r in rows if r["value_text"].endswith("%"))
    rewrite(
        datasets / "targets.csv",
        lambda text: text.replace(
            f"{percent['target_id']},{percent['plan_id']},{percent['indicator_id']},",
            f"{percent['target_id']},{percent['plan_id']},high_tech_enterprises,",
            1,
        ),
    )
    problems = validate_datasets(datasets).problems
    # a share on a count of enterprises (stock) breaks the one-basis rule too
    assert [(p.column, p.code) for p in problems] == [
        ("indicator_id", "rule-error"),
        ("basis", "rule-error"),
    ]
    assert "%" in problems[0].message
