"""The search page as a reader uses it: figures with their year, region and plan, counts per
kind, filters by kind, plan and region, and paging through every hit."""

import re

import pytest
from support import read_csv

from portal import paths


def hits(page: str) -> list[str]:
    return re.findall(r'<li id="hit-([^"]+)"', page)


def hit(page: str, hit_id: str) -> str:
    return page.split(f'<li id="hit-{hit_id}">')[1].split("</li>")[0]


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_target_hit_shows_its_figure_year_region_and_plan(api):
    english = hit(api.get("/search?q=高新技术企业&lang=en&kind=target").text, "sc27-t002")
    assert "over 1,500 enterprises" in words(english) and "突破1500家" in english
    assert "Target year 2027" in words(english)
    assert "Tongzhou District" in english
    assert 'href="/plans/subcentre-st-doubling-2027"' in english
    chinese = hit(api.get("/search?q=高新技术企业&lang=zh&kind=target").text, "sc27-t002")
    assert "突破1500家" in chinese and "目标年份 2027" in words(chinese) and "通州区" in chinese
    assert "over" not in chinese


def test_an_achievement_hit_shows_its_figure_and_period(api):
    page = api.get("/search?q=技术交易&lang=en&kind=achievement").text
    total = hit(page, "tz13-a010")
    assert "reached 16.617 billion yuan" in words(total) and "达166.17亿元" in total
    assert "Period 2011–2015" in words(total)
    chinese = hit(api.get("/search?q=高新技术企业&lang=zh&kind=achievement").text, "bj16-a008")
    assert "突破1.2万家" in chinese and "时期 2015" in words(chinese) and "北京市" in chinese


def test_a_qualitative_goal_says_so(api):
    page = api.get("/search?q=前列&lang=en&kind=target").text
    assert "qualitative goal" in hit(page, "tz13-t005")


def test_counts_per_kind_are_what_each_kind_lists(api):
    page = api.get("/search?q=专利&lang=en").text
    counts = dict(
        re.findall(r'data-kind="(\w*)"[^>]*>[^<]*<span class="count">([\d,]+)</span>', page)
    )
    assert counts == {
        "": "26",
        "indicator": "11",
        "program": "4",
        "target": "3",
        "achievement": "8",
    }
    for kind, n in counts.items():
        if kind:
            listed = api.get(f"/search?q=专利&lang=en&kind={kind}").text
            assert len(hits(listed)) == int(n)
            assert f'id="results-{kind}"' in listed and listed.count('class="results"') == 1


def test_paging_reaches_every_hit_once(api):
    first = api.get("/search?q=a&lang=en").text
    total = int(re.search(r'data-kind=""[^>]*>[^<]*<span class="count">([\d,]+)', first)[1])
    assert total > 500  # "a" is in most English names
    pages = int(re.search(r"Page 1 of (\d+)", words(first))[1])
    assert pages == -(-total // 20)
    seen, url = [], "/search?q=a&lang=en"
    while url:
        page = api.get(url).text
        seen += hits(page)
        following = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = following[1].replace("&amp;", "&") if following else None
    assert len(seen) == total and len(set(seen)) == total
    last = api.get(f"/search?q=a&lang=en&page={pages}").text
    assert f"Page {pages} of {pages}" in words(last) and 'rel="prev"' in last


@pytest.mark.parametrize("page", ["0", "-1", "x", "99999999999"])
def test_an_odd_page_number_is_the_first_page(api, page):
    response = api.get(f"/search?q=专利&page={page}&lang=en")
    assert response.status_code == 200 and len(hits(response.text)) == 20


def test_a_page_past_the_end_is_the_last_page(api):
    page = api.get("/search?q=专利&page=9&lang=en").text
    assert hits(page) == hits(api.get("/search?q=专利&page=2&lang=en").text) != []
    assert "Page 2 of 2" in words(page) and 'rel="prev"' in page and 'rel="next"' not in page


def test_filter_by_plan_keeps_that_plans_hits(api):
    page = api.get("/search?q=企业&lang=en&plan=baodi-st-14fyp&kind=target").text
    found = hits(page)
    assert found and all(h.startswith("bd14-") for h in found)
    assert '<option value="baodi-st-14fyp" selected>' in page


def test_filter_by_region_keeps_the_region_and_the_regions_within_it(api):
    targets = {row["target_id"]: row for row in read_csv(paths.DATASETS / "targets.csv")}
    found = hits(api.get("/search?q=企业&lang=en&region=110000&kind=target").text)
    regions = {targets[h]["region_code"] for h in found}
    assert regions == {"110112"}  # Tongzhou is in Beijing; Baodi's are not
    tianjin = hits(api.get("/search?q=企业&lang=en&region=120000&kind=target").text)
    assert tianjin and {targets[h]["region_code"] for h in tianjin} == {"120115"}


def test_filters_travel_with_the_paging_and_kind_links(api):
    page = api.get("/search?q=a&lang=en&region=110000").text
    following = re.search(r'<a rel="next" href="([^"]+)"', page)[1]
    assert "region=110000" in following and "page=2" in following
    kinds = re.findall(r'<a href="([^"]+)"[^>]*data-kind="\w+"', page)
    assert kinds and all("region=110000" in k for k in kinds)


def test_the_search_api_filters_by_plan_and_region_as_the_page_does(api):
    body = api.get("/api/v1/search?q=企业&kind=target&region_code=110000&limit=100").json
    assert body["data"] and {h["plan_id"] for h in body["data"]} == {"subcentre-st-doubling-2027"}
    page = hits(api.get("/search?q=企业&kind=target&region=110000&lang=en").text)
    assert [h["id"] for h in body["data"]] == page
    body = api.get("/api/v1/search?q=企业&plan_id=baodi-st-14fyp&limit=100").json
    assert body["meta"]["total"] == len(body["data"]) > 0
    assert {h["plan_id"] for h in body["data"] if h["kind"] != "indicator"} == {"baodi-st-14fyp"}


def test_a_page_shows_which_hits_it_holds(api):
    second = words(api.get("/search?q=专利&page=2&lang=en").text)
    assert "26 results · Hits 21–26" in second
    past = words(api.get("/search?q=专利&page=9&lang=en").text)
    assert "26 results · Hits 21–26" in past
