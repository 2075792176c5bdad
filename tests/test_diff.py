"""Diff: the rows a release adds, removes and changes, between folders, zips and git revisions."""

import csv
import json
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from portal.cli import cli
from portal.curate.diff import NoPackage, diff_versions, to_json, to_markdown
from portal.tableschema import load_schemas

SCHEMAS = load_schemas()
TARGET = dict.fromkeys(SCHEMAS["targets"].field_names, "") | {
    "plan_id": "subcentre-st-doubling-2027",
    "region_code": "110112",
    "target_year": "2027",
    "comparator": ">",
    "basis": "stock",
}
OLD_TARGETS = [
    TARGET | {"target_id": "sc27-t002", "indicator_id": "high_tech_enterprises", "value": "1500",
              "value_text": "1500家", "source_quote": "高新技术企业突破1500家"},
    TARGET | {"target_id": "sc27-t004", "indicator_id": "innovation_partners", "value": "32",
              "value_text": "32家", "source_quote": "创新伙伴达32家"},
    TARGET | {"target_id": "sc27-t009", "indicator_id": "outstanding_innovation_teams",
              "value": "50", "value_text": "50个", "source_quote": "优秀科技创新团队超过50个"},
]  # fmt: skip
NEW_TARGETS = [
    OLD_TARGETS[0],
    OLD_TARGETS[1] | {"comparator": ">=", "value": "33", "value_text": "33家"},
    TARGET | {"target_id": "sc27-t019", "indicator_id": "science_tech_backyards", "value": "20",
              "value_text": "20个", "source_quote": "科技小院达到20个"},
]  # fmt: skip
PROGRAM = {
    "program_id": "sc27-p001",
    "plan_id": "subcentre-st-doubling-2027",
    "parent_id": "",
    "ordinal": "1",
    "level": "pillar",
    "title_zh": "集聚创新主体添动力",
    "title_en": "Gather innovators",
    "summary_en": "",
    "summary_zh": "",
    "section": "二、（一）",
    "source_quote": "（一）集聚创新主体添动力",
}


def write_table(folder, name, rows, columns=None):
    folder.mkdir(parents=True, exist_ok=True)
    columns = columns or SCHEMAS[name].field_names
    with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def versions(tmp_path):
    """Two small data packages: the targets change, the programs are new, the rest is absent."""
    old, new = tmp_path / "old", tmp_path / "new"
    without_note = [c for c in SCHEMAS["targets"].field_names if c != "note_en"]
    write_table(old, "targets", OLD_TARGETS, without_note)
    write_table(new, "targets", NEW_TARGETS)
    write_table(new, "programs", [PROGRAM])
    return old, new


EXPECTED_MARKDOWN = """\
Changes from old to new:

| table | added | removed | changed |
|---|---:|---:|---:|
| targets | 1 | 1 | 1 |
| programs | 1 | 0 | 0 |

### targets

- New column `note_en`
- Added `sc27-t019` science_tech_backyards 20个
- Removed `sc27-t009` outstanding_innovation_teams 50个
- Changed `sc27-t004`: comparator `>` → `>=`; value `32` → `33`; value_text `32家` → `33家`

### programs (new table)

- Added `sc27-p001` 集聚创新主体添动力
"""


def test_rows_added_removed_and_changed_are_listed_by_table(versions):
    old, new = versions
    diffs = {d.table: d for d in diff_versions(str(old), str(new))}
    targets = diffs["targets"]
    assert [r["target_id"] for r in targets.added] == ["sc27-t019"]
    assert [r["target_id"] for r in targets.removed] == ["sc27-t009"]
    assert [(c.key, c.changes) for c in targets.changed] == [
        (
            "sc27-t004",
            {"comparator": (">", ">="), "value": ("32", "33"), "value_text": ("32家", "33家")},
        )
    ]
    assert targets.columns_added == ["note_en"]
    assert diffs["programs"].status == "new table"
    assert not diffs["regions"]


def test_the_markdown_is_ready_for_the_changelog(versions):
    old, new = versions
    diffs = diff_versions(str(old), str(new))
    assert to_markdown(diffs, "old", "new") == EXPECTED_MARKDOWN


def test_a_zip_data_package_reads_like_a_folder(versions, tmp_path):
    old, new = versions
    package = tmp_path / "new.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for path in new.iterdir():
            archive.write(path, f"data/{path.name}")
    diffs = diff_versions(str(old), str(package))
    assert to_markdown(diffs, "old", "new") == EXPECTED_MARKDOWN


def test_two_git_revisions_are_read_from_datasets(versions, tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    old, new = versions
    repo = tmp_path / "repo"

    def git(*args):
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            check=True,
            capture_output=True,
        )

    repo.mkdir()
    git("init", "-q")
    for version in (old, new):
        shutil.rmtree(repo / "datasets", ignore_errors=True)
        shutil.copytree(version, repo / "datasets")
        git("add", "-A")
        git("commit", "-q", "-m", version.name)
    diffs = diff_versions("HEAD~1", "HEAD", repo=repo)
    assert to_markdown(diffs, "old", "new") == EXPECTED_MARKDOWN


def test_identical_versions_have_no_changes(versions):
    old, _ = versions
    diffs = diff_versions(str(old), str(old))
    assert to_markdown(diffs, "a", "b") == "No changes to the data between a and b.\n"


def test_an_unknown_version_is_refused(versions):
    old, _ = versions
    with pytest.raises(NoPackage):
        diff_versions(str(old), "no-such-revision-or-folder")
    result = CliRunner().invoke(cli, ["diff", str(old), "no-such-revision-or-folder"])
    assert result.exit_code == 1
    assert "neither a folder, a .zip nor a git revision" in result.output


def test_the_command_speaks_markdown_and_json(versions):
    old, new = versions
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Changes from {old} to {new}:")
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    body = json.loads(result.output)
    assert body == to_json(diff_versions(str(old), str(new)), str(old), str(new))
    assert body["tables"]["targets"]["changed"] == [
        {
            "key": "sc27-t004",
            "changes": {
                "comparator": {"old": ">", "new": ">="},
                "value": {"old": "32", "new": "33"},
                "value_text": {"old": "32家", "new": "33家"},
            },
        }
    ]
    assert body["tables"]["programs"]["added"] == [PROGRAM]
