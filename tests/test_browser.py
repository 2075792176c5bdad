"""The pages in a real browser: headless Chromium against the real gunicorn server."""

import os
import shutil
from pathlib import Path

import pytest

from portal import paths

CHROMIUM = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = paths.BUILD / "screenshots"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Chromium is not installed (.ci/run installs Debian's chromium)",
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and failed requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
    yield page
    context.close()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_home_lists_five_plans(server, page):
    page.goto(server + "/")
    assert page.locator("#plans .card").count() == 5
    assert page.locator("#plans .card h3 a").first.is_visible()
    shot(page, "home-zh")
    assert page.problems == []


def test_a_plan_page_shows_targets_and_a_programme_tree(server, page):
    page.goto(server + "/plans/subcentre-st-doubling-2027")
    assert page.locator("#targets tbody tr").count() >= 16
    pillars = page.locator("li.level-pillar > details")
    assert pillars.count() == 6
    first_task = page.locator("li.level-pillar li.level-task").first
    assert first_task.is_visible()
    pillars.first.locator("> summary").click()  # a pillar folds away
    assert not first_task.is_visible()
    shot(page, "plan-subcentre")
    assert page.problems == []


def test_the_indicator_chart_draws_a_series_per_region(server, page):
    page.goto(server + "/indicators/high_tech_enterprises?lang=en")
    page.wait_for_selector("canvas#chart-stock[data-rendered=true]")
    labels = page.evaluate("Chart.getChart('chart-stock').data.datasets.map(d => d.label)")
    regions = {label.split(" · ")[0] for label in labels}
    assert {"Tongzhou District", "Beijing", "Baodi District"} <= regions
    box = page.locator("canvas#chart-stock").bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    shot(page, "indicator-high-tech-en")
    assert page.problems == []


def test_the_language_switch_changes_the_page_and_is_remembered(server, page):
    page.goto(server + "/")
    assert page.locator("#regions h2").inner_text() == "按地区浏览"
    page.click("#language-switch")
    page.wait_for_load_state()
    assert page.locator("#regions h2").inner_text() == "Browse by region"
    page.goto(server + "/plans/baodi-st-14fyp")
    assert page.locator("#targets h2").inner_text().startswith("Targets")
    shot(page, "plan-baodi-en")
    assert page.problems == []


def test_search_from_any_page_finds_two_character_terms(server, page):
    page.goto(server + "/indicators/")
    page.fill("#site-search", "专利")
    page.press("#site-search", "Enter")
    page.wait_for_selector("#result-count")
    assert page.locator("#results-achievement li").count() >= 1
    assert page.locator(".snippet mark").first.inner_text() == "专利"
    shot(page, "search-patent")
    assert page.problems == []


def test_pages_fit_a_phone_and_work_with_a_keyboard(server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-GB")
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(server + "/plans/baodi-st-14fyp")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, "the page scrolls sideways on a phone"
    # Each target is a card: its progress shows on the screen, not beyond a sideways scroll.
    status = page.locator("#bd14-t002 .status")
    box = status.bounding_box()
    assert status.is_visible() and box["x"] + box["width"] <= 375
    assert page.locator("#targets thead").bounding_box()["height"] <= 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    shot(page, "plan-baodi-phone")
    page.goto(server + "/indicators/high_tech_enterprises?lang=zh")
    page.wait_for_selector("canvas#chart-stock[data-rendered=true]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    shot(page, "indicator-high-tech-zh-phone")
    assert problems == []
    context.close()


def test_the_programme_tree_opens_and_closes_from_the_keyboard(server, page):
    page.goto(server + "/plans/baodi-st-14fyp?lang=en")
    task = page.locator("#bd14-p002 > details")
    measure = page.locator("#bd14-p003")
    assert not measure.is_visible()
    task.locator("> summary").focus()
    page.keyboard.press("Enter")
    assert measure.is_visible()
    page.keyboard.press("Space")
    assert not measure.is_visible()
    assert page.problems == []


def test_a_programme_row_in_the_data_tables_leads_to_it_on_its_plan(server, page):
    page.goto(server + "/portal/programs/bd14-p003")
    page.click("text=Readable page")
    page.wait_for_url("**/plans/baodi-st-14fyp#bd14-p003")
    assert page.locator("#bd14-p003").is_visible()  # its folded task opens for it
    page.locator("#bd14-p003 a.row-link").click()
    page.wait_for_url("**/portal/programs/bd14-p003")
    assert page.problems == []


def test_switching_language_on_the_search_page_keeps_the_search(server, page):
    page.goto(server + "/search?q=专利&lang=zh")
    page.click("#language-switch")
    page.wait_for_selector("#result-count")
    assert page.locator("#results-indicator h2").inner_text() == "Indicators"
    assert page.input_value("#q") == "专利"
    shot(page, "search-patent-en")
    assert page.problems == []


def test_the_api_docs_page_renders_offline(server, page):
    page.goto(server + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() >= 16
    assert page.problems == []


def test_datasette_pages_work_under_the_content_security_policy(server, page):
    page.goto(server + "/portal/targets?_search=专利")
    assert page.locator("table.rows-and-columns tbody tr").count() >= 1
    page.goto(server + "/portal/targets/sc27-t002")
    page.click("text=Readable page")
    page.wait_for_url("**/plans/subcentre-st-doubling-2027#sc27-t002")
    assert page.problems == []


# What each chart draws, read back from its Chart.js instance: the x axis's ends and the years
# written under it, the series and their labels, the values written beside points, and where
# the canvas and the legend under it are on the screen.
DRAWN = """[...document.querySelectorAll('canvas')].map(canvas => {
  const chart = Chart.getChart(canvas), x = chart.scales.x;
  const box = canvas.getBoundingClientRect();
  const legend = canvas.closest('figure').querySelector('.chart-legend').getBoundingClientRect();
  return {
    id: canvas.id, min: x.min, max: x.max,
    written: x.getLabelItems().map(item => item.label).filter(label => label !== ''),
    yTitle: chart.scales.y.options.title.text,
    yWritten: chart.scales.y.getLabelItems().map(item => item.label).filter(l => l !== ''),
    series: chart.data.datasets.filter(d => d.kind === 'figure' || d.kind === 'goal')
      .map(d => ({label: d.label, values: d.data.map(p => p.y)})),
    values: chart.$drawnLabels,
    height: box.height, bottom: box.bottom, legendTop: legend.top,
  };
})"""


def open_page(browser, width, lang):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return context, page


def charts_on(page, url):
    page.goto(url)
    page.wait_for_selector("canvas[data-rendered=true]")
    return {chart["id"]: chart for chart in page.evaluate(DRAWN)}


def assert_readable(page, chart, width):
    """Tall enough to read on a phone, its legend under the plot, nothing wider than the screen."""
    assert chart["height"] >= (250 if width < 500 else 300)
    assert chart["legendTop"] >= chart["bottom"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


SIZES = [(1280, "zh"), (1280, "en"), (390, "zh"), (390, "en")]


@pytest.mark.parametrize("width, lang", SIZES)
def test_one_figure_for_2011_2015_is_drawn_over_those_years_not_a_century(
    server, browser, width, lang
):
    context, page = open_page(browser, width, lang)
    charts = charts_on(page, f"{server}/indicators/rd_intensity?lang={lang}")
    chart = charts["chart-share"]
    assert list(charts) == ["chart-share"]
    assert (chart["min"], chart["max"]) == (2010, 2016)
    assert {"2011", "2015"} <= set(chart["written"])
    assert all(2010 <= int(year) <= 2016 for year in chart["written"])
    (series,) = chart["series"]
    assert series["values"] == [6]
    assert series["label"] == (
        "北京市 · 成绩（比率）" if lang == "zh" else "Beijing · figures (share)"
    )
    (value,) = chart["values"]  # the point is labelled with its value and years
    assert value.startswith("≈ 6%") and value.endswith("(2011–2015)")
    assert_readable(page, chart, width)
    # The district's goal has no number: it is written out under the chart.
    words = page.locator("#goals-in-words")
    assert words.is_visible() and "全区R&D经费占GDP的比重力争进入全市前列" in words.inner_text()
    shot(page, f"indicator-rd-intensity-{lang}-{width}")
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("width, lang", SIZES)
def test_turnover_is_drawn_over_its_years_labelled_with_its_basis(server, browser, width, lang):
    context, page = open_page(browser, width, lang)
    charts = charts_on(page, f"{server}/indicators/technology_contract_turnover?lang={lang}")
    assert list(charts) == ["chart-annual"]
    chart = charts["chart-annual"]
    assert (chart["min"], chart["max"]) == (2009, 2016)
    assert {"2010", "2015"} <= set(chart["written"])
    assert all(2009 <= int(year) <= 2016 for year in chart["written"])
    (series,) = chart["series"]
    basis = {"zh": "北京市 · 成绩（年度）", "en": "Beijing · figures (annual)"}[lang]
    assert series["label"] == basis and series["values"] == [1579.5, 3452.6]
    assert len(chart["values"]) == 2  # both figures written beside their points
    # the value axis in English scale words: 3,452.6 亿元 reads 345.26 billion yuan
    assert chart["yTitle"] == {"zh": "亿元", "en": "billion yuan"}[lang]
    top = max(float(label.replace(",", "")) for label in chart["yWritten"])
    assert (3452.6 <= top < 5000) if lang == "zh" else (345.26 <= top < 500)
    assert_readable(page, chart, width)
    shot(page, f"indicator-technology-contract-turnover-{lang}-{width}")
    # Tongzhou's 2011-2015 total is another indicator, drawn over the years it covers.
    charts = charts_on(page, f"{server}/indicators/technology_trading_period_total?lang={lang}")
    chart = charts["chart-cumulative"]
    assert (chart["min"], chart["max"]) == (2010, 2016)
    (series,) = chart["series"]
    assert series["label"].endswith("（累计）" if lang == "zh" else "(cumulative)")
    (value,) = chart["values"]
    assert value.endswith("(2011–2015)")
    assert_readable(page, chart, width)
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("width, lang", SIZES)
def test_an_indicator_with_only_goals_in_words_shows_them_and_no_chart(
    server, browser, width, lang
):
    context, page = open_page(browser, width, lang)
    page.goto(f"{server}/indicators/industrial_clusters_10bn_yuan?lang={lang}")
    assert page.locator("canvas").count() == 0
    words = page.locator("#goals-in-words")
    assert words.is_visible()
    text = words.inner_text()
    assert "打造若干百亿级、千亿级特色创新产业集群" in text
    assert ("只有用文字表述的目标" if lang == "zh" else "only goals stated in words") in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert page.problems == []
    context.close()


def test_each_chart_saves_as_the_csv_of_its_points_and_as_png(server, page):
    page.goto(server + "/indicators/high_tech_enterprises?lang=en")
    page.wait_for_selector("canvas#chart-stock[data-rendered=true]")
    panel = page.locator("#panel-stock")
    with page.expect_download() as download:
        panel.locator("[data-download=csv]").click()
    assert download.value.suggested_filename == "high_tech_enterprises-stock.csv"
    text = Path(download.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == (
        "Basis,Series,Region,Kind,Period start,Year,Comparator,Value,Unit,As printed,ID"
    )
    drawn = page.evaluate(
        """Chart.getChart('chart-stock').data.datasets
             .filter(d => d.kind === 'figure' || d.kind === 'goal')
             .flatMap(d => d.data.map(p => p.id))"""
    )
    assert [line.split(",")[-1] for line in lines[1:]] == drawn
    assert len(drawn) == 6
    assert any(line.endswith(",2025,≥,280,enterprises,达到280家,bd14-t002") for line in lines)
    with page.expect_download() as download:
        panel.locator("[data-download=png]").click()
    assert download.value.suggested_filename == "high_tech_enterprises-stock.png"
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.problems == []


@pytest.mark.parametrize("width, lang", SIZES)
def test_a_plan_page_opens_with_its_goals_counted_and_explains_each_status(
    server, browser, width, lang
):
    context, page = open_page(browser, width, lang)
    page.goto(f"{server}/plans/tongzhou-st-13fyp?lang={lang}")
    summary = page.locator("#progress-summary")
    assert summary.is_visible()
    assert summary.bounding_box()["y"] < page.locator("#targets").bounding_box()["y"]
    counts = dict(
        zip(
            page.locator("#progress-summary [data-count]").evaluate_all(
                "items => items.map(i => i.dataset.count)"
            ),
            page.locator("#progress-summary [data-count] strong").all_inner_texts(),
            strict=True,
        )
    )
    assert counts == {"goals": "13", "numeric": "10", "baseline": "0", "qualitative": "3"}
    passed = page.locator("#progress-summary [data-group=passed]").inner_text()
    unknown = {"zh": "没有目标年份的数字", "en": "No figure for the target year"}[lang]
    assert unknown in passed and ("已达成" if lang == "zh" else "Met") in passed
    legend = page.locator("#progress-legend")
    assert legend.is_visible()
    assert legend.locator("a[href='/about#progress']").is_visible()
    assert legend.locator("[data-status=no_figure_for_year] dd").is_visible()
    badge = page.locator("#tz13-t008 .status")
    said = {
        "zh": "已公布文件中没有2020年的数字",
        "en": "No figure for 2020 in the published documents",
    }
    assert badge.inner_text() == said[lang] and badge.is_visible()
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"plan-tongzhou-{lang}-{width}")
    assert page.problems == []
    context.close()
