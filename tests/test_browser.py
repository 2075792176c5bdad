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
    page.wait_for_selector("canvas#chart[data-rendered=true]")
    labels = page.evaluate("Chart.getChart('chart').data.datasets.map(d => d.label)")
    regions = {label.split(" · ")[0] for label in labels}
    assert {"Tongzhou District", "Beijing", "Baodi District"} <= regions
    box = page.locator("canvas#chart").bounding_box()
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
    page.wait_for_selector("canvas#chart[data-rendered=true]")
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
