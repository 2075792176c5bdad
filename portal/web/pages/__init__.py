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

from portal.build import progress
from portal.exports import downloads_path
from portal.exports.citation import cite_compilation, cite_plan
from portal.release import current_release
from portal.web import i18n, search
from portal.web.database import data_version, get_db
from portal.web.pages import catalog, charts

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
    }


@pages.route("/")
def home():
    conn = get_db()
    return render_template(
        "pages/home.html", plans=catalog.plans(conn), themes=catalog.themes(conn)
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
    points = catalog.series(conn, indicator_id)
    return render_template(
        "pages/indicator.html",
        indicator=found,
        points=points,
        chart=charts.series_chart(found, points),
    )


# Hits a search page shows; the pages after it are reached by ?page=.
HITS_PER_PAGE = 20
KIND_ORDER = ("plan", "indicator", "target", "achievement", "program")


def _page_number(value: str | None) -> int:
    """?page= as a page number from 1; anything else (0, -1, x, a huge number) is the first."""
    return int(value) if value and value.isdigit() and len(value) < 7 and int(value) else 1


@pages.route("/search")
def search_page():
    """Search everything, filtered by kind, plan and region, a page of hits at a time."""
    query = request.args.get("q", "").strip()[:200]
    kind = request.args.get("kind", "")
    kind = kind if kind in KIND_ORDER else ""
    plan_id = request.args.get("plan", "").strip()[:100] or None
    region_code = request.args.get("region", "").strip()[:20] or None
    page_number = _page_number(request.args.get("page"))
    conn = get_db()
    filters = {"plan_id": plan_id, "region_code": region_code}
    tables = {k: t for t, k in search.KINDS.items()}
    hits, total, exact, per_kind = [], 0, True, {}
    if query:
        hits, total, exact = search.search(
            conn,
            query,
            [tables[kind]] if kind else None,
            HITS_PER_PAGE,
            (page_number - 1) * HITS_PER_PAGE,
            **filters,
        )
        per_kind = {search.KINDS[t]: n for t, n in search.counts(conn, query, **filters).items()}
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
        statuses=progress.STATUSES,
    )


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
        plans=[(p, cite_plan(p)) for p in catalog.plans(get_db())],
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
