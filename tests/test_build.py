"""The build: validated CSVs into a checked database, renamed into place or not at all."""

import hashlib
import sqlite3

import pytest
from support import read_csv

from portal import paths
from portal.build.database import build_database
from portal.validate.report import InvalidData


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_build_loads_every_row_of_every_table(tmp_path):
    result = build_database(tmp_path / "portal.db")
    conn = sqlite3.connect(tmp_path / "portal.db")
    for name, count in result.rows.items():
        assert count == len(read_csv(paths.DATASETS / f"{name}.csv"))
        assert conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == count
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_columns_have_the_types_of_their_schema(db_path):
    conn = sqlite3.connect(db_path)
    columns = {row[1]: (row[2], row[3]) for row in conn.execute("PRAGMA table_info(targets)")}
    assert columns["target_year"] == ("INTEGER", 1)
    assert columns["value"] == ("REAL", 0)
    assert columns["source_quote"] == ("TEXT", 1)
    keys = {(row[3], row[2]) for row in conn.execute("PRAGMA foreign_key_list(targets)")}
    assert keys == {
        ("plan_id", "plans"),
        ("indicator_id", "indicators"),
        ("region_code", "regions"),
    }
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(targets)")}
    assert {"idx_targets_plan_id", "idx_targets_region_code", "idx_targets_target_year"} <= indexes


def test_a_bad_row_publishes_nothing_and_keeps_the_previous_database(tmp_path, datasets):
    db = tmp_path / "portal.db"
    build_database(db, datasets)
    before = digest(db)
    with open(datasets / "targets.csv", "a", encoding="utf-8") as fh:
        fh.write(
            "broken-t001,no-such-plan,high_tech_enterprises,110112,soon,>,1,1家,,stock,一,quote,,\n"
        )

    with pytest.raises(InvalidData) as raised:
        build_database(db, datasets)

    assert {(p.column, p.code) for p in raised.value.report.problems} >= {
        ("plan_id", "constraint-error"),
        ("target_year", "type-error"),
    }
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datasets", "portal.db"], (
        "no temporary file left"
    )


def test_the_database_records_its_data_version(db_path):
    conn = sqlite3.connect(db_path)
    meta = dict(conn.execute("SELECT key, value FROM portal_meta"))
    changelog = (paths.DATASETS / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {meta['data_version']} — {meta['data_date']}" in changelog
