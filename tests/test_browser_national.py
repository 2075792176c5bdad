"""The reading pages at national scale in Chromium, against gunicorn serving a synthetic national
database: browse from the home page to a region, compare chosen regions, page through figures."""

import sqlite3
from pathlib import Path

import pytest
import test_browser
from test_browser import CHROMIUM, shot

# Chromium and a fresh page recording console errors, as the other browser tests have them.
browser = test_browser.browser
page = test_browser.page

MAX_HTML = 300 * 1024

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@pytest.fixture(scope="module")
def sql(synthetic_db):
    conn = sqlite3.connect(synthetic_db)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def indicator_id(sql) -> str:
    """The indicator with the most figures and goals."""
    return sql.execute(
        "SELECT indicator_id FROM series GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]


def visit(page, url: str):
    response = page.goto(url)
    assert response.status == 200
    assert len(response.body()) <= MAX_HTML, f"{url}: {len(response.body())} bytes"
    return response


def test_from_the_home_page_to_a_province_and_a_city(synthetic_server, page, sql):
    visit(page, synthetic_server + "/?lang=en")
    assert page.locator("#regions .region-tree > li").count() == 31
    assert page.locator("#plans .card").count() == 10
    shot(page, "national-home-en")
    page.click("#regions a.top:text-is('Zhejiang')")
    page.wait_for_url("**/regions/330000")
    assert page.locator("h1").inner_text().startswith("Zhejiang")
    cities = sql.execute("SELECT count(*) FROM regions WHERE parent_code = '330000'").fetchone()[0]
    assert page.locator("#subregions li").count() == cities
    first_city = page.locator("#subregions li a").first
    name = first_city.inner_text()
    first_city.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith(name)
    assert page.locator("#parent").inner_text() == "Zhejiang"
    shot(page, "national-region-city-en")
    assert page.problems == []


def test_a_region_page_fits_a_phone(synthetic_server, browser, sql):
    code = sql.execute(
        "SELECT region_code FROM series GROUP BY 1 ORDER BY count(DISTINCT indicator_id) DESC"
    ).fetchone()[0]
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN")
    phone = context.new_page()
    visit(phone, f"{synthetic_server}/regions/{code}")
    assert phone.locator("#region-indicators tbody tr").count() >= 5
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shot(phone, "national-region-zh-phone")
    context.close()


def test_a_comparison_of_chosen_regions_is_drawn_with_a_readable_legend(
    synthetic_server,
    page,
    indicator_id,
    sql,
):
    visit(page, f"{synthetic_server}/indicators/{indicator_id}?lang=en")
    page.wait_for_selector("canvas[id^='chart-'][data-rendered=true]")
    boxes = page.locator("#region-picker input[type=checkbox]")
    assert boxes.count() >= 8
    # Keep two of the default regions, and add one by its name.
    for index in range(2, boxes.count()):
        boxes.nth(index).uncheck()
    kept = [boxes.nth(i).get_attribute("value") for i in (0, 1)]
    other = sql.execute(
        "SELECT r.region_code, r.name_en FROM series s JOIN regions r USING (region_code)"
        f" WHERE s.indicator_id = ? AND r.region_code NOT IN ('{kept[0]}', '{kept[1]}')"
        " AND r.level = 'county' LIMIT 1",
        [indicator_id],
    ).fetchone()
    page.fill("#add-region", other[1])
    page.click("#region-picker button[type=submit]")
    page.wait_for_url(f"**regions={kept[0]},{kept[1]},{other[0]}*")
    page.wait_for_selector("canvas[id^='chart-'][data-rendered=true]")
    chart = page.evaluate(
        """() => {
          const charts = [...document.querySelectorAll("canvas[id^='chart-']")]
            .map(canvas => Chart.getChart(canvas));
          const c = charts[0];
          const l = c.legend;
          return {
            labels: charts.flatMap(chart => chart.data.datasets.map(d => d.label)),
            area: c.chartArea,
            legend: l && l.options.display ? {top: l.top, bottom: l.bottom, left: l.left,
                                              right: l.right, items: l.legendItems.length} : null,
          };
        }"""
    )
    names = dict(sql.execute("SELECT region_code, name_en FROM regions"))
    drawn = {label.split(" · ")[0] for label in chart["labels"]}
    assert drawn == {names[kept[0]], names[kept[1]], other[1]}
    area = chart["area"]
    assert area["bottom"] - area["top"] >= 150, "the plot is squeezed"
    if chart["legend"]:  # a legend drawn on the canvas sits beside the plot, never over it
        legend = chart["legend"]
        assert legend["items"] <= 16
        apart = (
            legend["bottom"] <= area["top"]
            or legend["top"] >= area["bottom"]
            or legend["right"] <= area["left"]
            or legend["left"] >= area["right"]
        )
        assert apart, f"the legend {legend} covers the plot {area}"
    assert page.locator("#region-picker input[type=checkbox]:checked").count() == 3
    shot(page, "national-indicator-compared-en")
    assert page.problems == []


def test_paging_through_an_indicators_figures(synthetic_server, page, indicator_id, sql):
    total = sql.execute(
        "SELECT count(*) FROM series WHERE indicator_id = ?", [indicator_id]
    ).fetchone()[0]
    pages = -(-total // 50)
    visit(page, f"{synthetic_server}/indicators/{indicator_id}?lang=en")
    rows = page.locator("#points tbody tr")
    assert rows.count() == 50
    first = rows.first.get_attribute("id")
    assert page.locator(".paging .where").inner_text() == f"Page 1 of {pages}"
    page.click(".paging a[rel=next]")
    page.wait_for_url("**page=2*")
    assert page.locator(".paging .where").inner_text() == f"Page 2 of {pages}"
    assert rows.count() == min(50, total - 50)
    assert rows.first.get_attribute("id") != first
    page.click(".paging a[rel=prev]")
    page.wait_for_load_state()
    assert rows.first.get_attribute("id") == first
    # Filtered to a year: every row is of that year.
    year = page.locator("#filter-year option").nth(2).get_attribute("value")
    page.select_option("#filter-year", year)
    page.click("#figure-filters button[type=submit]")
    page.wait_for_url(f"**year={year}*")
    years = page.locator("#points tbody tr td:first-child").all_inner_texts()
    assert years and all(text.endswith(year) for text in years)
    shot(page, "national-indicator-figures-en")
    assert page.problems == []
