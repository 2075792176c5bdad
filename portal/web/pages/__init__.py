"""The reading pages: home, a page per plan and per indicator, search and downloads."""

from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
)

from portal.exports import downloads_path
from portal.exports.citation import cite_compilation, cite_plan
from portal.release import current_release
from portal.web import i18n, search
from portal.web.database import data_version, get_db
from portal.web.pages import catalog, charts, comparison, regions
from portal.web.pages.paging import requested_page, requested_year, url_with

pages = Blueprint("pages", __name__)
pages.after_request(i18n.remember)


@pages.app_context_processor
def words():
    return {
        "t": i18n.t,
        "lang": i18n.language,
        "pick": i18n.pick,
        "number": i18n.number,
        "counted": i18n.counted,
        "switch_url": i18n.switch_url,
        "quantity": i18n.quantity,
        "comparator": i18n.comparator,
        "version": data_version(),
        "url_with": url_with,
    }


@pages.route("/")
def home():
    conn = get_db()
    return render_template(
        "pages/home.html",
        plans=regions.newest_plans(conn),
        tree=regions.tree(conn),
        themes=catalog.themes(conn),
    )


@pages.route("/regions/<code>")
def region(code: str):
    conn = get_db()
    tree = regions.tree(conn)
    found = tree.regions.get(code)
    if found is None:
        abort(404)
    per_page = current_app.config.get("REGION_PLANS_PER_PAGE", regions.PLANS_PER_PAGE)
    pages = max(1, -(-found.plans // per_page))
    page = min(requested_page(), pages)
    return render_template(
        "pages/region.html",
        region=found,
        ancestors=tree.ancestors(found),
        plans=regions.region_plans(conn, code, page, per_page),
        paging={"page": page, "pages": pages},
        indicators=regions.region_indicators(conn, code),
    )


@pages.route("/plans/<plan_id>")
def plan(plan_id: str):
    conn = get_db()
    found = catalog.plan(conn, plan_id)
    if found is None:
        abort(404)
    return render_template(
        "pages/plan.html",
        plan=found,
        citation=cite_plan(found),
        targets=catalog.targets(conn, plan_id),
        achievements=catalog.achievements(conn, plan_id),
        programs=catalog.program_tree(conn, plan_id),
    )


@pages.route("/indicators/")
def indicators():
    theme = request.args.get("theme")
    return render_template(
        "pages/indicators.html", theme=theme, indicators=catalog.indicators(get_db(), theme)
    )


@pages.route("/indicators/<indicator_id>")
def indicator(indicator_id: str):
    conn = get_db()
    found = catalog.indicator(conn, indicator_id)
    if found is None:
        abort(404)
    tree = regions.tree(conn)
    asked = comparison.requested_codes(request.args.getlist("regions"))
    added = request.args.get("add", "")[:100]
    choice = comparison.choose(conn, tree, indicator_id, asked, added)
    if "add" in request.args or len(request.args.getlist("regions")) > 1:
        # A picked comparison gets one shareable address: ?regions=code,code
        return redirect(comparison_url(indicator_id, choice))
    table_region = tree.find(request.args.get("region", "")[:100])
    year = requested_year()
    figures = comparison.figures_page(
        conn,
        indicator_id,
        region=table_region.code if table_region else None,
        year=year,
        page=requested_page(),
    )
    return render_template(
        "pages/indicator.html",
        indicator=found,
        points=figures.rows,
        figures=figures,
        choice=choice,
        unknown=choice.unknown + [u for u in request.args.get("unknown", "").split(",") if u],
        compared=[tree.regions[code] for code in choice.codes],
        suggested=[
            tree.regions[code]
            for code in comparison.ranking(conn, indicator_id)[: comparison.MAX_REGIONS]
            if code not in choice.codes
        ],
        table_region=table_region,
        table_year=year,
        years=comparison.years(conn, indicator_id),
        max_regions=comparison.MAX_REGIONS,
        chart=charts.series_chart(found, comparison.chart_points(conn, indicator_id, choice.codes)),
    )


def comparison_url(indicator_id: str, choice) -> str:
    """The shareable address of a comparison: ?regions=code,code and the other parameters."""
    args = {k: v for k, v in request.args.items() if k not in ("regions", "add", "page")}
    if choice.chosen:
        # All that were asked for: the page draws the first few and says so.
        args["regions"] = ",".join(choice.codes + choice.dropped)
    if choice.unknown:
        args["unknown"] = ",".join(choice.unknown)[:200]
    return f"/indicators/{indicator_id}" + ("?" + urlencode(args, safe=",") if args else "")


@pages.route("/search")
def search_page():
    query = request.args.get("q", "").strip()[:200]
    hits, total, exact = search.search(get_db(), query, limit=100) if query else ([], 0, True)
    groups: dict[str, list] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(
            {
                "hit": vars(hit),
                "snippet": search.snippet(hit.text, query),
                "url": search.page_url(hit),
            }
        )
    return render_template(
        "pages/search.html", query=query, groups=groups, total=total, exact=exact
    )


CITED_PLANS = 20
# The tables a plan's or a region's rows can be downloaded from, and the filters each takes.
ROW_TABLES = {
    "targets": ("plan_id", "region_code"),
    "achievements": ("plan_id", "region_code"),
    "programs": ("plan_id",),
    "plans": ("plan_id", "region_code"),
}


@pages.route("/downloads/rows")
def download_rows():
    """The rows of one plan or region as CSV: a redirect to the API's filtered list."""
    conn = get_db()
    table = request.args.get("table", "targets")
    plan_id = request.args.get("plan", "").strip()[:100]
    place = request.args.get("region", "").strip()[:100]
    region = regions.tree(conn).find(place) if place else None
    if table not in ROW_TABLES:
        problem = i18n.t("not_found")
    elif not plan_id and not place:
        problem = i18n.t("rows_need_filter")
    elif plan_id and catalog.plan(conn, plan_id) is None:
        problem = i18n.t("plan_unknown", plan=plan_id)
    elif place and region is None:
        problem = i18n.t("region_unknown", name=place)
    elif region and "region_code" not in ROW_TABLES[table]:
        problem = i18n.t("rows_by_plan_only")
    else:
        problem = None
    if problem:
        return render_template("pages/error.html", message=problem), 400
    args = {"plan_id": plan_id, "region_code": region.code if region else ""}
    args = {k: v for k, v in args.items() if v} | {"format": "csv", "bom": 1}
    return redirect(f"/api/v1/{table}?{urlencode(args)}")


@pages.route("/downloads/")
def downloads():
    folder = downloads_path()
    release = current_release()
    files = []
    for label, latest in (
        ("whole_package", "portal-data-latest.zip"),
        ("workbook", "portal-data-latest.xlsx"),
        ("database", "portal-latest.db"),
    ):
        versioned = latest.replace("latest", release.version)
        path = folder / versioned
        if path.exists():
            files.append(
                {
                    "label": label,
                    "latest": latest,
                    "versioned": versioned,
                    "size": path.stat().st_size,
                }
            )
    return render_template(
        "pages/downloads.html",
        files=files,
        release=release,
        compilation=cite_compilation(release),
        # The newest plans' citations (every plan's page gives its own): never thousands.
        plans=[(p, cite_plan(p)) for p in regions.newest_plans(get_db(), CITED_PLANS)],
        plans_total=sum(r.plans_within for r in regions.tree(get_db()).top),
        cited_plans=CITED_PLANS,
        changelog=current_app.config.get("CHANGELOG_TEXT") or changelog(),
    )


def changelog() -> str:
    from portal import paths

    return paths.CHANGELOG.read_text(encoding="utf-8")


@pages.route("/downloads/<name>")
def download(name: str):
    if "/" in name or name.startswith("."):
        abort(404)
    mimetype = "application/vnd.sqlite3" if name.endswith(".db") else None
    return send_from_directory(
        downloads_path(), name, as_attachment=True, max_age=300, mimetype=mimetype
    )


@pages.route("/read/<table>/<path:key>")
def read(table: str, key: str):
    """From a row of the data tables to the page a reader sees it on."""
    url = catalog.readable_url(get_db(), table, key)
    if url is None:
        abort(404)
    return redirect(url)


def error_page(error):
    """An error outside the API, as a page a reader can go on from."""
    message = i18n.t("not_found") if error.code == 404 else i18n.t("error", code=error.code)
    return render_template("pages/error.html", message=message), error.code
