"""The reading pages: home, a page per plan and per indicator, search and downloads."""

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
)

from portal.exports import downloads_path
from portal.exports.citation import cite_plan
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
