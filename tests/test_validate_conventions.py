"""The curation conventions that validation enforces: one basis per indicator, the part of a
region named by every figure of a passage, one region for figures about Tianjin and Hebei."""

import csv

import pytest
from support import read_csv

from portal.validate import references
from portal.validate.datasets import validate_datasets


def edit_row(path, key, value, **changes):
    """Change cells of the row whose `key` column is `value`; its line in the file."""
    rows = read_csv(path)
    with open(path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    line = next(n for n, row in enumerate(rows, start=2) if row[key] == value)
    rows[line - 2].update(changes)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return line


def rule_problems(datasets):
    return [(p.file, p.row, p.column) for p in validate_datasets(datasets).problems]


def test_the_curated_figures_keep_the_conventions():
    assert validate_datasets().problems == []


def test_a_period_total_on_an_annual_indicator_is_rejected(datasets):
    # Baodi's 2021-2025 total of technology contract turnover beside Beijing's yearly figures
    line = edit_row(
        datasets / "targets.csv",
        "target_id",
        "bd14-t011",
        indicator_id="technology_contract_turnover",
    )
    problems = validate_datasets(datasets).problems
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("targets.csv", line, "basis", "cumulative")
    ]
    assert "technology_contract_turnover holds annual figures" in problems[0].message


def test_an_indicator_states_its_one_basis(datasets):
    edit_row(datasets / "indicators.csv", "indicator_id", "patent_grants", basis="sometimes")
    problems = validate_datasets(datasets).problems
    # the indicator is invalid, so the goal on it refers to no valid indicator
    assert [(p.file, p.column, p.code) for p in problems] == [
        ("indicators.csv", "basis", "constraint-error"),
        ("targets.csv", "indicator_id", "foreign-key"),
    ]


def test_a_figure_that_drops_the_part_its_passage_names_is_rejected(datasets):
    # the sales of the new-energy vehicle "一园两基地", read as the whole industry's
    line = edit_row(
        datasets / "achievements.csv",
        "achievement_id",
        "bj16-a042",
        note_en="Sales revenue of the new-energy vehicle industry as printed.",
    )
    problems = validate_datasets(datasets).problems
    assert [(p.file, p.row, p.column) for p in problems] == [("achievements.csv", line, "note_en")]
    assert "“一园两基地”" in problems[0].message
    assert problems[0].hint.startswith("start note_en with 'Scope: the new-energy vehicle")


def test_a_passage_naming_two_parts_differently_is_rejected(datasets):
    line = edit_row(
        datasets / "achievements.csv",
        "achievement_id",
        "bj16-a029",
        note_en="Scope: Future Science City only. Thousand Talents Programme experts.",
    )
    assert rule_problems(datasets) == [("achievements.csv", line, "note_en")]


@pytest.mark.parametrize("group", [references.RULE_GROUP, 50])
def test_a_part_of_a_region_on_a_whole_region_indicator_is_rejected(datasets, monkeypatch, group):
    # in groups of 50 rows the park's figure and Beijing's are checked in different groups
    monkeypatch.setattr(references, "RULE_GROUP", group)
    line = edit_row(
        datasets / "achievements.csv",
        "achievement_id",
        "bj16-a042",
        indicator_id="technology_contract_turnover",
    )
    problems = validate_datasets(datasets).problems
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("achievements.csv", line, "indicator_id", "technology_contract_turnover")
    ]
    assert "holds figures about whole regions" in problems[0].message


@pytest.mark.parametrize(("figure", "region"), [("bj16-a069", "JJJ"), ("bj16-a072", "120000")])
def test_a_figure_about_tianjin_and_hebei_is_beijings(datasets, figure, region):
    line = edit_row(datasets / "achievements.csv", "achievement_id", figure, region_code=region)
    problems = validate_datasets(datasets).problems
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("achievements.csv", line, "region_code", region)
    ]
    assert "110000" in problems[0].hint
