"""The reading pages: home, a page per plan and per indicator, search, downloads and about."""

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

from portal.build.progress import STATUSES
from portal.exports import downloads_path
from portal.exports.citation import cite_compilation, cite_plan
from portal.release import current_release
from portal.web import i18n, search
from portal.web.database import data_version, get_db
from portal.web.pages import catalog, charts, comparison, progress, regions
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
        "figure": i18n.figure,
        "printed": i18n.printed,
        "comparable": i18n.comparable,
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
    targets = catalog.targets(conn, plan_id)
    return render_template(
        "pages/plan.html",
        plan=found,
        citation=cite_plan(found),
        targets=targets,
        progress=progress.summary(targets),
        statuses=progress.shown(targets),
        as_of=progress.as_of(conn),
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
    chart = charts.series_chart(found, comparison.chart_points(conn, indicator_id, choice.codes))
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
        chart=chart,
        notes=catalog.target_notes(conn, [goal["id"] for goal in chart["in_words"]]),
        statuses=progress.shown(figures.rows),
        as_of=progress.as_of(conn),
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


# Hits a search page shows; the pages after it are reached by ?page=.
HITS_PER_PAGE = 20
KIND_ORDER = ("plan", "indicator", "target", "achievement", "program")


@pages.route("/search")
def search_page():
    """Search everything, filtered by kind, plan and region, a page of hits at a time."""
    query = request.args.get("q", "").strip()[:200]
    kind = request.args.get("kind", "")
    kind = kind if kind in KIND_ORDER else ""
    plan_id = request.args.get("plan", "").strip()[:100] or None
    region_code = request.args.get("region", "").strip()[:20] or None
    page_number = requested_page()
    conn = get_db()
    filters = {"plan_id": plan_id, "region_code": region_code}
    tables = {k: t for t, k in search.KINDS.items()}
    hits, total, exact, per_kind = [], 0, True, {}
    if query:
        terms = search.matching(conn, query, list(search.INDEXED))  # for the hits and the counts

        def found(page: int):
            return search.search(
                conn,
                query,
                [tables[kind]] if kind else None,
                HITS_PER_PAGE,
                (page - 1) * HITS_PER_PAGE,
                found=terms,
                **filters,
            )

        hits, total, exact = found(page_number)
        last = max(1, -(-total // HITS_PER_PAGE))
        if not hits and page_number > last:  # past the last page: the last page, as it says
            page_number = last
            hits, total, exact = found(page_number)
        counted = search.counts(conn, query, found=terms, **filters)
        per_kind = {search.KINDS[t]: n for t, n in counted.items()}
    figures = catalog.hit_figures(
        conn,
        [h.id for h in hits if h.kind == "target"],
        [h.id for h in hits if h.kind == "achievement"],
    )
    groups: dict[str, list] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(
            {
                "hit": vars(hit),
                "snippet": search.snippet(hit.text, query),
                "url": search.page_url(hit),
                "figure": figures.get(hit.id) if hit.kind in ("target", "achievement") else None,
            }
        )
    chosen = {"q": query, "kind": kind, "plan": plan_id, "region": region_code}

    def search_url(**changes) -> str:
        """This search with some of its choices changed; the first page unless one is given."""
        args = {k: v for k, v in (chosen | changes).items() if v}
        return "/search?" + urlencode(args)

    plans, regions = catalog.filter_choices(conn)
    return render_template(
        "pages/search.html",
        query=query,
        groups=groups,
        kinds=[k for k in KIND_ORDER if k in groups],
        total=total,
        exact=exact,
        per_kind=per_kind,
        count_limit=search.COUNT_LIMIT,
        chosen=chosen,
        page=page_number,
        pages=max(1, -(-min(total, search.COUNT_LIMIT) // HITS_PER_PAGE)),
        first=(page_number - 1) * HITS_PER_PAGE + 1,
        last=(page_number - 1) * HITS_PER_PAGE + len(hits),
        search_url=search_url,
        plans=plans,
        regions=regions,
    )


@pages.route("/about")
def about():
    release = current_release()
    return render_template(
        "pages/about.html",
        plans=[(p, cite_plan(p)) for p in catalog.plans(get_db())],
        compilation=cite_compilation(release),
        release=release,
        statuses=STATUSES,
    )


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


# Views of their own modules, on the same blueprint.
from portal.web.pages import downloads, feeds  # noqa: E402, F401
