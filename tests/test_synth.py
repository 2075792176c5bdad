"""portal synth: a national-scale dataset in the curated data's proportions, built for real."""

import csv
import sqlite3

import pytest
from click.testing import CliRunner

from portal.cli import cli
from portal.synth import Proportions, synthesize
from portal.web.app import create_app

TARGETS = 400


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    db = out / "synth.db"
    result = CliRunner().invoke(
        cli, ["synth", "--targets", str(TARGETS), "--db", str(db), "--datasets", str(out / "ds")]
    )
    assert result.exit_code == 0, result.output
    return db, out / "ds"


def count(db, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]


def test_synth_builds_the_asked_number_of_targets_in_the_curated_proportions(synthetic):
    db, _ = synthetic
    share = Proportions.curated()
    assert count(db, "targets") == TARGETS
    assert count(db, "achievements") == round(TARGETS * share.achievements)
    assert count(db, "programs") == round(TARGETS * share.programs)
    assert count(db, "plans") == round(TARGETS * share.plans)


def test_synthetic_regions_are_a_national_tree_of_real_looking_codes(synthetic):
    db, _ = synthetic
    with sqlite3.connect(db) as conn:
        levels = dict(conn.execute("SELECT level, count(*) FROM regions GROUP BY level"))
        orphans = conn.execute(
            "SELECT count(*) FROM regions r WHERE parent_code IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM regions p WHERE p.region_code = r.parent_code)"
        ).fetchone()[0]
        codes = [c for (c,) in conn.execute("SELECT region_code FROM regions")]
    assert levels["province"] == 31 and levels["prefecture"] > 300
    assert levels["county"] + levels["district"] > 2500
    assert orphans == 0
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def test_the_same_seed_writes_the_same_data(synthetic, tmp_path):
    _, datasets = synthetic
    again = synthesize(TARGETS, tmp_path / "again", seed=1)
    for name in ("plans", "targets", "achievements", "programs"):
        assert (again.datasets / f"{name}.csv").read_bytes() == (
            datasets / f"{name}.csv"
        ).read_bytes()
    other = synthesize(TARGETS, tmp_path / "other", seed=2)
    assert (other.datasets / "targets.csv").read_bytes() != (datasets / "targets.csv").read_bytes()


def test_the_api_serves_a_synthetic_database(synthetic):
    db, datasets = synthetic
    with open(datasets / "targets.csv", encoding="utf-8", newline="") as fh:
        first = next(csv.DictReader(fh))
    client = create_app({"PORTAL_DB": str(db), "TESTING": True}).test_client()
    body = client.get(
        f"/api/v1/targets?region_code={first['region_code']}&target_year={first['target_year']}"
    ).get_json()
    assert first["target_id"] in [t["target_id"] for t in body["data"]]
    assert body["meta"]["data_version"] == "0.0.0"


def test_synth_refuses_to_overwrite_the_portals_own_database(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_DB", str(tmp_path / "portal.db"))
    result = CliRunner().invoke(
        cli, ["synth", "--targets", "5", "--db", str(tmp_path / "portal.db")]
    )
    assert result.exit_code != 0
    assert "the portal's own database" in result.output
    assert not (tmp_path / "portal.db").exists()


def test_the_openapi_document_describes_the_database_served(synthetic, db_path):
    """The curated schemas list the five plans; a synthetic database's document lists none."""
    db, _ = synthetic
    curated = create_app({"PORTAL_DB": str(db_path)}).test_client()
    national = create_app({"PORTAL_DB": str(db)}).test_client()
    for client, five_plans in ((curated, True), (national, False)):
        components = client.get("/api/v1/openapi.json").json["components"]["schemas"]
        plan_id = components["Target"]["properties"]["plan_id"]
        assert ("enum" in plan_id) is five_plans
        if five_plans:
            with sqlite3.connect(db_path) as conn:
                plans = {row[0] for row in conn.execute("SELECT plan_id FROM plans")}
            assert set(plan_id["enum"]) == plans
        # vocabularies hold for any database
        assert "enum" in components["Target"]["properties"]["comparator"]
        assert "enum" in components["Progress"]["properties"]["comparator"]
        assert "enum" in components["Progress"]["properties"]["status"]
