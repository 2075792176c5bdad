"""Validation messages: every kind of problem told with its file, row, column, value and hint."""

import csv
import io
import json

import pytest
from click.testing import CliRunner
from support import SOURCES

from portal.cli import cli
from portal.tableschema import load_schemas
from portal.validate import cells, references
from portal.validate.datasets import validate_datasets
from portal.validate.provenance import check_quotes

TARGET_COLUMNS = ",".join(load_schemas()["targets"].field_names)


def first_row(datasets, table: str) -> dict:
    with open(datasets / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return next(csv.DictReader(fh))


def append_row(datasets, table: str, changes: dict) -> int:
    """Add a copy of the table's first row with some cells changed; return its row number."""
    path = datasets / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    out = io.StringIO()
    csv.DictWriter(out, header, lineterminator="\n").writerow(first_row(datasets, table) | changes)
    text = text.rstrip("\n") + "\n" + out.getvalue()
    path.write_text(text, encoding="utf-8")
    return len(text.splitlines())


def append_line(datasets, table: str, line: str) -> int:
    path = datasets / f"{table}.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + line + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.splitlines())


def rewrite(datasets, table: str, edit) -> None:
    path = datasets / f"{table}.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


def swap_first_columns(text: str) -> str:
    out = io.StringIO()
    rows = [[b, a, *rest] for a, b, *rest in csv.reader(io.StringIO(text))]
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def new_problems(datasets, break_it, sources=None) -> tuple[list[str], int | None]:
    """The problems that breaking the datasets adds, as printed, and the row it returned."""

    def problems():
        report = validate_datasets(datasets)
        found = list(report.problems)
        if sources:
            found += check_quotes(report.tables, sources)
        return [str(p) for p in found]

    before = set(problems())
    row = break_it(datasets)
    return [p for p in problems() if p not in before], row


CASES = {
    "type-error": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "target_year": "2027年"}),
        ["targets.csv, row {row}, column target_year: type-error: expected a whole number "
         "(found '2027年')"],
    ),
    "type-error (number)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "value": "约150"}),
        ["targets.csv, row {row}, column value: type-error: expected a number such as 1500 or 2.5 "
         "(found '约150')"],
    ),
    "constraint-error (required)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "source_quote": ""}),
        ["targets.csv, row {row}, column source_quote: constraint-error: a value is required"],
    ),
    "constraint-error (enum)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "comparator": "about"}),
        ["targets.csv, row {row}, column comparator: constraint-error: expected one of "
         ">=, >, =, ~, <=, qualitative (found 'about')"],
    ),
    "constraint-error (pattern)": (
        lambda d: append_row(d, "targets", {"target_id": "ZZ_1"}),
        ["targets.csv, row {row}, column target_id: constraint-error: the value does not match "
         "the pattern ^[a-z0-9][a-z0-9-]*[a-z0-9]$ (found 'ZZ_1')"],
    ),
    "constraint-error (minimum)": (
        lambda d: append_row(d, "programs", {"program_id": "zz-p001", "ordinal": "0"}),
        ["programs.csv, row {row}, column ordinal: constraint-error: expected at least 1 "
         "(found '0')"],
    ),
    "constraint-error (spaces)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "value_text": " 150人"}),
        ["targets.csv, row {row}, column value_text: constraint-error: the value has spaces at "
         "its start or end (found ' 150人'). Hint: remove the surrounding spaces"],
    ),
    "unique-error": (
        lambda d: append_row(d, "targets", {}),
        ["targets.csv, row {row}, column target_id: unique-error: the value is already used on "
         "row 2 (found 'tz13-t001'). Hint: identifiers are never reused"],
    ),
    "foreign-key": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "indicator_id": "no_such"}),
        ["targets.csv, row {row}, column indicator_id: foreign-key: no row of indicators.csv has "
         "indicator_id = this value (found 'no_such'). "
         "Hint: add it to indicators.csv or correct the reference"],
    ),
    "extra-cell": (
        lambda d: append_line(d, "themes", "extra,额外,Extra,Extra theme.,额外主题。,surplus"),
        ["themes.csv, row {row}: extra-cell: the row has 6 cells, the header 5. "
         "Hint: a comma inside a text must be within double quotes"],
    ),
    "missing-cell": (
        lambda d: append_line(d, "themes", "extra,额外,Extra"),
        ["themes.csv, row {row}: missing-cell: the row has 3 cells, the header 5. "
         "Hint: a comma inside a text must be within double quotes"],
    ),
    "format-error": (
        lambda d: append_line(d, "themes", 'extra,"额外"x,Extra,Extra theme.'),
        ["themes.csv, row {row}: format-error: not valid CSV: ',' expected after '\"'. "
         "Hint: check the quotes on this line"],
    ),
    "header-error (missing column)": (
        lambda d: rewrite(d, "targets", lambda t: t.replace(",note_en", "", 1)),
        ["targets.csv, row 1, column note_en: header-error: a required column is missing. "
         f"Hint: the header is {TARGET_COLUMNS}"],
    ),
    "header-error (unknown column)": (
        lambda d: rewrite(d, "targets", lambda t: t.replace("\n", ",x\n")),
        ["targets.csv, row 1, column x: header-error: this column is not in the schema "
         f"(found 'x'). Hint: the columns are {TARGET_COLUMNS}"],
    ),
    "header-error (column twice)": (
        lambda d: rewrite(d, "targets", lambda t: t.replace(",note_en", ",basis", 1)),
        ["targets.csv, row 1, column note_en: header-error: a required column is missing. "
         f"Hint: the header is {TARGET_COLUMNS}",
         "targets.csv, row 1, column basis: header-error: this column appears twice"],
    ),
    "header-error (order)": (
        lambda d: rewrite(d, "themes", swap_first_columns),
        ["themes.csv, row 1: header-error: the columns are not in the schema's order "
         "(found 'name_zh,theme_id,name_en,description_en,description_zh'). "
         "Hint: order them theme_id,name_zh,name_en,description_en,description_zh"],
    ),
    "header-error (no header)": (
        lambda d: rewrite(d, "targets", lambda t: ""),
        [f"targets.csv, row 1: header-error: the file has no header row. "
         f"Hint: the header is {TARGET_COLUMNS}"],
    ),
    "missing-file": (
        lambda d: (d / "targets.csv").unlink(),
        ["targets.csv: missing-file: the table's CSV file is missing. "
         f"Hint: create targets.csv with the header {TARGET_COLUMNS}"],
    ),
    "encoding-error": (
        lambda d: (d / "targets.csv").write_bytes(
            (d / "targets.csv").read_text(encoding="utf-8").encode("gb18030")
        ),
        ["targets.csv, row 2: encoding-error: the file is not valid UTF-8 (byte 229). "
         "Hint: save the file as UTF-8"],
    ),
    "rule-error (qualitative with a value)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "comparator": "qualitative"}),
        ["targets.csv, row {row}, column value: rule-error: a qualitative target has no value "
         "(found '150'). Hint: empty value and value_text, or set a comparator"],
    ),
    "rule-error (numeric without a value)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "value": "", "value_text": ""}),
        ["targets.csv, row {row}, column value: rule-error: a numeric target needs a value. "
         "Hint: give the value, or use comparator qualitative"],
    ),
    "rule-error (value and printed text disagree)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "value": "1500"}),
        ["targets.csv, row {row}, column value: rule-error: the printed value 150人 is 150 人 "
         "(found '1500'). Hint: value is in the indicator's unit (人)"],
    ),
    "rule-error (unit)": (
        lambda d: append_row(
            d, "targets", {"target_id": "zz-t001", "indicator_id": "science_literacy_rate"}
        ),
        ["targets.csv, row {row}, column indicator_id: rule-error: the printed value is in 人 but "
         "the indicator counts % (found 'science_literacy_rate'). "
         "Hint: choose an indicator measured in the printed unit"],
    ),
    "rule-error (no number printed)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "value_text": "人"}),
        ["targets.csv, row {row}, column value_text: rule-error: no number in the printed value "
         "(found '人'). Hint: copy the number and its unit as printed, e.g. 1.2万家 or 28%"],
    ),
    "rule-error (period)": (
        lambda d: append_row(
            d, "achievements", {"achievement_id": "zz-a001", "period_start": "2016"}
        ),
        ["achievements.csv, row {row}, column period_end: rule-error: the period ends before it "
         "starts (found '2015'). Hint: period_end is at least period_start (2016); a stock at one "
         "date has both the same"],
    ),
    "rule-error (pillar with a parent)": (
        lambda d: append_row(d, "programs", {"program_id": "zz-p001", "parent_id": "tz13-p002"}),
        ["programs.csv, row {row}, column parent_id: rule-error: pillars have no parent and tasks "
         "and measures have one (found 'tz13-p002'). Hint: empty parent_id for a pillar; the "
         "enclosing programme's id for a task or measure"],
    ),
    "rule-error (parent in another plan)": (
        lambda d: append_row(
            d, "programs", {"program_id": "zz-p001", "level": "task", "parent_id": "sc27-p001"}
        ),
        ["programs.csv, row {row}, column parent_id: rule-error: the parent belongs to another "
         "plan (found 'sc27-p001'). Hint: a programme's parent is a programme of the same plan"],
    ),
}  # fmt: skip

WRONG_QUOTE = "万人拥有专业技术人员数突破160人。"
PROVENANCE_CASES = {
    "provenance-error (quote)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "source_quote": WRONG_QUOTE}),
        ["targets.csv, row {row}, column source_quote: provenance-error: the quote is not a "
         "verbatim passage of the plan's source (found '万人拥有专业技术人员数突破160人。'). "
         "Hint: copy the passage exactly, punctuation included"],
    ),
    "provenance-error (qualifier)": (
        lambda d: append_row(d, "targets", {"target_id": "zz-t001", "qualifier_zh": "超过"}),
        ["targets.csv, row {row}, column qualifier_zh: provenance-error: this text does not occur "
         "in the row's source_quote (found '超过'). Hint: copy it from the quote as printed, or "
         "lengthen the quote"],
    ),
    "provenance-error (document)": (
        lambda d: rewrite(d, "plans", lambda t: t.replace("000_ce6721d547a6991e.txt", "000_x.txt")),
        [f"plans.csv, row 2, column source_file: provenance-error: the source document is not in "
         f"{SOURCES.name}/ (found '000_x.txt'). Hint: name the file as it is in the folder of "
         "source documents"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("break_it, expected", CASES.values(), ids=CASES.keys())
def test_each_kind_of_problem_is_told_in_words(datasets, break_it, expected):
    problems, row = new_problems(datasets, break_it)
    assert problems == [line.format(row=row) for line in expected]


@pytest.mark.parametrize("break_it, expected", PROVENANCE_CASES.values(), ids=PROVENANCE_CASES)
def test_each_provenance_problem_is_told_in_words(datasets, break_it, expected):
    if not SOURCES.is_dir():
        pytest.skip(f"the source documents are not in {SOURCES.name}/")
    problems, row = new_problems(datasets, break_it, SOURCES)
    assert problems == [line.format(row=row) for line in expected]


def test_json_gives_programs_every_part_of_a_problem(datasets):
    row = append_row(datasets, "targets", {"target_id": "zz-t001", "value_text": " 150人"})
    result = CliRunner().invoke(cli, ["validate", "--datasets", str(datasets), "--format", "json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert {
        "file": "targets.csv",
        "row": row,
        "column": "value_text",
        "code": "constraint-error",
        "message": "the value has spaces at its start or end",
        "value": " 150人",
        "hint": "remove the surrounding spaces",
    } in problems


def test_the_text_report_ends_with_a_count(datasets):
    append_row(datasets, "targets", {"target_id": "zz-t001", "comparator": "about"})
    result = CliRunner().invoke(cli, ["validate", "--datasets", str(datasets)])
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.endswith("rows") and " problem(s) in " in last


def test_small_batches_and_rule_groups_find_the_same_problems(datasets, monkeypatch):
    """Millions of rows are checked a batch and a rule group at a time; nothing is lost."""
    whole_file = ("header-error", "missing-file", "encoding-error", "format-error")
    for name, (break_it, _) in CASES.items():
        if not name.startswith(whole_file):
            break_it(datasets)
    whole = validate_datasets(datasets)
    monkeypatch.setattr(cells, "BATCH", 7)
    monkeypatch.setattr(references, "RULE_GROUP", 50)
    batched = validate_datasets(datasets)
    assert len({p.code for p in whole.problems}) >= 6
    assert [str(p) for p in batched.problems] == [str(p) for p in whole.problems]
    assert batched.tables == whole.tables
