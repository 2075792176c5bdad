"""The portal command: validate and build, with help for every command."""

import json

from click.testing import CliRunner

from portal.cli import cli


def test_every_command_has_help():
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help, f"portal {name} has no help text"
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0


def test_validate_passes_on_the_curated_datasets():
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: regions")


def test_validate_lists_problems_and_exits_1(datasets):
    with open(datasets / "regions.csv", "a", encoding="utf-8") as fh:
        fh.write("99,某地,Somewhere,county,110000\n")
    result = CliRunner().invoke(cli, ["validate", "--datasets", str(datasets)])
    assert result.exit_code == 1
    assert "regions.csv, row 8, column region_code: constraint-error" in result.output
    assert "regions.csv, row 8, column level: constraint-error" in result.output


def test_validate_speaks_json_for_programs(datasets):
    with open(datasets / "regions.csv", "a", encoding="utf-8") as fh:
        fh.write("99,某地,Somewhere,county,110000\n")
    result = CliRunner().invoke(cli, ["validate", "--datasets", str(datasets), "--format", "json"])
    report = json.loads(result.output)
    assert report["valid"] is False
    assert report["problems"][0] == {
        "file": "regions.csv",
        "row": 8,
        "column": "region_code",
        "code": "constraint-error",
        "message": "the value does not match the pattern ^([0-9]{6}|JJJ)$",
        "value": "99",
        "hint": None,
    }


def test_build_writes_the_database(tmp_path):
    db = tmp_path / "portal.db"
    result = CliRunner().invoke(cli, ["build", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert db.exists()
    assert "built" in result.output
