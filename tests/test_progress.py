"""Progress against targets: the growth needed, the growth achieved and the status."""

import sqlite3

import pytest

from portal.build.progress import assess, cagr

TARGET = {
    "target_id": "x-t001",
    "plan_id": "p",
    "indicator_id": "i",
    "region_code": "110000",
    "target_year": 2025,
    "comparator": ">=",
    "value": 280.0,
}


def figure(year, value, n=1):
    return {"achievement_id": f"x-a{n:03d}", "period_end": year, "value": value}


def test_compound_annual_growth():
    assert cagr(100, 121, 2) == pytest.approx(10.0)
    assert cagr(0, 5, 3) is None
    assert cagr(5, 6, 0) is None


@pytest.mark.parametrize(
    "figures, status, needed, achieved",
    [
        ([], "no_baseline", None, None),
        ([figure(2019, 151)], "no_trend", cagr(151, 280, 6), None),
        (
            [figure(2015, 58, 1), figure(2019, 151, 2)],
            "on_track",
            cagr(151, 280, 6),
            cagr(58, 151, 4),
        ),
        (
            [figure(2015, 140, 1), figure(2019, 151, 2)],
            "needs_acceleration",
            cagr(151, 280, 6),
            cagr(140, 151, 4),
        ),
        (
            [figure(2015, 140, 1), figure(2019, 300, 2)],
            "achieved",
            cagr(300, 280, 6),
            cagr(140, 300, 4),
        ),
        (
            [figure(2026, 500)],
            "no_baseline",
            None,
            None,
        ),  # a figure after the target year is no baseline
    ],
)
def test_status_in_the_manner_of_open_sdg(figures, status, needed, achieved):
    row = assess(TARGET, figures)
    assert (row["status"], row["growth_needed"], row["growth_achieved"]) == (
        status,
        needed,
        achieved,
    )


def test_a_ceiling_target_is_on_track_when_the_figure_falls_fast_enough():
    target = {**TARGET, "comparator": "<=", "value": 50.0}
    row = assess(target, [figure(2015, 100, 1), figure(2019, 70, 2)])
    assert row["status"] == "on_track"


def test_baodi_high_tech_enterprises_are_on_track(db_path):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM progress WHERE target_id = 'bd14-t002'").fetchone())
    assert (row["baseline_value"], row["baseline_year"], row["earliest_value"]) == (151, 2019, 58)
    assert row["growth_needed"] == cagr(151, 280, 6)
    assert row["status"] == "on_track"
    numeric = conn.execute("SELECT count(*) FROM targets WHERE value IS NOT NULL").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM progress").fetchone()[0] == numeric


def test_the_api_lists_progress_by_status(api):
    body = api.get("/api/v1/progress?status=on_track").json
    assert [r["target_id"] for r in body["data"]] == ["bd14-t002"]
