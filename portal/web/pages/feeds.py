"""What other sites, readers and catalogues take from the portal: the Atom feed of data
releases, the sitemap and robots.txt, the DCAT catalogue, schema.org JSON-LD in the pages, and
a chart-only page of an indicator that any site may frame."""

from flask import Response, abort, current_app, render_template, request

from portal.exports.catalogue import dcat_catalogue, schema_org_catalog, schema_org_dataset
from portal.exports.citation import cite_compilation, title
from portal.exports.releases import release_history
from portal.release import current_release
from portal.web import i18n
from portal.web.database import data_version, get_db
from portal.web.pages import catalog, charts, comparison, pages, regions
from portal.web.pages.paging import requested_page
from portal.web.security import canonical_origin

ATOM = "application/atom+xml"
JSON_LD = "application/ld+json"
MAX_AGE = 300
EMBED = "/embed/indicators/"


def site_url() -> str:
    """The portal's public address, from PORTAL_BASE_URL: feeds, sitemaps and catalogues need
    absolute URLs, and they are never built from a request's Host header."""
    scheme, host = canonical_origin(current_app.config.get("PORTAL_BASE_URL"))
    return f"{scheme}://{host.decode()}"


def _cacheable(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@pages.route("/releases.atom")
def releases_feed():
    """One entry per data release: its notes and what it added, removed and changed."""
    history = release_history()
    body = render_template("feeds/releases.xml", releases=history, base=site_url(), site=title())
    return _cacheable(Response(body, mimetype=ATOM))


# Pages a sitemap lists (each in both languages): 40,000 URLs, within the protocol's 50,000.
SITEMAP_PAGES = 20_000


@pages.route("/sitemap.xml")
def sitemap():
    """Every reading page, in both languages; past SITEMAP_PAGES pages, an index of sitemaps
    (`?page=N`), as the protocol asks of a site with more than 50,000 URLs."""
    conn = get_db()
    paths = ["/", "/indicators/", "/downloads/", "/about"]
    for prefix, sql in (
        ("/plans/", "SELECT plan_id FROM plans ORDER BY plan_id"),
        ("/indicators/", "SELECT indicator_id FROM indicators ORDER BY indicator_id"),
        ("/regions/", "SELECT region_code FROM regions ORDER BY region_code"),
    ):  # the ids alone: the pages' own queries (counts, figures) are not needed here
        paths += [prefix + key for (key,) in conn.execute(sql)]
    modified = current_release().date
    count = -(-len(paths) // SITEMAP_PAGES)
    if "page" not in request.args and count > 1:
        body = render_template(
            "feeds/sitemap_index.xml", base=site_url(), pages=range(1, count + 1), modified=modified
        )
        return _cacheable(Response(body, mimetype="application/xml"))
    page = requested_page()
    if page > count:
        abort(404)
    body = render_template(
        "feeds/sitemap.xml",
        base=site_url(),
        paths=paths[(page - 1) * SITEMAP_PAGES : page * SITEMAP_PAGES],
        modified=modified,
    )
    return _cacheable(Response(body, mimetype="application/xml"))


@pages.route("/robots.txt")
def robots():
    base = site_url()
    lines = [
        "User-agent: *",
        # Free SQL and facets cost the server far more than a page; the tables are in the
        # sitemap's pages and the downloads.
        "Disallow: /portal?",
        "Disallow: /portal.json",
        "Disallow: /-/",
        f"Sitemap: {base}/sitemap.xml",
        "",
    ]
    return _cacheable(Response("\n".join(lines), mimetype="text/plain"))


# Plans described on each page of the DCAT catalogue (each with its own coverage query).
CATALOG_PAGE = 50


@pages.route("/catalog.jsonld")
def dcat():
    """The DCAT catalogue of the data, as JSON-LD, at a stable address: the compilation and its
    plans, CATALOG_PAGE plans a page (`?page=N`, linked as a Hydra partial collection view)."""
    conn = get_db()
    release = current_release()
    page = requested_page()
    total = conn.execute("SELECT count(*) FROM plans").fetchone()[0]
    plans = catalog.rows(
        conn,
        "SELECT * FROM plans ORDER BY published_on, plan_id LIMIT ? OFFSET ?",
        [CATALOG_PAGE, (page - 1) * CATALOG_PAGE],
    )
    if page > 1 and not plans:
        abort(404)
    last = max(1, -(-total // CATALOG_PAGE))
    document = dcat_catalogue(
        conn, site_url(), release, plans, page=(page, last) if last > 1 else None
    )
    response = current_app.json.response(document)
    response.mimetype = JSON_LD
    return _cacheable(response)


@pages.app_context_processor
def linked_data_of_the_page():
    """schema.org JSON-LD for the page being rendered: a DataCatalog on the home page, the
    compilation's Dataset on the downloads page, a plan's Dataset on its page."""

    def linked_data() -> dict | None:
        endpoint = request.endpoint
        if endpoint not in ("pages.home", "pages.downloads", "pages.plan"):
            return None
        conn = get_db()
        release = current_release()
        if endpoint == "pages.home":
            return schema_org_catalog(conn, site_url(), release)
        if endpoint == "pages.downloads":
            return schema_org_dataset(conn, site_url(), release)
        plan = catalog.plan(conn, (request.view_args or {}).get("plan_id", ""))
        return schema_org_dataset(conn, site_url(), release, plan) if plan else None

    def embed_snippet(indicator_id: str) -> str:
        url = f"{site_url()}{EMBED}{indicator_id}?lang={i18n.language()}"
        return (
            f'<iframe src="{url}" width="720" height="480" style="border:0" '
            f'loading="lazy" title="{title()}"></iframe>'
        )

    return {"linked_data": linked_data, "embed_snippet": embed_snippet}


@pages.route(f"{EMBED}<indicator_id>")
def embed(indicator_id: str):
    """An indicator's chart alone, for other sites to frame: the indicator page's chart, with a
    link back to that page and the citation under it."""
    conn = get_db()
    found = catalog.indicator(conn, indicator_id)
    if found is None:
        abort(404)
    # The indicator page's chart: its regions (by default, or ?regions= as shared), its points.
    asked = comparison.requested_codes(request.args.getlist("regions"))
    choice = comparison.choose(conn, regions.tree(conn), indicator_id, asked)
    points = comparison.chart_points(conn, indicator_id, choice.codes)
    release = current_release()
    plans = {point["plan_id"]: i18n.pick(point, "plan") for point in points}
    return render_template(
        "pages/embed.html",
        embed=True,  # the shared chart section: no pointer to a table the embed does not have
        indicator=found,
        chart=charts.series_chart(found, points),
        page_url=f"{site_url()}/indicators/{indicator_id}",
        compilation=cite_compilation(release),
        sources=list(plans.values()),
        version=data_version(),
    )
