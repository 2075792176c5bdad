"""Reading the portal in a real browser, as a reader does: English figures in English words,
search with filters and paging, the about page, the 404 and every page type at phone width."""

import re

import pytest
import test_browser
from support import read_csv

from portal import paths

pytestmark = [pytest.mark.browser, test_browser.pytestmark]
browser = test_browser.browser
page = test_browser.page
shot = test_browser.shot

PLANS = [row["plan_id"] for row in read_csv(paths.DATASETS / "plans.csv")]
INDICATORS = [row["indicator_id"] for row in read_csv(paths.DATASETS / "indicators.csv")]
# A number followed by a Chinese unit of scale in English words: "30 100 million yuan".
HUNDRED_MILLION = re.compile(r"\d[\d,.]*\s*100 million")

# The English words of a page: its text without the quotes and figures printed in Chinese.
ENGLISH_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('blockquote, [lang="zh"], script').forEach((e) => e.remove());
  return copy.innerText;
}"""


def test_no_english_plan_or_indicator_page_writes_100_million_after_a_number(server, page):
    urls = [f"/plans/{p}" for p in PLANS] + [f"/indicators/{i}" for i in INDICATORS]
    for url in urls:
        page.goto(f"{server}{url}?lang=en", wait_until="domcontentloaded")
        text = page.evaluate(ENGLISH_TEXT)
        assert not HUNDRED_MILLION.search(text), (url, HUNDRED_MILLION.search(text).group())
        figures = page.locator(".figure").all_inner_texts()
        assert not [f for f in figures if re.search("[亿万]", f)], url
    page.goto(f"{server}/plans/subcentre-st-doubling-2027?lang=en")
    assert page.locator("#sc27-t012 .figure").inner_text() == "striving for at least 3 billion yuan"
    assert page.locator("#sc27-t002 .figure").inner_text() == "over 1,500 enterprises"
    shot(page, "plan-subcentre-en")
    page.goto(f"{server}/plans/beijing-st-work-report-2016?lang=en")
    assert page.locator("#bj16-a011 .figure").inner_text() == "reached 4 trillion yuan"
    assert page.locator("#bj16-a008 .figure").inner_text() == "over 12,000 enterprises"
    page.goto(f"{server}/plans/beijing-st-work-report-2016?lang=zh")
    assert page.locator("#bj16-a008 td").nth(1).inner_text() == "突破1.2万家"
    assert page.problems == []


def test_search_hits_show_their_figure_year_region_and_plan(server, page):
    page.goto(f"{server}/search?q=高新技术企业&lang=en")
    page.locator("#kind-counts a[data-kind=target]").click()
    page.wait_for_selector("#results-target")
    assert page.locator("#results-target li").count() == int(
        page.locator("#kind-counts a[aria-current] .count").inner_text()
    )
    goal = page.locator("#hit-sc27-t002 .hit-figure")
    assert goal.locator(".figure").inner_text() == "over 1,500 enterprises"
    assert "Target year 2027" in goal.inner_text() and "Tongzhou District" in goal.inner_text()
    goal.locator("a.plan").click()
    page.wait_for_url("**/plans/subcentre-st-doubling-2027")
    page.goto(f"{server}/search?q=高新技术企业&lang=zh&kind=achievement")
    figure = page.locator("#hit-bj16-a008 .hit-figure")
    assert figure.locator(".figure").inner_text() == "突破1.2万家"
    assert "时期 2015" in figure.inner_text() and "北京市" in figure.inner_text()
    shot(page, "search-figures-zh")
    assert page.problems == []


def test_search_pages_through_every_hit_and_filters_by_region(server, page):
    page.goto(f"{server}/search?q=企业&lang=en")
    total = int(page.locator("#kind-counts a[data-kind=''] .count").inner_text().replace(",", ""))
    seen = []
    while True:
        seen += page.locator(".results li").evaluate_all("(items) => items.map((i) => i.id)")
        following = page.locator("#pager a[rel=next]")
        if not following.count():
            break
        following.click()
        page.wait_for_selector("#pager .current")
    assert len(seen) == total == len(set(seen)) > 40
    assert re.match(r"Page (\d+) of \1$", page.locator("#pager .current").inner_text())
    page.locator("#pager a[rel=prev]").click()
    page.wait_for_selector("#pager a[rel=next]")
    page.select_option("#filter-region", "120000")  # Tianjin, with Baodi within it
    page.locator("#search-form button.secondary").click()
    page.wait_for_selector("#result-count")
    assert "region=120000" in page.url and "page=" not in page.url
    plans = page.locator(".hit-figure a.plan").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert plans and set(plans) == {"/plans/baodi-st-14fyp"}
    shot(page, "search-tianjin-en")
    assert page.problems == []


@pytest.mark.parametrize(
    "lang, heading, no_baseline",
    [("zh", "关于与方法说明", "无基线"), ("en", "About and method", "No baseline")],
)
def test_the_about_page_is_reached_from_the_footer_in_both_languages(
    server, page, lang, heading, no_baseline
):
    page.goto(f"{server}/plans/baodi-st-14fyp?lang={lang}")
    page.locator("footer.site a[href='/about']").click()
    page.wait_for_url("**/about")
    assert page.locator("h1").inner_text() == heading
    page.goto(f"{server}/about#progress")
    progress = page.locator("#progress")
    assert progress.is_visible() and progress.bounding_box()["y"] < 200  # scrolled to it
    assert page.locator("#status-no_baseline").inner_text() == no_baseline
    assert page.locator("#sources li").count() == len(PLANS)
    shot(page, f"about-{lang}")
    page.goto(f"{server}/portal/targets")
    page.locator(".portal-links a[href='/about']").click()
    page.wait_for_url("**/about")
    assert page.problems == []


@pytest.mark.parametrize(
    "lang, message", [("zh", "没有这个页面。"), ("en", "There is no such page.")]
)
def test_an_unknown_address_gets_the_portals_404(server, page, lang, message):
    response = page.goto(f"{server}/no-such-page?lang={lang}")
    assert response.status == 404
    assert page.locator("h1").inner_text() == message
    assert page.locator("footer.site a[href='/about']").count() == 1
    assert "Database not found" not in page.content()
    shot(page, f"not-found-{lang}")


def test_datasette_pages_show_every_row_with_the_portals_lang_parameter(server, page):
    page.goto(f"{server}/portal/targets?lang=en")
    targets = len(read_csv(paths.DATASETS / "targets.csv"))
    assert f"{targets} rows" in page.locator("h3").first.inner_text()
    assert page.locator("table.rows-and-columns tbody tr").count() == targets


PAGE_TYPES = [
    "/",
    *[f"/plans/{p}" for p in PLANS],
    "/indicators/",
    "/indicators/technology_contract_turnover",
    "/indicators/rd_intensity",
    "/search?q=专利",
    "/search?q=a&page=2&region=110000",
    "/downloads/",
    "/about",
    "/no-such-page",
    "/portal",
    "/portal/targets",
    "/portal/achievements",
    "/portal/targets/sc27-t002",
    "/api/v1/docs",
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_is_wider_than_a_phone(server, browser, lang):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    phone = context.new_page()
    for url in PAGE_TYPES:
        phone.goto(f"{server}{url}{'&' if '?' in url else '?'}lang={lang}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)
    for url in ("/search?q=高新技术企业", "/about", "/downloads/"):
        phone.goto(f"{server}{url}{'&' if '?' in url else '?'}lang={lang}")
        name = url.strip("/").split("?")[0] or "home"
        shot(phone, f"phone-{name}-{lang}")
    context.close()
