"""What travels: the Atom feed of releases, the sitemap and robots.txt, the JSON-LD that
catalogues and search engines read, the embeddable chart, CORS on Datasette's data."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
import rdflib
from support import read_csv
from test_pages import parse

from portal import paths
from portal.exports.releases import release_history
from portal.release import current_release, releases
from portal.web.app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SCHEMA = rdflib.Namespace("https://schema.org/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
BASE = "https://data.example.org"


@pytest.fixture(scope="module")
def site(db_path):
    """The pages as served at a configured public address."""
    app = create_app({"PORTAL_DB": str(db_path), "TESTING": True, "PORTAL_BASE_URL": BASE})
    return app.test_client()


def page_linked_data(site, url: str) -> list[dict]:
    html = site.get(url).get_data(as_text=True)
    return [
        json.loads(body)
        for attrs, body in parse(html).scripts
        if attrs.get("type") == "application/ld+json"
    ]


def schema_org_graph(document: dict) -> rdflib.Graph:
    """The triples of a schema.org document; its context named inline, so nothing is fetched."""
    document = json.loads(json.dumps(document).replace('"https://schema.org"', "null"))
    document["@context"] = {"@vocab": "https://schema.org/"}
    return rdflib.Graph().parse(data=json.dumps(document), format="json-ld")


# The feed of releases


def history_at_hand() -> dict:
    """The releases with their changes, or a skip where the checkout has no history to compare
    them with (a shallow clone): the feed then gives each release's notes only."""
    history = {r.version: r for r in release_history()}
    if any(r.changes is None for r in history.values()):
        pytest.skip("this checkout holds no git history of the datasets (a shallow clone)")
    return history


def test_the_feed_parses_as_atom_with_one_entry_per_release_newest_first(site):
    response = site.get("/releases.atom")
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    release = current_release()

    assert response.mimetype == "application/atom+xml"
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == f"{BASE}/releases.atom"
    assert feed.findtext(f"{ATOM}updated") == f"{release.date}T00:00:00Z"
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"数据版本 {r.version} · Data release {r.version} ({r.date})" for r, _ in releases()
    ]
    newest = entries[0]
    assert newest.findtext(f"{ATOM}id") == f"{BASE}/releases.atom#{release.version}"
    assert newest.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        f"{BASE}/downloads/#release-{release.version}"
    )
    for entry in entries:
        for element in ("id", "title", "updated", "summary", "content"):
            assert entry.findtext(f"{ATOM}{element}"), element


def test_each_entry_says_what_the_release_added_removed_and_changed(site):
    history = history_at_hand()
    feed = ET.fromstring(site.get("/releases.atom").data)
    entries = {e.findtext(f"{ATOM}id").rsplit("#", 1)[1]: e for e in feed.findall(f"{ATOM}entry")}

    # 1.1.0 corrected three figures and one indicator, and added and removed no row.
    corrected = entries["1.1.0"]
    assert corrected.findtext(f"{ATOM}summary") == (
        "1.0.0 → 1.1.0: indicators +0 −0 ~1; targets +0 −0 ~1; achievements +0 −0 ~2"
    )
    content = corrected.findtext(f"{ATOM}content")
    for key in ("tz13-t003", "bj16-a003", "tz13-a017", "seed_park_institutes_and_enterprises"):
        assert f"<code>{key}</code>" in content
    assert "修改 · Changed <code>targets</code> <code>tz13-t003</code>: basis, note_en" in content
    assert "<li><code>bj16-a003</code> (每万人发明专利拥有量达60件)" in content  # the notes
    assert history["1.1.0"].counts() == [
        ("indicators", 0, 0, 1),
        ("targets", 0, 0, 1),
        ("achievements", 0, 0, 2),
    ]
    # The first release added every row it had.
    first = entries["1.0.0"].findtext(f"{ATOM}summary")
    assert first.startswith("First release: regions 6, plans 5, themes 16, indicators 169")


def test_every_reading_page_advertises_the_feed(site):
    for url in ("/", "/plans/baodi-st-14fyp", "/indicators/", "/downloads/", "/search?q=专利"):
        links = [
            attrs
            for tag, attrs in parse(site.get(url).get_data(as_text=True)).elements
            if tag == "link" and attrs.get("rel") == "alternate"
        ]
        assert [(a["type"], a["href"]) for a in links] == [
            ("application/atom+xml", "/releases.atom")
        ], url


def test_the_downloads_page_renders_the_release_notes_in_each_language(site):
    for language, heading, added in (
        ("zh", "数据版本 1.1.0（2026-12-01）", "新增"),
        ("en", "Release 1.1.0 (2026-12-01)", "Added"),
    ):
        html = site.get(f"/downloads/?lang={language}").get_data(as_text=True)
        assert f"<h3>{heading}</h3>" in html
        assert f"<th>{added}</th>" in html
        assert "<li><code>bj16-a003</code> (每万人发明专利拥有量达60件)" in html
        assert "## 1.1.0" not in html and "- `bj16-a003`" not in html


def test_without_the_history_a_release_keeps_its_notes(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(
        "# Data changelog\n\n## 2.0.0 — 2027-01-05\n\nMore **plans**.\n\n"
        "## 1.0.0 — 2026-11-25\n\nFirst.\n",
        encoding="utf-8",
    )

    history = release_history(changelog, datasets=paths.DATASETS, repo=tmp_path)

    assert [(r.version, r.previous, r.changes) for r in history] == [
        ("2.0.0", "1.0.0", None),
        ("1.0.0", None, None),
    ]
    assert history[0].notes_html == "<p>More <strong>plans</strong>.</p>\n"


# Sitemap and robots.txt


def test_the_sitemap_lists_every_plan_indicator_and_region_page_in_both_languages(site, db_path):
    import sqlite3

    root = ET.fromstring(site.get("/sitemap.xml").data)
    locations = {url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")}
    conn = sqlite3.connect(db_path)
    plans = [row[0] for row in conn.execute("SELECT plan_id FROM plans")]
    indicators = [row[0] for row in conn.execute("SELECT indicator_id FROM indicators")]
    regions = [row[0] for row in conn.execute("SELECT region_code FROM regions")]
    pages = ["/", "/indicators/", "/downloads/", "/about"]
    pages += [f"/plans/{p}" for p in plans] + [f"/indicators/{i}" for i in indicators]
    pages += [f"/regions/{r}" for r in regions]

    assert len(plans) == 5
    assert len(indicators) == len(read_csv(paths.DATASETS / "indicators.csv"))
    assert locations == {f"{BASE}{page}?lang={lang}" for page in pages for lang in ("zh", "en")}
    for location in sorted(locations)[::10]:  # every tenth: plans, indicators, regions among them
        assert site.get(location.removeprefix(BASE)).status_code == 200, location


def test_robots_txt_names_the_sitemap(site):
    lines = site.get("/robots.txt").get_data(as_text=True).splitlines()

    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_absolute_addresses_come_from_the_configuration_never_from_the_host_header(site):
    for url in ("/sitemap.xml", "/releases.atom", "/robots.txt", "/catalog.jsonld", "/"):
        body = site.get(url, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in body, url
        assert BASE in body, url


# JSON-LD for search engines and catalogues


def test_the_home_page_describes_a_data_catalog_holding_the_dataset(site):
    [document] = page_linked_data(site, "/")
    graph = schema_org_graph(document)
    catalog = rdflib.URIRef(f"{BASE}/#catalog")
    dataset = rdflib.URIRef(f"{BASE}/#dataset")

    assert document["@context"] == "https://schema.org"
    assert (catalog, rdflib.RDF.type, SCHEMA.DataCatalog) in graph
    assert (catalog, SCHEMA.dataset, dataset) in graph
    assert (dataset, rdflib.RDF.type, SCHEMA.Dataset) in graph


def test_the_downloads_page_describes_the_dataset_with_licence_versions_and_files(site):
    [document] = page_linked_data(site, "/downloads/")
    graph = schema_org_graph(document)
    dataset = rdflib.URIRef(f"{BASE}/#dataset")
    downloads = {
        (str(graph.value(d, SCHEMA.contentUrl)), str(graph.value(d, SCHEMA.encodingFormat)))
        for d in graph.objects(dataset, SCHEMA.distribution)
    }
    regions = {
        str(graph.value(p, SCHEMA.identifier))
        for p in graph.objects(dataset, SCHEMA.spatialCoverage)
    }

    assert (
        str(graph.value(dataset, SCHEMA.license)) == "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(graph.value(dataset, SCHEMA.version)) == current_release().version
    # From the earliest period a figure covers (2009) to the last goal year (2027).
    assert str(graph.value(dataset, SCHEMA.temporalCoverage)) == "2009/2027"
    assert regions == {"110000", "110112", "120115", "JJJ"}
    assert graph.value(graph.value(dataset, SCHEMA.creator), SCHEMA.name) is not None
    assert {
        (f"{BASE}/downloads/portal-data-latest.zip", "application/zip"),
        (
            f"{BASE}/downloads/portal-data-latest.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (f"{BASE}/downloads/portal-latest.db", "application/vnd.sqlite3"),
        (f"{BASE}/downloads/figures.csv", "text/csv"),
    } <= downloads
    for url, _ in downloads:
        assert site.get(url.removeprefix(BASE)).status_code in (200, 404)  # files need building


def test_each_plan_page_describes_its_own_dataset(site):
    [document] = page_linked_data(site, "/plans/baodi-st-14fyp")
    graph = schema_org_graph(document)
    dataset = rdflib.URIRef(f"{BASE}/plans/baodi-st-14fyp#dataset")
    files = [
        str(graph.value(d, SCHEMA.contentUrl)) for d in graph.objects(dataset, SCHEMA.distribution)
    ]

    assert str(graph.value(dataset, SCHEMA.temporalCoverage)) == "2015/2025"
    assert str(graph.value(graph.value(dataset, SCHEMA.isBasedOn), SCHEMA.name)) == (
        "宝坻区科技创新“十四五”发展规划"
    )
    assert (dataset, SCHEMA.isPartOf, rdflib.URIRef(f"{BASE}/#dataset")) in graph
    assert f"{BASE}/downloads/figures.csv?plan_id=baodi-st-14fyp" in files
    for url in files:
        response = site.get(url.removeprefix(BASE))
        assert response.status_code == 200, url
        assert "baodi-st-14fyp" in response.headers["Content-Disposition"]


def test_the_dcat_catalogue_parses_and_lists_the_compilation_and_each_plan(site):
    response = site.get("/catalog.jsonld")
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    catalogue = rdflib.URIRef(f"{BASE}/catalog.jsonld")
    datasets = set(graph.objects(catalogue, DCAT.dataset))

    assert response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert (catalogue, rdflib.RDF.type, DCAT.Catalog) in graph
    assert len(datasets) == 6
    for dataset in datasets:
        assert (dataset, rdflib.RDF.type, DCAT.Dataset) in graph
        assert graph.value(dataset, DCT.license) == rdflib.URIRef(
            "https://creativecommons.org/licenses/by/4.0/"
        )
        assert str(graph.value(dataset, DCAT.version)) == current_release().version
        urls = [graph.value(d, DCAT.downloadURL) for d in graph.objects(dataset, DCAT.distribution)]
        assert urls and all(str(url).startswith(BASE) for url in urls if url)
        period = graph.value(dataset, DCT.temporal)
        assert graph.value(period, DCAT.startDate) and graph.value(period, DCAT.endDate)
    titles = {
        (str(t), t.language)
        for t in graph.objects(rdflib.URIRef(f"{BASE}/plans/baodi-st-14fyp#dataset"), DCT.title)
    }
    assert ("宝坻区科技创新“十四五”发展规划", "zh-hans") in {
        (t, lang.lower()) for t, lang in titles
    }


# Embeddable charts


def test_the_embed_page_may_be_framed_by_any_site_and_other_pages_may_not(portal):
    embed = portal.get("/embed/indicators/high_tech_enterprises")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    for url in ("/indicators/high_tech_enterprises", "/", "/downloads/", "/portal/targets"):
        response = portal.get(url)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], url
        assert response.headers["x-frame-options"] == "DENY", url


def test_the_embed_page_draws_the_indicator_pages_chart_with_a_link_back_and_the_citation(site):
    indicator = parse(site.get("/indicators/high_tech_enterprises?lang=en").get_data(as_text=True))
    html = site.get("/embed/indicators/high_tech_enterprises?lang=en").get_data(as_text=True)
    embed = parse(html)

    def chart_data(page):
        return next(
            json.loads(body) for attrs, body in page.scripts if attrs.get("id") == "chart-data"
        )

    def sources(page):
        return [attrs.get("src") for attrs, _ in page.scripts if attrs.get("src")]

    assert chart_data(embed) == chart_data(indicator)
    assert sources(embed) == sources(indicator)
    canvases = [attrs.get("id") for tag, attrs in embed.elements if tag == "canvas"]
    panels = chart_data(indicator)["panels"]
    assert canvases == [f"chart-{panel['basis']}" for panel in panels] and canvases
    # it points to the indicator page for every figure, not to a table it does not have
    assert "in the table below" not in html and "on the linked page" in html
    links = [attrs for tag, attrs in embed.elements if tag == "a" and attrs.get("id")]
    assert links[0]["id"] == "indicator-link"
    assert links[0]["href"] == f"{BASE}/indicators/high_tech_enterprises?lang=en"
    text = "".join(embed.text)
    assert f"data version {current_release().version}" in text
    assert "Baodi District 14th Five-Year Science and Technology Innovation Plan" in text
    assert site.get("/embed/indicators/no_such_indicator").status_code == 404


def test_each_indicator_page_offers_an_iframe_snippet_of_its_embed_page(site):
    html = site.get("/indicators/high_tech_enterprises?lang=en").get_data(as_text=True)
    snippet = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    iframe = parse(snippet.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"'))
    [(tag, attrs)] = iframe.elements

    assert tag == "iframe"
    assert attrs["src"] == f"{BASE}/embed/indicators/high_tech_enterprises?lang=en"
    assert site.get(attrs["src"].removeprefix(BASE)).status_code == 200


# CORS on Datasette's data


@pytest.mark.parametrize(
    "url",
    [
        "/portal/targets.json",
        "/portal/figures.csv?_size=5",
        "/portal/targets?_format=json",
        "/portal.json?sql=select+1",
    ],
)
def test_datasette_json_and_csv_send_the_same_cors_headers_as_the_api(portal, url):
    api = portal.get("/api/v1/targets")
    response = portal.get(url)
    cors = ("access-control-allow-origin", "access-control-expose-headers")

    assert response.status_code == 200
    assert [response.headers.get(h) for h in cors] == [api.headers[h] for h in cors]
    assert api.headers["access-control-allow-origin"] == "*"


def test_datasette_html_pages_send_no_cors_header(portal):
    assert "access-control-allow-origin" not in portal.get("/portal/targets").headers


def test_a_release_that_added_columns_says_which(site):
    history = history_at_hand()
    feed = ET.fromstring(site.get("/releases.atom").data)
    summaries = {
        e.findtext(f"{ATOM}id").rsplit("#", 1)[1]: e.findtext(f"{ATOM}summary")
        for e in feed.findall(f"{ATOM}entry")
    }

    # 1.3.0 gave the reading pages their Chinese texts: new columns, no row added or removed.
    added = {d.table: d.columns_added for d in history["1.3.0"].changes}
    assert added["indicators"] == ["definition_zh"] and added["programs"] == ["summary_zh"]
    assert "indicators +0 −0 ~0 (new columns definition_zh)" in summaries["1.3.0"]
    # and the release before it is compared with the data as 1.2.0 published it, not 1.3.0's.
    assert not any(d.columns_added for d in history["1.2.0"].changes if d.table != "indicators")
