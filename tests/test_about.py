"""The about page, its link from every page, the portal's 404 for unknown paths, and Datasette's
pages reached with the portal's ?lang=."""

import re

import pytest
from markupsafe import escape
from support import read_csv

from portal import paths
from portal.build.progress import STATUSES
from portal.web.asgi import served_by_datasette, served_by_flask
from portal.web.i18n import LANGUAGES, TEXT


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "lang, heading", [("zh", "进展如何计算"), ("en", "How progress is computed")]
)
def test_the_about_page_explains_terms_progress_sources_licence_and_citing(api, lang, heading):
    response = api.get(f"/about?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for section in ("terms", "progress", "sources", "curation", "licence", "cite"):
        assert f'<section id="{section}">' in page
    progress = page.split('<section id="progress">')[1].split("</section>")[0]
    assert heading in progress
    for status in STATUSES:
        label = "no_figure" if status == "no_figure_for_year" else status  # without its year
        name = TEXT[f"status_{label}"][LANGUAGES.index(lang)]
        meaning = TEXT[f"means_{status}"][LANGUAGES.index(lang)]
        assert f'id="status-{status}"' in progress and name in progress
        assert escape(meaning) in progress
    assert progress.count("<dd>") == len(STATUSES)
    sources = page.split('<section id="sources">')[1].split("</section>")[0]
    for plan in read_csv(paths.DATASETS / "plans.csv"):
        assert f'href="/plans/{plan["plan_id"]}"' in sources
        assert plan[f"title_{lang}"] in sources
    assert "CC BY 4.0" in words(page) and "creativecommons.org/licenses/by/4.0/" in page


def test_every_status_has_its_meaning_in_both_languages(api):
    zh = words(api.get("/about?lang=zh").get_data(as_text=True))
    en = words(api.get("/about?lang=en").get_data(as_text=True))
    assert "同一指标、同一地区、同一口径" in zh and "复合年均增长率" in zh
    assert "the same indicator, region and basis" in en
    assert "compound annual growth" in en


@pytest.mark.parametrize(
    "url",
    ["/", "/plans/baodi-st-14fyp", "/indicators/", "/indicators/rd_intensity", "/search?q=专利"]
    + ["/downloads/", "/about", "/no-such-page"],
)
def test_every_portal_page_links_to_the_about_page_from_its_footer(portal, url):
    page = portal.get(url).text
    footer = page.split('<footer class="site">')[1]
    assert 'href="/about"' in footer


@pytest.mark.parametrize("url", ["/portal", "/portal/targets", "/portal/targets/sc27-t002"])
def test_datasette_pages_link_to_the_about_page(portal, url):
    response = portal.get(url)
    assert response.status_code == 200
    assert 'href="/about"' in response.text.split('class="portal-links"')[1]


@pytest.mark.parametrize(
    "url", ["/no-such-page", "/plans", "/no/such/page", "/about/more", "/tables.json", "/.env"]
)
def test_unknown_paths_get_the_portals_404_page_in_the_readers_language(portal, url):
    english = portal.get(url + "?lang=en")
    assert english.status_code == 404
    assert english.headers["content-type"].startswith("text/html")
    assert "There is no such page." in english.text and "Database not found" not in english.text
    assert '<footer class="site">' in english.text
    chinese = portal.get(url, headers={"Accept-Language": "zh-CN"})
    assert chinese.status_code == 404 and "没有这个页面。" in chinese.text


def test_datasettes_own_paths_stay_datasettes():
    for path in ("/portal", "/portal/targets", "/portal.db", "/portal.json", "/-/static/app.css"):
        assert served_by_datasette(path) and not served_by_flask(path), path
    for path in ("/", "/about", "/no-such-page", "/plans/x", "/portalx", "/portal-x"):
        assert served_by_flask(path), path


def test_datasette_answers_its_own_unknown_tables(portal):
    response = portal.get("/portal/no_such_table")
    assert response.status_code == 404
    assert "portal-links" in response.text  # Datasette's page, with the portal's links


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_datasette_pages_ignore_the_portals_language_parameter(portal, lang):
    rows = len(read_csv(paths.DATASETS / "targets.csv"))
    everything = portal.get("/portal/targets.json?_shape=array&_size=max").json()
    assert len(everything) == rows
    with_lang = portal.get(f"/portal/targets.json?_shape=array&_size=max&lang={lang}").json()
    assert with_lang == everything
    page = portal.get(f"/portal/targets?lang={lang}").text
    assert f"{rows} rows" in page
    filtered = portal.get(f"/portal/targets.json?_shape=array&lang={lang}&plan_id=baodi-st-14fyp")
    assert {row["plan_id"] for row in filtered.json()} == {"baodi-st-14fyp"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_status_names_on_the_about_page_are_filled_in(api, lang):
    page = api.get(f"/about?lang={lang}").get_data(as_text=True)
    statuses = page[page.index('<dl class="statuses">') :]
    assert "{" not in statuses[: statuses.index("</dl>")]
